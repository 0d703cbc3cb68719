import { RtcpPacketConverter, RtcpRrPacket } from 'werift';
import { describe, expect, it } from 'vitest';
import { CallNegotiation } from '../../../electron/gateway/media-bridge/call-negotiation';
import { isRelayable, sameCodec, type RtpCodec } from '../../../electron/gateway/media-bridge/codecs';
import { isThisMachine } from '../../../electron/gateway/media-bridge/local-addresses';
import { MediaDestinations } from '../../../electron/gateway/media-bridge/media-destinations';
import { writePlainSdp } from '../../../electron/gateway/media-bridge/plain-sdp';
import { RtcpSession } from '../../../electron/gateway/media-bridge/rtcp-session';
import { ReceiveStatistics } from '../../../electron/gateway/media-bridge/receive-statistics';
import { RtpRewriter } from '../../../electron/gateway/media-bridge/rtp-rewriter';
import {
  chooseCrypto,
  cryptoAttribute,
  newSrtpKey,
  readInlineKey,
} from '../../../electron/gateway/media-bridge/sdes';
import { parseSdp, rtcpEndpoint, rtpEndpoint } from '../../../electron/gateway/media-bridge/sdp';
import { asDtlsServer } from '../../../electron/gateway/media-bridge/webrtc-leg';
import { restrictOffer, withEndOfCandidates } from '../../../electron/gateway/media-bridge/webrtc-sdp';
import { SipDialog } from './sip-dialog';

const codec = (
  payloadType: number,
  name: string,
  clockRate = 8000,
  extra: Partial<RtpCodec> = {},
): RtpCodec => ({
  payloadType,
  name,
  clockRate,
  rtcpFeedback: [],
  ...extra,
});

function rtp(payloadType: number, sequence: number, ts: number, ssrcValue: number): Buffer {
  const packet = Buffer.alloc(12 + 4);
  packet[0] = 0x80;
  packet[1] = payloadType;
  packet.writeUInt16BE(sequence, 2);
  packet.writeUInt32BE(ts, 4);
  packet.writeUInt32BE(ssrcValue, 8);
  return packet;
}

describe('reading the far end SDP', () => {
  it('takes static payload types without rtpmap, session-level c= and direction, LF line ends', () => {
    const parsed = parseSdp(
      [
        'v=0',
        'o=x 1 2 IN IP4 10.0.0.5',
        's=-',
        'c=IN IP4 10.0.0.5',
        't=0 0',
        'a=sendonly',
        'm=audio 4000 RTP/AVP 0 8 101',
        'a=rtpmap:101 telephone-event/8000',
        '',
      ].join('\n'),
    );
    const audio = parsed.media[0];
    expect(audio?.codecs.map((c) => `${c.payloadType} ${c.name}/${c.clockRate}`)).toEqual([
      '0 PCMU/8000',
      '8 PCMA/8000',
      '101 telephone-event/8000',
    ]);
    expect(audio?.direction).toBe('sendonly');
    expect(audio && rtpEndpoint(audio)).toEqual({ address: '10.0.0.5', port: 4000 });
    expect(audio && rtcpEndpoint(audio, false)).toEqual({ address: '10.0.0.5', port: 4001 });
  });

  it('reads hold by 0.0.0.0 (RFC 2543) and a rejected stream as nowhere to send', () => {
    const held = parseSdp(
      'v=0\r\no=x 1 2 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\n',
    );
    expect(held.media[0] && rtpEndpoint(held.media[0])).toBeUndefined();
    expect(held.media[1] && rtpEndpoint(held.media[1])).toBeUndefined();
  });

  it('uses a=rtcp when given, the RTP port with rtcp-mux', () => {
    const parsed = parseSdp(
      'v=0\r\no=x 1 2 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp:5005 IN IP4 1.2.3.5\r\n',
    );
    const audio = parsed.media[0];
    expect(audio && rtcpEndpoint(audio, false)).toEqual({ address: '1.2.3.5', port: 5005 });
    expect(audio && rtcpEndpoint(audio, true)).toEqual({ address: '1.2.3.4', port: 4000 });
  });

  it('rejects a body that is not SDP', () => {
    expect(() => parseSdp('<xml/>')).toThrow(/not SDP/);
  });
});

describe('codecs', () => {
  it('relays Opus, G.722, G.711, telephone-event at 8 or 48 kHz, VP8 and H.264 only', () => {
    expect(isRelayable('audio', codec(0, 'PCMU'))).toBe(true);
    expect(isRelayable('audio', codec(111, 'opus', 48000, { channels: 2 }))).toBe(true);
    expect(isRelayable('audio', codec(18, 'G729'))).toBe(false);
    expect(isRelayable('audio', codec(101, 'telephone-event', 16000))).toBe(false);
    expect(isRelayable('video', codec(96, 'VP8', 90000))).toBe(true);
    expect(isRelayable('video', codec(98, 'VP9', 90000))).toBe(false);
  });

  it('matches H.264 by packetization mode and profile, not by level', () => {
    const a = codec(102, 'H264', 90000, {
      fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    });
    const b = codec(99, 'h264', 90000, { fmtp: 'profile-level-id=42e00d;packetization-mode=1' });
    const c = codec(100, 'H264', 90000, { fmtp: 'profile-level-id=42e01f;packetization-mode=0' });
    expect(sameCodec(a, b)).toBe(true);
    expect(sameCodec(a, c)).toBe(false);
    expect(sameCodec(codec(101, 'telephone-event', 8000), codec(126, 'telephone-event', 48000))).toBe(false);
  });
});

describe('the plain SDP the bridge writes', () => {
  it('is small and plain: RTP/AVP, ptime, rtcp-mux offered, no WebRTC lines', () => {
    const sdp = writePlainSdp({
      sessionId: '42',
      version: 1,
      address: '192.0.2.10',
      streams: [
        {
          kind: 'audio',
          port: 20000,
          codecs: [codec(0, 'PCMU'), codec(101, 'telephone-event', 8000, { fmtp: '0-16' })],
          direction: 'sendrecv',
          rtcpMux: true,
        },
      ],
    });
    expect(sdp).toBe(
      [
        'v=0',
        'o=Ringline 42 1 IN IP4 192.0.2.10',
        's=Ringline',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 20000 RTP/AVP 0 101',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=ptime:20',
        'a=rtcp-mux',
        'a=sendrecv',
        '',
      ].join('\r\n'),
    );
    expect(Buffer.byteLength(sdp)).toBeLessThan(300);
  });

  it('says RTP/SAVP with a crypto line for SDES, and port 0 for a rejected line', () => {
    const key = newSrtpKey();
    const sdp = writePlainSdp({
      sessionId: '1',
      version: 2,
      address: '2001:db8::1',
      streams: [
        {
          kind: 'audio',
          port: 20002,
          codecs: [codec(8, 'PCMA')],
          direction: 'sendonly',
          rtcpMux: false,
          crypto: cryptoAttribute(1, key),
        },
        { kind: 'video', port: 0, codecs: [codec(96, 'VP8', 90000)], direction: 'inactive', rtcpMux: false },
      ],
    });
    expect(sdp).toContain('c=IN IP6 2001:db8::1');
    expect(sdp).toContain('m=audio 20002 RTP/SAVP 8');
    expect(sdp).toMatch(/a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}\r\n/);
    expect(sdp).toContain('m=video 0 RTP/AVP 96\r\n');
    expect(sdp).not.toContain('a=rtpmap:96');
  });
});

describe('SDES keys (RFC 4568)', () => {
  it('reads what it writes, and picks the first usable line', () => {
    const key = newSrtpKey();
    const [tag, suite, keyParams] = cryptoAttribute(3, key).split(' ');
    expect(readInlineKey(keyParams ?? '')).toEqual(key);
    const choice = chooseCrypto([
      { tag: 1, suite: 'AES_256_CM_HMAC_SHA1_80', keyParams: keyParams ?? '' },
      { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_80', keyParams: `${keyParams}|2^20|1:4` },
      { tag: Number(tag), suite: suite ?? '', keyParams: `${keyParams}|2^31` },
    ]);
    expect(choice?.tag).toBe(3);
    expect(choice?.remoteKey).toEqual(key);
  });

  it('declines short keys, small lifetimes and unencrypted sessions', () => {
    expect(readInlineKey('inline:AAAA')).toBeUndefined();
    const { key, salt } = newSrtpKey();
    const inline = `inline:${Buffer.concat([key, salt]).toString('base64')}`;
    expect(readInlineKey(`${inline}|2^10`)).toBeUndefined();
    expect(
      chooseCrypto([
        { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keyParams: inline, sessionParams: 'UNENCRYPTED_SRTP' },
      ]),
    ).toBeUndefined();
  });
});

describe('payload type and sequence rewriting', () => {
  it('maps payload types per direction, sets the leg SSRC, drops unknown types without a sequence gap', () => {
    const rewriter = new RtpRewriter(0xabc);
    rewriter.setPayloadTypes(
      new Map([
        [0, { payloadType: 0, clockRate: 8000 }],
        [126, { payloadType: 101, clockRate: 8000 }],
      ]),
    );
    const out: number[][] = [];
    for (const [pt, seq] of [
      [0, 10],
      [13, 11],
      [126, 12],
      [0, 13],
    ] as const) {
      const packet = rtp(pt, seq, seq * 160, 0x1111);
      if (rewriter.rewrite(packet))
        out.push([packet[1] ?? -1, packet.readUInt16BE(2), packet.readUInt32BE(8)]);
    }
    expect(out).toEqual([
      [0, 10, 0xabc],
      [101, 11, 0xabc],
      [0, 12, 0xabc],
    ]);
    expect(rewriter.dropped).toBe(1);
  });

  it('keeps one continuous stream when the sender changes its SSRC', () => {
    const rewriter = new RtpRewriter(7);
    rewriter.setPayloadTypes(new Map([[0, { payloadType: 0, clockRate: 8000 }]]));
    const first = rtp(0, 100, 16000, 1);
    const second = rtp(0, 5000, 900000, 2);
    rewriter.rewrite(first);
    rewriter.rewrite(second);
    expect(second.readUInt16BE(2)).toBe(101);
    expect(second.readUInt32BE(4)).toBe(16160);
  });
});

describe('where the plain leg may send (strict RTP)', () => {
  const far = { address: '198.51.100.7', port: 4000 };
  const nat = { address: '203.0.113.9', port: 61000 };

  it('sends only to the SDP address until another source proves itself with four in-sequence packets', () => {
    const destinations = new MediaDestinations(4);
    destinations.setFarEnd({ rtp: far, rtcp: { ...far, port: 4001 }, receivesRtp: true });
    expect(destinations.rtpDestination()).toEqual(far);
    expect(destinations.admitRtp(nat, 10)).toBe(false);
    expect(destinations.admitRtp(nat, 11)).toBe(false);
    expect(destinations.admitRtp(nat, 13)).toBe(false); // out of sequence: count starts again
    expect(destinations.admitRtp(nat, 14)).toBe(false);
    expect(destinations.admitRtp(nat, 15)).toBe(false);
    expect(destinations.rtpDestination()).toEqual(far);
    expect(destinations.admitRtp(nat, 16)).toBe(true);
    expect(destinations.rtpDestination()).toEqual(nat);
    // A stray packet from the SDP address no longer counts as the stream.
    expect(destinations.admitRtp(far, 17)).toBe(false);
  });

  it('sends nothing to a peer that holds with 0.0.0.0 or does not want to receive', () => {
    const destinations = new MediaDestinations();
    destinations.setFarEnd({ rtp: undefined, rtcp: undefined, receivesRtp: true });
    expect(destinations.rtpDestination()).toBeUndefined();
    expect(destinations.rtcpDestination()).toBeUndefined();
    destinations.setFarEnd({ rtp: far, rtcp: { ...far, port: 4001 }, receivesRtp: false });
    expect(destinations.rtpDestination()).toBeUndefined();
    expect(destinations.rtcpDestination()).toEqual({ ...far, port: 4001 });
  });

  it('forgets a latched source when the far end moves its media', () => {
    const destinations = new MediaDestinations(1);
    destinations.setFarEnd({ rtp: far, rtcp: undefined, receivesRtp: true });
    destinations.admitRtp(nat, 1);
    expect(destinations.rtpDestination()).toEqual(nat);
    const moved = { address: '198.51.100.8', port: 5000 };
    destinations.setFarEnd({ rtp: moved, rtcp: undefined, receivesRtp: true });
    expect(destinations.rtpDestination()).toEqual(moved);
  });

  it('takes RTCP only from addresses it knows', () => {
    const destinations = new MediaDestinations();
    destinations.setFarEnd({ rtp: far, rtcp: { ...far, port: 4001 }, receivesRtp: true });
    expect(destinations.admitRtcp({ address: '192.0.2.66', port: 4001 })).toBe(false);
    expect(destinations.admitRtcp({ address: far.address, port: 4555 })).toBe(true);
    expect(destinations.rtcpDestination()).toEqual({ address: far.address, port: 4555 });
  });
});

describe('receive statistics (RFC 3550 A.3, A.8)', () => {
  it('counts loss, fraction lost and jitter', () => {
    const stats = new ReceiveStatistics(8000);
    for (const seq of [1, 2, 3, 5, 6, 7, 8, 9, 10, 11]) stats.add(seq, seq * 160, 172, seq * 20 + (seq % 2));
    expect(stats.expected).toBe(11);
    expect(stats.lost).toBe(1);
    expect(stats.takeFractionLost()).toBe(Math.floor((1 << 8) / 11));
    expect(stats.jitter).toBeGreaterThan(0);
    expect(stats.jitterMs).toBeLessThan(2);
  });

  it('carries the sequence across its wrap', () => {
    const stats = new ReceiveStatistics(8000);
    for (const seq of [65534, 65535, 0, 1]) stats.add(seq, 0, 100, 0);
    expect(stats.extendedHighestSequence).toBe(65536 + 1);
    expect(stats.lost).toBe(0);
  });

  it('reports a negative loss (duplicates, e.g. retransmissions) as signed 24 bits, as RFC 3550 §6.4.1 says', () => {
    const session = new RtcpSession(0x1234, 'bridge');
    for (const seq of [1, 2, 2, 3]) session.received(0xabcd, seq, seq * 160, 172, seq * 20, 8000);
    expect(session.receiveStatistics?.lost).toBe(-1);
    const report = session.buildReport(1_000);
    const [receiverReport] = RtcpPacketConverter.deSerialize(report);
    const block = receiverReport instanceof RtcpRrPacket ? receiverReport.reports[0] : undefined;
    expect(block?.packetsLost).toBe(0xffffff);
  });
});

describe('offer/answer per transaction', () => {
  it('INVITE offer, 183 answer, 200 revision, and a second fork 200 is a revision too', () => {
    const dialog = new SipDialog('local');
    const negotiation = new CallNegotiation();
    const invite = dialog.request('INVITE', 'local', 'v=0', { toTag: null });
    expect(negotiation.classify(invite, 'local').kind).toBe('offer');
    expect(negotiation.classify(dialog.response(invite, 183, 'v=0'), 'remote').kind).toBe('answer');
    expect(negotiation.classify(dialog.response(invite, 200, 'v=0'), 'remote').kind).toBe('revision');
    expect(negotiation.classify(dialog.response(invite, 200, 'v=0', 'fork2'), 'remote').kind).toBe(
      'revision',
    );
  });

  it('INVITE without SDP: offer in the 200, repeated by a retransmission, answer in the ACK', () => {
    const dialog = new SipDialog('remote');
    const negotiation = new CallNegotiation();
    const invite = dialog.request('INVITE', 'remote', undefined, { toTag: null });
    const ok = dialog.response(invite, 200, 'v=0');
    expect(negotiation.classify(ok, 'local').kind).toBe('offer');
    expect(negotiation.classify(ok, 'local').kind).toBe('repeat');
    expect(negotiation.classify(dialog.request('ACK', 'remote', 'v=0', { cseq: 1 }), 'remote').kind).toBe(
      'answer',
    );
  });

  it('re-INVITE for hold is a new offer; its 488 withdraws it; UPDATE and PRACK carry their own', () => {
    const dialog = new SipDialog('local');
    const negotiation = new CallNegotiation();
    const invite = dialog.request('INVITE', 'local', 'v=0', { toTag: null });
    negotiation.classify(invite, 'local');
    negotiation.classify(dialog.response(invite, 200, 'v=0'), 'remote');
    const hold = dialog.request('INVITE', 'remote', 'v=0');
    expect(negotiation.classify(hold, 'remote').kind).toBe('offer');
    expect(negotiation.finalResponse(dialog.response(hold, 488))).toBeDefined();
    const update = dialog.request('UPDATE', 'local', 'v=0');
    expect(negotiation.classify(update, 'local').kind).toBe('offer');
    expect(negotiation.classify(dialog.response(update, 200, 'v=0'), 'remote').kind).toBe('answer');
    const prack = dialog.request('PRACK', 'local', 'v=0');
    expect(negotiation.classify(prack, 'local').kind).toBe('offer');
    expect(negotiation.classify(dialog.response(prack, 200, 'v=0'), 'remote').kind).toBe('answer');
  });

  it('a reliable 183 carrying the offer (INVITE without SDP) is answered in the PRACK', () => {
    const dialog = new SipDialog('local');
    const negotiation = new CallNegotiation();
    const invite = dialog.request('INVITE', 'local', undefined, { toTag: null });
    expect(negotiation.classify(dialog.response(invite, 183, 'v=0'), 'remote').kind).toBe('offer');
    expect(negotiation.classify(dialog.request('PRACK', 'local', 'v=0'), 'local').kind).toBe('answer');
    expect(negotiation.classify(dialog.response(invite, 200, 'v=0'), 'remote').kind).toBe('repeat');
  });
});

describe("Chromium's offer cut for werift", () => {
  it('keeps only the agreed payload types and rejects the other m-lines', () => {
    const offer = [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0 1',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 110 126',
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'a=rtpmap:111 opus/48000/2',
      'a=rtcp-fb:111 transport-cc',
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:110 telephone-event/48000',
      'a=rtpmap:126 telephone-event/8000',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'c=IN IP4 0.0.0.0',
      'a=mid:1',
      'a=rtpmap:96 VP8/90000',
      '',
    ].join('\r\n');
    const cut = restrictOffer(offer, new Map([['0', [0, 126]]]));
    expect(cut).toContain('m=audio 9 UDP/TLS/RTP/SAVPF 0 126');
    expect(cut).not.toMatch(/rtpmap:(111|110)|fmtp:111|rtcp-fb:111/);
    expect(cut).toContain('m=video 0 UDP/TLS/RTP/SAVPF 96');
  });
});

describe("Chromium's candidates, all there is (no trickle over SIP)", () => {
  const section = (mid: number, candidates: string[]) => [
    `m=audio 9 UDP/TLS/RTP/SAVPF 0`,
    'c=IN IP4 0.0.0.0',
    `a=mid:${mid}`,
    'a=rtpmap:0 PCMU/8000',
    ...candidates.map((host, i) => `a=candidate:${i} 1 udp 2122260223 ${host} 5000${i} typ host`),
  ];

  it('tells werift so on m-lines whose candidates are addresses, not where one is an mDNS name or none is', () => {
    const sdp = [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      ...section(0, ['127.0.0.1', '::1']),
      ...section(1, ['127.0.0.1', '0b1c2d3e-aaaa-bbbb-cccc-123456789abc.local']),
      ...section(2, []),
      '',
    ].join('\r\n');
    const told = withEndOfCandidates(sdp).split(/(?=^m=)/m);
    expect(told[1]).toMatch(/a=candidate:1 1 udp 2122260223 ::1 50001 typ host\r\na=end-of-candidates\r\n/);
    expect(told[2]).not.toContain('end-of-candidates');
    expect(told[3]).not.toContain('end-of-candidates');
  });
});

describe("the bridge's DTLS role towards Chromium", () => {
  const answer =
    'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=setup:active\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=setup:active\r\n';

  it('answers an actpass offer as the server on every m-line', () => {
    const offer = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=setup:actpass\r\n';
    expect(asDtlsServer(offer, answer)).toBe(answer.replaceAll('a=setup:active', 'a=setup:passive'));
  });

  it('keeps the roles an offer already fixed', () => {
    const offer = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=setup:passive\r\n';
    expect(asDtlsServer(offer, answer)).toBe(answer);
  });
});

describe('the WebRTC leg peers', () => {
  it('pairs only with addresses of this machine', () => {
    expect(isThisMachine('127.0.0.1')).toBe(true);
    expect(isThisMachine('::1')).toBe(true);
    expect(isThisMachine('192.0.2.1')).toBe(false);
    expect(isThisMachine('8.8.8.8')).toBe(false);
  });
});
