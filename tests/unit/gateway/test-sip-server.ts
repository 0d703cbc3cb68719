/**
 * A small SIP server on 127.0.0.1 over real UDP, TCP or TLS sockets, for testing the gateway from the
 * other end of the wire: it records what arrives (raw bytes and parsed), answers OPTIONS (as every SIP
 * server does) and CRLF pings (RFC 5626), and lets a test answer or send anything, malformed included.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { SipMessage, SipStreamFramer, splitHeaderList } from '../../../electron/gateway/sip-message';

export interface Received {
  message: SipMessage;
  raw: Buffer;
  from: { address: string; port: number };
  transport: 'udp' | 'tcp' | 'tls';
}

export interface TestSipServerOptions {
  /** Answer OPTIONS with 200 (default true). */
  answerOptions?: boolean;
  /** Answer CRLF pings with a CRLF pong (default true). */
  answerPings?: boolean;
  /** TLS key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Port to bind (default: any free one). */
  port?: number;
}

export class TestSipServer {
  readonly received: Received[] = [];
  /** Double-CRLF pings received on streams. */
  pings = 0;
  /** Single-CRLF pongs received on streams (answers to our pings). */
  pongs = 0;
  private lastUdpPeer: RemoteInfo | undefined;
  private readonly streams = new Set<Socket>();
  private waiters: (() => void)[] = [];

  private constructor(
    readonly transport: 'udp' | 'tcp' | 'tls',
    readonly port: number,
    private readonly udp: UdpSocket | undefined,
    private readonly server: Server | undefined,
    private readonly options: TestSipServerOptions,
  ) {}

  static async start(
    transport: 'udp' | 'tcp' | 'tls',
    options: TestSipServerOptions = {},
  ): Promise<TestSipServer> {
    if (transport === 'udp') {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(options.port ?? 0, '127.0.0.1', resolve));
      const server = new TestSipServer('udp', socket.address().port, socket, undefined, options);
      socket.on('message', (bytes, from) => server.onDatagram(bytes, from));
      return server;
    }
    const holder: { server?: TestSipServer } = {};
    const onConnection = (socket: Socket): void => holder.server?.onStream(socket);
    const listener =
      transport === 'tls'
        ? createTlsServer({ key: options.tls?.key, cert: options.tls?.cert }, onConnection)
        : createTcpServer(onConnection);
    await new Promise<void>((resolve) => listener.listen(options.port ?? 0, '127.0.0.1', resolve));
    const address = listener.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    holder.server = new TestSipServer(transport, port, undefined, listener, options);
    return holder.server;
  }

  private record(raw: Buffer, from: { address: string; port: number }, reply: (bytes: Buffer) => void): void {
    let message: SipMessage;
    try {
      message = SipMessage.parse(raw);
    } catch {
      return;
    }
    this.received.push({ message, raw, from, transport: this.transport });
    if (message.isRequest && message.method === 'OPTIONS' && this.options.answerOptions !== false)
      reply(Buffer.from(this.responseText(message, 200, 'OK', from)));
    for (const wake of this.waiters.splice(0)) wake();
  }

  private onDatagram(bytes: Buffer, from: RemoteInfo): void {
    this.lastUdpPeer = from;
    if (bytes.every((byte) => byte === 0x0d || byte === 0x0a)) return;
    this.record(bytes, from, (reply) => this.udp?.send(reply, from.port, from.address));
  }

  private onStream(socket: Socket): void {
    this.streams.add(socket);
    socket.on('close', () => this.streams.delete(socket));
    socket.on('error', () => undefined);
    const from = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const framer = new SipStreamFramer({
      message: (bytes) => this.record(bytes, from, (reply) => socket.write(reply)),
      ping: () => {
        this.pings += 1;
        if (this.options.answerPings !== false) socket.write('\r\n');
        for (const wake of this.waiters.splice(0)) wake();
      },
      pong: () => {
        this.pongs += 1;
        for (const wake of this.waiters.splice(0)) wake();
      },
      error: () => socket.destroy(),
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
  }

  /** Resolves with the first received message matching `predicate` (already there, or within the timeout). */
  async waitFor(predicate: (received: Received) => boolean, timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching message within ${timeoutMs} ms (${this.received.length} received)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once `condition` holds (checked whenever something arrives, and every 20 ms). */
  async until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Requests of that method received so far. */
  requests(method: string): Received[] {
    return this.received.filter((r) => r.message.isRequest && r.message.method === method);
  }

  /**
   * A response to `request` as RFC 3261 §8.2.6 builds it: Via copied, with `received` and `rport`
   * filled in from where it came (RFC 3581), To tagged.
   */
  responseText(
    request: SipMessage,
    status: number,
    reason: string,
    from: { address: string; port: number },
    extraHeaders: string[] = [],
  ): string {
    const vias = request.headerValues('via').flatMap((value) => splitHeaderList(value));
    const [top, ...rest] = vias;
    const stamped = (top ?? '').replace(/;rport(?=;|$)/, `;rport=${from.port}`) + `;received=${from.address}`;
    const to = request.header('to') ?? '';
    return [
      `SIP/2.0 ${status} ${reason}`,
      ...[stamped, ...rest].map((via) => `Via: ${via}`),
      `From: ${request.header('from') ?? ''}`,
      `To: ${/;tag=/.test(to) ? to : `${to};tag=srv${status}`}`,
      `Call-ID: ${request.callId ?? ''}`,
      `CSeq: ${request.header('cseq') ?? ''}`,
      ...extraHeaders,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }

  /** Answers a received request on the flow it came by. */
  reply(received: Received, status: number, reason: string, extraHeaders: string[] = []): void {
    this.sendRaw(
      Buffer.from(this.responseText(received.message, status, reason, received.from, extraHeaders)),
    );
  }

  /** Sends raw bytes to the client (UDP: the last peer; streams: every connection). */
  sendRaw(bytes: Buffer | string): void {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    if (this.udp) {
      if (this.lastUdpPeer) this.udp.send(buffer, this.lastUdpPeer.port, this.lastUdpPeer.address);
      return;
    }
    for (const socket of this.streams) socket.write(buffer);
  }

  /** Open client connections (streams). */
  get connections(): number {
    return this.streams.size;
  }

  /** Closes every client connection (a server restart as clients see it), keeps listening. */
  dropConnections(): void {
    for (const socket of this.streams) socket.destroy();
  }

  private closing: Promise<void> | undefined;

  /** Stops listening and drops every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.dropConnections();
    if (this.udp) await new Promise<void>((resolve) => this.udp?.close(() => resolve()));
    if (this.server) await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** A REGISTER as SIP.js writes it over its WebSocket transport (Via `*.invalid`, no port; Contact `transport=ws`). */
export function sipJsRegister(
  options: { viaHost?: string; branch?: string; cseq?: number; extra?: string[] } = {},
): string {
  const viaHost = options.viaHost ?? 'k3j4h5g6f7d8.invalid';
  return [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP ${viaHost};branch=${options.branch ?? 'z9hG4bK1234567'}`,
    'Max-Forwards: 70',
    'To: <sip:1001@127.0.0.1>',
    'From: "Alice" <sip:1001@127.0.0.1>;tag=abc123',
    'Call-ID: callid-register-1',
    `CSeq: ${options.cseq ?? 1} REGISTER`,
    `Contact: <sip:q8w7e6r5@${viaHost};transport=ws>;expires=300`,
    'Expires: 300',
    ...(options.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
