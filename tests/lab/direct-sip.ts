/**
 * A bare SIP endpoint on a UDP socket, for tests that talk to a desk phone with no server between:
 * it sends the requests a test builds, collects the answers, and hands over what the phone sends.
 * No transactions, no retransmissions: on loopback nothing is lost.
 */
import { createSocket, type Socket } from 'node:dgram';
import { SipMessage } from '../../electron/gateway/sip-message';
import { waitFor } from './wait.js';

export interface Peer {
  host: string;
  port: number;
}

export class DirectSipEndpoint {
  private readonly inbox: { message: SipMessage; from: Peer }[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data, info) => {
      try {
        this.inbox.push({ message: SipMessage.parse(data), from: { host: info.address, port: info.port } });
      } catch {
        // Keep-alives and junk are not part of these tests.
      }
    });
  }

  static async open(host = '127.0.0.1'): Promise<DirectSipEndpoint> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new DirectSipEndpoint(socket);
  }

  get host(): string {
    return this.socket.address().address;
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(message: SipMessage, to: Peer): void {
    this.socket.send(message.toBuffer(), to.port, to.host);
  }

  /**
   * The next message matching `match` (taken out of the inbox), e.g. the final response to a request.
   */
  async next(match: (message: SipMessage) => boolean, what: string, timeoutMs = 15_000): Promise<SipMessage> {
    return waitFor(
      () => {
        const index = this.inbox.findIndex((entry) => match(entry.message));
        if (index === -1) return undefined;
        const [entry] = this.inbox.splice(index, 1);
        return entry?.message;
      },
      { timeoutMs, intervalMs: 10, description: what },
    );
  }

  /** The final response to `request` (same Call-ID and CSeq), skipping provisional ones. */
  finalResponse(request: SipMessage, timeoutMs?: number): Promise<SipMessage> {
    const cseq = request.header('cseq');
    return this.next(
      (m) =>
        !m.isRequest && (m.status ?? 0) >= 200 && m.callId === request.callId && m.header('cseq') === cseq,
      `a final response to ${request.method}`,
      timeoutMs,
    );
  }

  close(): void {
    this.socket.close();
  }
}
