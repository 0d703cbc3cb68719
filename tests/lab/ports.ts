/**
 * Free ports for the lab's servers and phones.
 *
 * Every lab run picks fresh ports so several runs (or Playwright workers) can share a network
 * namespace. A port that was free when we probed it can be taken before the server binds it. Ports
 * are therefore drawn at random below the kernel's ephemeral range: no socket bound to port 0
 * (Chromium's ICE, werift, Node clients, another lab's probes) can land there in that window, and
 * two labs drawing from some 20,000 ports rarely meet. Ports from the ephemeral range itself were
 * taken that way now and then under load ("Address already in use" at a phone's start).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** Transport protocol of a port. TCP and UDP port numbers are separate spaces in the kernel. */
export type PortProtocol = 'tcp' | 'udp';

/** An inclusive range of UDP ports, e.g. for RTP. */
export interface PortRange {
  min: number;
  max: number;
}

const LOOPBACK = '127.0.0.1';

/**
 * Tries to bind `port` and releases it at once.
 * Resolves with the bound port, or `undefined` when it is taken.
 */
function probe(protocol: PortProtocol, port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    if (protocol === 'tcp') {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen({ host, port, exclusive: true }, () => {
        const address = server.address();
        const bound = typeof address === 'object' && address !== null ? address.port : undefined;
        server.close(() => resolve(bound));
      });
      return;
    }
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind({ address: host, port, exclusive: true }, () => {
      const bound = socket.address().port;
      socket.close(() => resolve(bound));
    });
  });
}

/** A port that is currently free for `protocol` on `host`, below the kernel's ephemeral range. */
export async function findFreePort(protocol: PortProtocol, host = LOOPBACK): Promise<number> {
  return findFreePorts([protocol], host);
}

/**
 * A port that is free for both TCP and UDP. SIP user agents such as baresip bind the same port
 * number on both transports, so one of them being taken is enough to fail their start-up. With
 * `tlsOnNext`, the next port must be free for TCP too: baresip listens for TLS on the SIP port + 1.
 */
export async function findPortFreeForTcpAndUdp(
  host = LOOPBACK,
  { tlsOnNext = false }: { tlsOnNext?: boolean } = {},
): Promise<number> {
  return findFreePorts(tlsOnNext ? ['tcp', 'udp', 'tcp+1'] : ['tcp', 'udp'], host);
}

/** A random port below the ephemeral range on which every listed binding is free right now. */
async function findFreePorts(bindings: readonly (PortProtocol | 'tcp+1')[], host: string): Promise<number> {
  // Above 10080, the highest of the ports Chromium refuses to connect to (its restricted ports).
  const lowest = 10081;
  const highest = (await ephemeralRangeStart()) - 2;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = lowest + Math.floor(Math.random() * (highest - lowest));
    const free = await Promise.all(
      bindings.map((binding) =>
        binding === 'tcp+1' ? probe('tcp', port + 1, host) : probe(binding, port, host),
      ),
    );
    if (free.every((bound) => bound !== undefined)) return port;
  }
  throw new Error(`no port free for ${bindings.join(', ')} on ${host}`);
}

/**
 * The kernel's ephemeral port range (`ip_local_port_range`). RTP ranges are chosen below it so that
 * Chromium's and Node's ephemeral sockets never land inside an RTP range handed to a media server.
 */
async function ephemeralRangeStart(): Promise<number> {
  try {
    const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const first = Number.parseInt(text.trim().split(/\s+/)[0] ?? '', 10);
    if (Number.isInteger(first) && first > 1024) return first;
  } catch {
    // Not Linux or /proc not mounted: fall back to the IANA dynamic range start.
  }
  return 49152;
}

/**
 * A block of `size` consecutive UDP ports that are all free right now, starting at an even port
 * (RTP uses the even port and RTCP the next odd one). Picked at random below the ephemeral range,
 * so two labs in the same namespace are unlikely to collide.
 */
export async function findFreeUdpPortRange(size: number, host = LOOPBACK): Promise<PortRange> {
  const lowest = 10000;
  const highest = (await ephemeralRangeStart()) - size - 1;
  if (highest <= lowest) throw new Error('ephemeral port range leaves no room for an RTP range');
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const min = lowest + 2 * Math.floor((Math.random() * (highest - lowest)) / 2);
    const max = min + size - 1;
    const ports = Array.from({ length: size }, (_, index) => min + index);
    const results = await Promise.all(ports.map((port) => probe('udp', port, host)));
    if (results.every((bound) => bound !== undefined)) return { min, max };
  }
  throw new Error(`no free block of ${size} UDP ports on ${host}`);
}
