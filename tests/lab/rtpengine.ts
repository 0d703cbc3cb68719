/**
 * rtpengine, the media relay that lets a WebRTC phone (ICE, DTLS-SRTP, rtcp-mux) talk to a plain
 * RTP phone (baresip): Kamailio asks it to rewrite each SDP offer and answer over the "ng" protocol.
 *
 * Runs in userspace only (`--table=-1`; the Debian `rtpengine` metapackage would build a kernel
 * module) and with `--config-file=none`, because Debian's default config would add interfaces and
 * ports of its own.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { bdecode, bencode, type BencodeValue } from './bencode.js';
import { findFreePort, findFreeUdpPortRange, type PortRange } from './ports.js';
import { startLabProcess, type LabProcess } from './processes.js';
import { waitFor } from './wait.js';

/** Media counters of one call as rtpengine sees it. */
export interface RtpengineSession {
  callId: string;
  /** RTP packets rtpengine received on all legs of the call (both directions). */
  rtpPackets: number;
  rtpBytes: number;
}

/** A running rtpengine. */
export interface Rtpengine {
  /** UDP port of the ng control protocol on 127.0.0.1 (Kamailio's `rtpengine_sock`). */
  ngPort: number;
  /** Ports it relays media on. */
  mediaPorts: PortRange;
  process: LabProcess;
  /** Sends an ng command and resolves with the decoded reply dictionary. */
  command(
    request: { [key: string]: BencodeValue },
    timeoutMs?: number,
  ): Promise<{ [key: string]: BencodeValue }>;
  /** Calls rtpengine currently holds, with packet counters. */
  sessions(): Promise<RtpengineSession[]>;
  /**
   * The ng commands rtpengine logged for `callId` ("offer", "answer", "delete", ...), oldest first:
   * its own record of every request Kamailio made for that call, kept after the call is gone.
   */
  commandsFor(callId: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Ports for media: 4 per call (RTP+RTCP on each leg), so 200 is plenty for parallel test calls. */
const MEDIA_PORT_COUNT = 200;

function asDictionary(value: BencodeValue | undefined): { [key: string]: BencodeValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function asNumber(value: BencodeValue | undefined): number {
  return typeof value === 'number' ? value : 0;
}

/** One ng request/response exchange over a fresh UDP socket. */
function ngRequest(
  port: number,
  request: { [key: string]: BencodeValue },
  timeoutMs: number,
): Promise<{ [key: string]: BencodeValue }> {
  return new Promise((resolve, reject) => {
    const cookie = randomBytes(6).toString('hex');
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`rtpengine did not answer ng "${String(request.command)}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('message', (message) => {
      const space = message.indexOf(' ');
      if (space < 0 || message.toString('latin1', 0, space) !== cookie) return;
      clearTimeout(timer);
      socket.close();
      try {
        resolve(asDictionary(bdecode(message.subarray(space + 1))));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    // A connected socket reports ICMP "port unreachable" as ECONNREFUSED at once, so polling a
    // starting rtpengine does not wait out the timeout for every ping that went nowhere.
    socket.connect(port, '127.0.0.1', () => socket.send(`${cookie} ${bencode(request)}`));
  });
}

/**
 * Starts rtpengine on 127.0.0.1 with a fresh ng port and media port range and resolves once it
 * answers an ng `ping`.
 */
export async function startRtpengine(options: { logFile: string }): Promise<Rtpengine> {
  const [ngPort, mediaPorts] = await Promise.all([
    findFreePort('udp'),
    findFreeUdpPortRange(MEDIA_PORT_COUNT),
  ]);
  const server = startLabProcess({
    name: 'rtpengine',
    command: 'rtpengine',
    logFile: options.logFile,
    args: [
      '--config-file=none',
      '--foreground',
      '--log-stderr',
      '--log-level=6',
      '--table=-1',
      '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`,
      `--port-min=${mediaPorts.min}`,
      `--port-max=${mediaPorts.max}`,
      // Forget a call as soon as it is deleted, so sessions() reflects hang-ups immediately.
      '--delete-delay=0',
      // One worker: with two, packets of one stream were sometimes relayed out of order under load
      // (RFC 4733 end packets come in a burst), which a desk phone sees as a repeated digit.
      '--num-threads=1',
    ],
  });
  const command = (request: { [key: string]: BencodeValue }, timeoutMs = 2000) =>
    ngRequest(ngPort, request, timeoutMs);

  await waitFor(
    async () => ((await command({ command: 'ping' }, 200)).result === 'pong' ? true : undefined),
    {
      timeoutMs: 10_000,
      description: 'rtpengine to answer an ng ping',
      abortReason: () => server.exitStatus(),
    },
  );

  const sessions = async (): Promise<RtpengineSession[]> => {
    const list = await command({ command: 'list' });
    const callIds = Array.isArray(list.calls)
      ? list.calls.filter((id): id is string => typeof id === 'string')
      : [];
    const result: RtpengineSession[] = [];
    for (const callId of callIds) {
      const query = await command({ command: 'query', 'call-id': callId });
      // A call can end between "list" and "query"; rtpengine then answers result=error.
      if (query.result !== 'ok') continue;
      const rtp = asDictionary(asDictionary(query.totals).RTP);
      result.push({ callId, rtpPackets: asNumber(rtp.packets), rtpBytes: asNumber(rtp.bytes) });
    }
    return result;
  };

  const commandsFor = async (callId: string): Promise<string[]> => {
    // rtpengine prefixes each line about a call with "[<call-id>...]" and logs every ng request as
    // "Received command '<name>' from ...".
    const log = await readFile(options.logFile, 'utf8');
    return log
      .split('\n')
      .filter((line) => line.includes(`[${callId}`))
      .flatMap((line) => /Received command '([a-z ]+)'/.exec(line)?.[1] ?? []);
  };

  return {
    ngPort,
    mediaPorts,
    process: server,
    command,
    sessions,
    commandsFor,
    stop: () => server.stop(),
  };
}
