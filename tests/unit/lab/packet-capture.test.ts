import { describe, expect, it } from 'vitest';
import { firstAudibleRtp, firstRtp, phoneAudioPort, parsePcap } from '../../bench/packet-capture';
import { parseUsage } from '../../lab/coturn';

/** A pcap file (microsecond timestamps, Ethernet framing as Linux gives for `lo`) of UDP datagrams. */
function pcap(packets: { time: number; from: number; to: number; payload: Buffer }[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records = packets.map(({ time, from, to, payload }) => {
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(from, 0);
    udp.writeUInt16BE(to, 2);
    udp.writeUInt16BE(8 + payload.length, 4);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip[9] = 17;
    ip.writeUInt16BE(20 + 8 + payload.length, 2);
    const frame = Buffer.concat([Buffer.alloc(14), ip, udp, payload]);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(time / 1000), 0);
    record.writeUInt32LE(Math.round((time % 1000) * 1000), 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

/** An RTP packet (PT 0, PCMU) whose 160 samples are `byte`. */
function pcmu(byte: number | ((index: number) => number)): Buffer {
  const header = Buffer.from([0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7]);
  return Buffer.concat([
    header,
    Buffer.from(Array.from({ length: 160 }, (_, i) => (typeof byte === 'number' ? byte : byte(i)))),
  ]);
}

/** μ-law bytes of a full-scale-ish square wave: alternating large positive and negative samples. */
const loud = (index: number) => (index % 2 === 0 ? 0x80 : 0x00);
const silence = 0xff;

describe('bench packet capture', () => {
  const answer = Buffer.from(
    'SIP/2.0 200 OK\r\nCall-ID: abc@x\r\nCSeq: 2 INVITE\r\nContent-Type: application/sdp\r\n\r\n' +
      'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 30010 RTP/AVP 0\r\n',
  );
  const file = pcap([
    { time: 1_700_000_000_000.25, from: 5060, to: 40000, payload: answer },
    { time: 1_700_000_000_010, from: 31000, to: 30010, payload: pcmu(silence) },
    { time: 1_700_000_000_030, from: 31000, to: 30012, payload: pcmu(loud) },
    { time: 1_700_000_000_050, from: 31000, to: 30010, payload: pcmu(loud) },
  ]);

  it('reads UDP datagrams with their times', () => {
    const packets = parsePcap(file);
    expect(packets).toHaveLength(4);
    expect(packets[0]?.time).toBeCloseTo(1_700_000_000_000.25, 3);
    expect(packets[1]).toMatchObject({ sourcePort: 31000, destinationPort: 30010 });
    expect(packets[1]?.payload).toHaveLength(172);
  });

  it("finds the phone's RTP port in its 200 OK, and the first packet there with sound", () => {
    const packets = parsePcap(file);
    expect(phoneAudioPort(packets, 'abc@x', 5060, '200 OK')).toBe(30010);
    expect(phoneAudioPort(packets, 'abc@x', 5060, 'INVITE'), 'it sent no INVITE').toBeUndefined();
    expect(phoneAudioPort(packets, 'other', 5060, '200 OK')).toBeUndefined();
    expect(phoneAudioPort(packets, 'abc@x', 5061, '200 OK')).toBeUndefined();
    expect(firstAudibleRtp(packets, 30010, 0), 'silence and other ports do not count').toBe(
      1_700_000_000_050,
    );
    expect(firstAudibleRtp(packets, 30010, 1_700_000_000_060)).toBeUndefined();
    expect(
      firstAudibleRtp(packets, 30010, 0, 1_700_000_000_050),
      'a packet at or after the end of the call does not count',
    ).toBeUndefined();
  });

  it('tells RTP from STUN, DTLS and RTCP by their first bytes', () => {
    const stun = Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
    const dtls = Buffer.from([22, 0xfe, 0xfd, 0, 0]);
    const rtcp = Buffer.from([0x80, 200, 0, 6]);
    const packets = parsePcap(
      pcap([
        { time: 1000, from: 1, to: 7000, payload: stun },
        { time: 1001, from: 1, to: 7000, payload: dtls },
        { time: 1002, from: 1, to: 7000, payload: rtcp },
        { time: 1003, from: 1, to: 7000, payload: pcmu(silence) },
      ]),
    );
    expect(firstRtp(packets, 7000, 0)).toBe(1003);
    expect(firstRtp(packets, 7001, 0)).toBeUndefined();
  });
});

describe('coturn usage lines', () => {
  it('pairs each ended allocation’s client and peer counters', () => {
    const log = [
      '9: : session 001000000000000001: usage: realm=<ringline.lab>, username=<ringline>, rp=184, rb=33144, sp=180, sb=33020',
      '9: : session 001000000000000001: peer usage: realm=<ringline.lab>, username=<ringline>, rp=176, rb=31912, sp=178, sb=31870',
      '9: : session 001000000000000002: usage: realm=<ringline.lab>, username=<ringline>, rp=1, rb=2, sp=3, sb=4',
    ].join('\n');
    expect(parseUsage(log)).toEqual([
      {
        session: '001000000000000001',
        username: 'ringline',
        client: { receivedPackets: 184, receivedBytes: 33144, sentPackets: 180, sentBytes: 33020 },
        peer: { receivedPackets: 176, receivedBytes: 31912, sentPackets: 178, sentBytes: 31870 },
      },
    ]);
  });
});
