/**
 * A SIP relay in front of Kamailio's UDP and TCP port, for tests that need the *server's side* of a
 * direct (UDP/TCP) connection to misbehave: the app's account names the relay as its server, the relay
 * passes every byte both ways unchanged, and a test can slip bytes of its own (truncated messages,
 * wrong Content-Length, binary junk, an unframeable stream) into what the app receives, as a broken
 * server or a corrupting middlebox would.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { findPortFreeForTcpAndUdp } from './ports.js';

export interface SipRelay {
  /** The relay's port on 127.0.0.1, UDP and TCP. */
  port: number;
  /** Sends `bytes` to the app: over UDP to the last client that sent something, over TCP to every client. */
  injectUdp(bytes: Buffer | string): void;
  injectTcp(bytes: Buffer | string): void;
  /** Open client TCP connections. */
  tcpClients(): number;
  /** Every UDP datagram the app sent through the relay, as text, oldest first. */
  fromAppUdp: string[];
  close(): Promise<void>;
}

/** Relays 127.0.0.1:(new port) <-> 127.0.0.1:`upstreamPort` for UDP and TCP. */
export async function startSipRelay(upstreamPort: number): Promise<SipRelay> {
  const port = await findPortFreeForTcpAndUdp();
  const front = createSocket('udp4');
  /** One upstream socket per client, so Kamailio's answers (to our source port) find their way back. */
  const upstreams = new Map<string, UdpSocket>();
  let lastClient: RemoteInfo | undefined;
  const fromAppUdp: string[] = [];
  front.on('message', (bytes, client) => {
    lastClient = client;
    fromAppUdp.push(bytes.toString('utf8'));
    const key = `${client.address}:${client.port}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      const created = createSocket('udp4');
      created.on('message', (answer) => front.send(answer, client.port, client.address));
      created.bind(0, '127.0.0.1');
      upstreams.set(key, created);
      upstream = created;
    }
    upstream.send(bytes, upstreamPort, '127.0.0.1');
  });
  await new Promise<void>((resolve) => front.bind(port, '127.0.0.1', resolve));

  const clients = new Set<Socket>();
  const server: Server = createServer((client) => {
    clients.add(client);
    const upstream = connect(upstreamPort, '127.0.0.1');
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      clients.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    port,
    injectUdp: (bytes) => {
      if (!lastClient) throw new Error('no UDP client has sent anything yet');
      front.send(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, lastClient.port, lastClient.address);
    },
    injectTcp: (bytes) => {
      if (clients.size === 0) throw new Error('no TCP client is connected');
      for (const client of clients) client.write(bytes);
    },
    tcpClients: () => clients.size,
    fromAppUdp,
    close: async () => {
      for (const client of clients) client.destroy();
      for (const upstream of upstreams.values()) upstream.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
