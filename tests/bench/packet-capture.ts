/**
 * A packet capture of the lab's loopback (tcpdump, UDP only) for timings no process reports: when
 * the first packet carrying sound reached a desk phone. The lab's plain SIP (Kamailio <-> baresip)
 * and plain RTP (rtpengine <-> baresip) are both UDP, so the capture alone tells which port a phone
 * receives its audio on (the SDP of its 200 OK) and what each packet to it carried.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startLabProcess } from '../lab/processes';
import { waitFor } from '../lab/wait';

/** One UDP datagram over IPv4, with the time the kernel saw it (ms since the epoch). */
export interface UdpPacket {
  time: number;
  sourcePort: number;
  destinationPort: number;
  payload: Buffer;
}

export interface PacketCapture {
  /** Stops capturing and returns every UDP packet seen, oldest first. */
  stop(): Promise<UdpPacket[]>;
}

/** Starts tcpdump on `lo`; resolves once it is capturing. */
export async function startPacketCapture(dir: string): Promise<PacketCapture> {
  const file = join(dir, 'bench.pcap');
  const logFile = join(dir, 'tcpdump.log');
  // -U writes each packet at once; --immediate-mode hands tcpdump each packet as it comes (else the
  // kernel delivers them in blocks, and the last second before the stop was lost with the block);
  // -Z root keeps tcpdump from switching to a user that may not exist in the test's user namespace.
  const tcpdump = startLabProcess({
    name: 'tcpdump',
    command: 'tcpdump',
    args: ['-i', 'lo', '-n', '-U', '--immediate-mode', '-s', '0', '-Z', 'root', '-w', file, 'udp'],
    logFile,
  });
  await waitFor(async () => ((await readFile(logFile, 'utf8')).includes('listening on') ? true : undefined), {
    timeoutMs: 10_000,
    description: 'tcpdump to start capturing',
    abortReason: () => tcpdump.exitStatus(),
  });
  return {
    stop: async () => {
      await tcpdump.stop();
      return parsePcap(await readFile(file));
    },
  };
}

/**
 * The UDP/IPv4 packets of a classic pcap file (microsecond or nanosecond timestamps; Ethernet
 * framing, which is what Linux gives for `lo`, or raw IP).
 */
export function parsePcap(file: Buffer): UdpPacket[] {
  const magic = file.readUInt32LE(0);
  const nanoseconds = magic === 0xa1b23c4d;
  if (magic !== 0xa1b2c3d4 && !nanoseconds) throw new Error('not a little-endian pcap file');
  const linkType = file.readUInt32LE(20);
  const linkHeader = linkType === 1 ? 14 : linkType === 101 ? 0 : -1;
  if (linkHeader < 0) throw new Error(`unsupported pcap link type ${linkType}`);
  const packets: UdpPacket[] = [];
  for (let offset = 24; offset + 16 <= file.length;) {
    const seconds = file.readUInt32LE(offset);
    const fraction = file.readUInt32LE(offset + 4);
    const length = file.readUInt32LE(offset + 8);
    const frame = file.subarray(offset + 16, offset + 16 + length);
    offset += 16 + length;
    const ip = frame.subarray(linkHeader);
    if (ip.length < 20 || ip[0] === undefined || ip[0] >> 4 !== 4 || ip[9] !== 17) continue;
    const udp = ip.subarray((ip[0] & 0x0f) * 4);
    if (udp.length < 8) continue;
    packets.push({
      time: seconds * 1000 + fraction / (nanoseconds ? 1e6 : 1e3),
      sourcePort: udp.readUInt16BE(0),
      destinationPort: udp.readUInt16BE(2),
      payload: udp.subarray(8, udp.readUInt16BE(4)),
    });
  }
  return packets;
}

/**
 * The RTP port a phone asked to receive audio on in the call with this Call-ID: the `m=audio` port
 * of the SDP it sent from its SIP port, in its INVITE (the phone calls) or its 200 OK (it answers).
 */
export function phoneAudioPort(
  packets: UdpPacket[],
  callId: string,
  phoneSipPort: number,
  message: 'INVITE' | '200 OK',
): number | undefined {
  const start = message === 'INVITE' ? /^INVITE / : /^SIP\/2\.0 200 /;
  for (const packet of packets) {
    if (packet.sourcePort !== phoneSipPort) continue;
    const text = packet.payload.toString('latin1');
    if (!start.test(text) || !/^CSeq:\s*\d+\s+INVITE\s*$/im.test(text)) continue;
    if (/^(?:Call-ID|i):\s*(\S+)\s*$/im.exec(text)?.[1] !== callId) continue;
    const port = /^m=audio (\d+) /m.exec(text)?.[1];
    if (port) return Number(port);
  }
  return undefined;
}

/**
 * When the first RTP packet with sound (G.711 decoding to an RMS level above `threshold`; silence
 * and comfort noise stay below) arrived at `port`, at or after `since` and before `until` (ms since
 * the epoch). A phone reuses its RTP ports from call to call: without `until`, a call that ended
 * before it was heard would take the sound of a later call on the same port for its own.
 */
export function firstAudibleRtp(
  packets: UdpPacket[],
  port: number,
  since: number,
  until = Number.POSITIVE_INFINITY,
  threshold = 0.01,
): number | undefined {
  for (const packet of packets) {
    if (packet.destinationPort !== port || packet.time < since || packet.time >= until) continue;
    const audio = g711Payload(packet.payload);
    if (audio && rms(audio.samples, audio.decode) > threshold) return packet.time;
  }
  return undefined;
}

/**
 * When the first RTP packet (SRTP included: its header is in the clear) arrived at `port`, at or
 * after `since`: not STUN, DTLS or RTCP, told apart by their first bytes (RFC 7983, RFC 5761 §4).
 */
export function firstRtp(packets: UdpPacket[], port: number, since: number): number | undefined {
  for (const packet of packets) {
    if (packet.destinationPort !== port || packet.time < since) continue;
    const [first, second] = packet.payload;
    if (first === undefined || second === undefined || first < 128 || first > 191) continue;
    const type = second & 0x7f;
    if (type < 64 || type > 95) return packet.time;
  }
  return undefined;
}

function g711Payload(packet: Buffer): { samples: Buffer; decode: (byte: number) => number } | undefined {
  const first = packet[0];
  const second = packet[1];
  if (first === undefined || second === undefined || first >> 6 !== 2) return undefined;
  const payloadType = second & 0x7f;
  if (payloadType !== 0 && payloadType !== 8) return undefined;
  let header = 12 + (first & 0x0f) * 4;
  if (first & 0x10) header += 4 + packet.readUInt16BE(header + 2) * 4;
  return { samples: packet.subarray(header), decode: payloadType === 0 ? muLaw : aLaw };
}

function rms(samples: Buffer, decode: (byte: number) => number): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const byte of samples) sum += decode(byte) ** 2;
  return Math.sqrt(sum / samples.length);
}

/** ITU-T G.711 μ-law byte to a sample in -1..1. */
function muLaw(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)) - 0x84;
  return (u & 0x80 ? -magnitude : magnitude) / 32768;
}

/** ITU-T G.711 A-law byte to a sample in -1..1. */
function aLaw(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  magnitude += exponent === 0 ? 8 : 0x108;
  if (exponent > 1) magnitude <<= exponent - 1;
  return (a & 0x80 ? magnitude : -magnitude) / 32768;
}
