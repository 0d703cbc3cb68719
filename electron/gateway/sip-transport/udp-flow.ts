/**
 * SIP over UDP to one server address (RFC 3261 §18).
 *
 * The socket is not `connect()`ed: a connected UDP socket has the kernel drop datagrams from other
 * sources silently, and those must be dropped *and logged* (issue 12). So every datagram's source is
 * checked against the account's {@link AddressPolicy} here. The interface address the server is
 * reached by (our Via/Contact host) is read from a throwaway connected socket, which is how the OS
 * tells which interface routes there.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressPolicy } from './address-policy';
import { hostPort, type FlowEvents, type GatewayLogger, type SipFlow } from './flow';
import type { HostPort } from './socket-rewriter';

/** The local interface address the OS would use to reach `remote`. */
export function routeSourceAddress(remote: HostPort, family: 4 | 6): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = createSocket(family === 6 ? 'udp6' : 'udp4');
    probe.once('error', (error) => {
      probe.close();
      reject(error);
    });
    probe.connect(remote.port, remote.host, () => {
      const { address } = probe.address();
      probe.close();
      resolve(address);
    });
  });
}

/** Only CR and LF: a keep-alive (RFC 5626 §3.5.1 double CRLF, or a bare CRLF "pong"), not a message. */
function isKeepAlive(bytes: Buffer): boolean {
  return bytes.length > 0 && bytes.every((byte) => byte === 0x0d || byte === 0x0a);
}

export class UdpFlow implements SipFlow {
  readonly transport = 'udp' as const;
  private closedByUs = false;

  private constructor(
    private readonly socket: Socket,
    readonly local: HostPort,
    readonly remote: HostPort,
  ) {}

  /** Binds a fresh socket for talking to `remote`; rejects when no interface reaches it. */
  static async open(
    remote: HostPort,
    family: 4 | 6,
    policy: AddressPolicy,
    events: FlowEvents,
    log: GatewayLogger,
  ): Promise<UdpFlow> {
    policy.checkDestination(remote);
    const localAddress = await routeSourceAddress(remote, family);
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    const port = await new Promise<number>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port: 0, address: localAddress, exclusive: true }, () => {
        socket.off('error', reject);
        resolve(socket.address().port);
      });
    });
    const flow = new UdpFlow(socket, { host: localAddress, port }, remote);
    socket.on('message', (bytes, from) => {
      const source = { host: from.address, port: from.port };
      if (!policy.allows(source)) {
        log.warn(
          `udp ${hostPort(flow.local)}: dropped a datagram from ${hostPort(source)}, which is not the account's server`,
        );
        return;
      }
      if (isKeepAlive(bytes)) return;
      events.message(bytes);
    });
    socket.on('error', (error) => {
      // Only send errors reach here (an unconnected socket gets no ICMP errors): the send rejects too.
      log.warn(`udp ${hostPort(flow.local)}: ${error.message}`);
    });
    socket.on('close', () => {
      if (!flow.closedByUs) events.closed('the UDP socket closed');
    });
    return flow;
  }

  send(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, this.remote.port, this.remote.host, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.socket.close();
  }
}
