import { describe, expect, it } from 'vitest';
import { holdCandidates } from '../../../renderer/src/sip/held-candidates';

const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 40000 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 127.0.0.1',
  'a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host',
  'a=candidate:2 1 udp 1694498815 203.0.113.7 40000 typ srflx raddr 127.0.0.1 rport 40000',
  'a=end-of-candidates',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'm=video 40002 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 127.0.0.1',
  'a=mid:1',
  'a=candidate:3 1 udp 2130706431 127.0.0.1 40002 typ host',
  '',
].join('\r\n');

describe('an offer with its candidates held back', () => {
  it('takes every candidate out, with its media section (its mid, even when a=mid follows it)', () => {
    const { sdp, candidates } = holdCandidates(OFFER);
    expect(sdp).not.toMatch(/a=candidate|a=end-of-candidates/);
    expect(candidates).toEqual([
      { candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host', sdpMLineIndex: 0, sdpMid: '0' },
      {
        candidate: 'candidate:2 1 udp 1694498815 203.0.113.7 40000 typ srflx raddr 127.0.0.1 rport 40000',
        sdpMLineIndex: 0,
        sdpMid: '0',
      },
      { candidate: 'candidate:3 1 udp 2130706431 127.0.0.1 40002 typ host', sdpMLineIndex: 1, sdpMid: '1' },
    ]);
  });

  it('keeps every other line as it was, in order, CRLF-terminated', () => {
    const { sdp } = holdCandidates(OFFER);
    const kept = OFFER.split('\r\n').filter((line) => !/^a=(candidate|end-of-candidates)/.test(line));
    expect(sdp).toBe(kept.join('\r\n'));
    expect(sdp.endsWith('\r\n')).toBe(true);
  });

  it('leaves an offer without candidates (and a bare LF one) whole', () => {
    const plain = 'v=0\ns=-\nm=audio 4000 RTP/AVP 0\nc=IN IP4 192.0.2.1\n';
    expect(holdCandidates(plain)).toEqual({ sdp: plain.replace(/\n/g, '\r\n'), candidates: [] });
  });
});
