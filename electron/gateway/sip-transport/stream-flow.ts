/**
 * SIP over TCP or TLS to one server address (RFC 3261 §18; TLS per RFC 5922, see `tls-trust.ts`).
 *
 * Bytes are cut into messages by {@link SipStreamFramer}. Keep-alives follow RFC 5626 §4.4.1: a double
 * CRLF "ping" at a random point of the keep-alive interval, answered by the server's single CRLF
 * "pong"; no pong within 10 s and the flow is declared dead (`closed`), which SIP.js's side then
 * reconnects. A server's own ping is answered with a pong. A stream that cannot be framed any more
 * (no Content-Length, a message too large) is closed the same way: the bytes after it cannot be trusted.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { SipStreamFramer } from '../sip-message';
import type { AddressPolicy } from './address-policy';
import {
  FlowOpenError,
  hostPort,
  within,
  type FlowEvents,
  type GatewayLogger,
  type GatewayTiming,
  type SipFlow,
} from './flow';
import type { HostPort } from './socket-rewriter';
import { CertificateRefused, secureSocket, trustedRoots, type TlsIdentity } from './tls-trust';

const PING = Buffer.from('\r\n\r\n');
const PONG = Buffer.from('\r\n');

function openError(error: NodeJS.ErrnoException, remote: HostPort): FlowOpenError {
  const where = hostPort(remote);
  if (error.code === 'ETIMEDOUT')
    return new FlowOpenError('timeout', `${where}: no answer (connect timed out)`);
  return new FlowOpenError('unreachable', `${where}: ${error.code ?? error.message}`);
}

export class StreamFlow implements SipFlow {
  private closedByUs = false;
  private reported = false;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    readonly transport: 'tcp' | 'tls',
    private readonly socket: Socket,
    readonly local: HostPort,
    readonly remote: HostPort,
    private readonly events: FlowEvents,
    private readonly log: GatewayLogger,
    private readonly timing: GatewayTiming,
  ) {}

  /**
   * Connects (and for TLS, completes the handshake and accepts the certificate) within the connect
   * timeout. Rejects with {@link FlowOpenError} or {@link CertificateRefused}.
   */
  static async open(
    transport: 'tcp' | 'tls',
    remote: HostPort,
    tlsIdentity: TlsIdentity | undefined,
    policy: AddressPolicy,
    events: FlowEvents,
    log: GatewayLogger,
    timing: GatewayTiming,
  ): Promise<StreamFlow> {
    policy.checkDestination(remote);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const tcp = netConnect({ host: remote.host, port: remote.port });
      const fail = (error: Error): void => {
        clearTimeout(timer);
        tcp.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new FlowOpenError(
              'timeout',
              `${hostPort(remote)}: no answer within ${timing.connectTimeoutMs} ms`,
            ),
          ),
        timing.connectTimeoutMs,
      );
      const onError = (error: NodeJS.ErrnoException): void => fail(openError(error, remote));
      tcp.once('error', onError);
      tcp.once('connect', () => {
        if (transport === 'tcp') {
          clearTimeout(timer);
          tcp.off('error', onError);
          resolve(tcp);
          return;
        }
        tcp.off('error', onError);
        const identity = tlsIdentity ?? {
          name: remote.host,
          pinHost: hostPort(remote),
          pin: undefined,
          ca: trustedRoots().ca,
        };
        secureSocket(tcp, identity).then(
          ({ secure, pinned }) => {
            clearTimeout(timer);
            if (pinned) log.info(`tls ${identity.pinHost}: accepted the certificate the user trusted`);
            resolve(secure);
          },
          (error: unknown) => {
            clearTimeout(timer);
            tcp.destroy();
            reject(
              error instanceof CertificateRefused ? error : openError(error as NodeJS.ErrnoException, remote),
            );
          },
        );
      });
    });
    socket.setNoDelay(true);
    const local = { host: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    const flow = new StreamFlow(transport, socket, local, remote, events, log, timing);
    flow.attach();
    return flow;
  }

  private attach(): void {
    const framer = new SipStreamFramer({
      message: (bytes) => this.events.message(bytes),
      ping: () => {
        this.socket.write(PONG);
      },
      pong: () => {
        clearTimeout(this.pongTimer);
        this.pongTimer = undefined;
      },
      error: (reason) => this.die(`unframeable stream: ${reason}`),
    });
    this.socket.on('data', (chunk: Buffer) => framer.push(chunk));
    this.socket.on('error', (error) => this.die(error.message));
    this.socket.on('close', () => this.die('the server closed the connection'));
    this.schedulePing();
  }

  private schedulePing(): void {
    this.pingTimer = setTimeout(() => {
      if (this.closedByUs || this.reported) return;
      this.socket.write(PING);
      this.pongTimer ??= setTimeout(
        () => this.die(`no keep-alive pong within ${this.timing.pongTimeoutMs} ms`),
        this.timing.pongTimeoutMs,
      );
      this.schedulePing();
    }, within(this.timing.streamKeepAliveMs));
  }

  /** The flow is gone: report it once (unless we closed it) and release the socket. */
  private die(reason: string): void {
    this.stopTimers();
    if (!this.closedByUs && !this.reported) {
      this.reported = true;
      this.log.warn(`${this.transport} ${hostPort(this.local)} -> ${hostPort(this.remote)}: ${reason}`);
      this.events.closed(reason);
    }
    this.socket.destroy();
  }

  private stopTimers(): void {
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pingTimer = undefined;
    this.pongTimer = undefined;
  }

  send(bytes: Buffer): Promise<void> {
    if (this.socket.destroyed || this.reported)
      return Promise.reject(new Error(`${this.transport} flow is closed`));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.stopTimers();
    this.socket.end();
    // A server that never closes its side must not keep the socket: what we wrote has gone by then.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }
}
