/**
 * A TURN server (coturn, RFC 8656) on 127.0.0.1 with one long-term credential, so calls can be made
 * with "relay only": every media packet then goes through it. Its own log says what it did: each
 * allocation, and on its end the packets and bytes it relayed (`usage` / `peer usage` lines).
 *
 * `--allow-loopback-peers` is needed because every peer in the lab (rtpengine, other apps) is on
 * 127.0.0.1, which coturn refuses to relay to by default; it is a lab-only setting.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreeUdpPortRange, findPortFreeForTcpAndUdp } from './ports.js';
import { startLabProcess, type LabProcess } from './processes.js';
import { waitFor } from './wait.js';

/** What coturn logged for one allocation when it ended. */
export interface TurnAllocationUsage {
  /** coturn's session id, e.g. "001000000000000001". */
  session: string;
  username: string;
  /** Received from / sent to the client (TURN messages and the data it relayed). */
  client: TurnCounters;
  /** Received from / sent to the peers: the relayed media itself. */
  peer: TurnCounters;
}

export interface TurnCounters {
  receivedPackets: number;
  receivedBytes: number;
  sentPackets: number;
  sentBytes: number;
}

/** A running coturn. */
export interface TurnServer {
  /** `turn:127.0.0.1:PORT?transport=udp`, as an account's ICE server URL. */
  url: string;
  username: string;
  credential: string;
  realm: string;
  process: LabProcess;
  /** Allocations coturn granted so far (its "ALLOCATE processed, success" lines). */
  allocationsGranted(): Promise<number>;
  /** Allocations that have ended, with what coturn relayed for each. */
  endedAllocations(): Promise<TurnAllocationUsage[]>;
  stop(): Promise<void>;
}

/** Relay ports: two per allocation (RTP and its reserved RTCP neighbour), for a few calls. */
const RELAY_PORT_COUNT = 100;

/** Starts coturn and resolves once it listens on UDP. */
export async function startTurnServer(options: { dir: string; logFile: string }): Promise<TurnServer> {
  const [port, relayPorts] = await Promise.all([
    findPortFreeForTcpAndUdp(),
    findFreeUdpPortRange(RELAY_PORT_COUNT),
  ]);
  const username = 'ringline';
  const credential = 'turn-secret';
  const realm = 'ringline.lab';
  const server = startLabProcess({
    name: 'coturn',
    command: 'turnserver',
    logFile: options.logFile,
    args: [
      // No config file: Debian's /etc/turnserver.conf would add listeners of its own.
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayPorts.min}`,
      `--max-port=${relayPorts.max}`,
      '--lt-cred-mech',
      `--user=${username}:${credential}`,
      `--realm=${realm}`,
      // Its own database file instead of /var/lib/turn/turndb, which may not be writable.
      `--userdb=${join(options.dir, 'turndb')}`,
      `--pidfile=${join(options.dir, 'turnserver.pid')}`,
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--log-file=stdout',
      '--simple-log',
      '--verbose',
    ],
  });
  const log = () => readFile(options.logFile, 'utf8');
  await waitFor(
    async () => ((await log()).includes(`UDP listener opened on: 127.0.0.1:${port}`) ? true : undefined),
    {
      timeoutMs: 10_000,
      description: 'coturn to listen',
      abortReason: () => server.exitStatus(),
    },
  );

  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    username,
    credential,
    realm,
    process: server,
    allocationsGranted: async () =>
      (await log()).match(/incoming packet ALLOCATE processed, success/g)?.length ?? 0,
    endedAllocations: async () => parseUsage(await log()),
    stop: () => server.stop(),
  };
}

/** The `usage` and `peer usage` lines coturn writes when an allocation ends, by session. */
export function parseUsage(log: string): TurnAllocationUsage[] {
  const sessions = new Map<string, Partial<TurnAllocationUsage> & { session: string }>();
  const line =
    /session (\d+): (peer )?usage: realm=<[^>]*>, username=<([^>]*)>, rp=(\d+), rb=(\d+), sp=(\d+), sb=(\d+)/g;
  for (const match of log.matchAll(line)) {
    const [, session = '', peer, username = '', rp, rb, sp, sb] = match;
    const counters: TurnCounters = {
      receivedPackets: Number(rp),
      receivedBytes: Number(rb),
      sentPackets: Number(sp),
      sentBytes: Number(sb),
    };
    const entry = sessions.get(session) ?? { session };
    entry.username = username;
    if (peer) entry.peer = counters;
    else entry.client = counters;
    sessions.set(session, entry);
  }
  return [...sessions.values()].flatMap((entry) =>
    entry.client && entry.peer && entry.username !== undefined
      ? [{ session: entry.session, username: entry.username, client: entry.client, peer: entry.peer }]
      : [],
  );
}
