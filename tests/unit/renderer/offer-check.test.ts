import { describe, expect, it } from 'vitest';
import { offerProblem, sdpOffer } from '../../../renderer/src/sip/offer-check';

async function realOffer(): Promise<string> {
  const caller = new RTCPeerConnection();
  caller.addTransceiver('audio');
  const offer = await caller.createOffer();
  caller.close();
  return offer.sdp ?? '';
}

describe('incoming offer check (real Chromium)', () => {
  it('takes an offer a browser made', async () => {
    expect(await offerProblem(await realOffer())).toBeUndefined();
  });

  it.each([
    ['text', 'v=0\r\nthis is not SDP at all\r\n'],
    ['binary', '\u0000\u0001\u0002sdp\r\n'],
    [
      'a bad port',
      'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio notaport RTP/SAVPF 0\r\n',
    ],
    ['no media stream', 'v=0\r\no=- 3 3 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'],
    [
      'only declined streams',
      'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 0 UDP/TLS/RTP/SAVPF 0\r\n',
    ],
    [
      'plain RTP without DTLS',
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n',
    ],
  ])('refuses %s with the browser’s reason', async (_kind, sdp) => {
    expect(await offerProblem(sdp)).toMatch(/\S/);
  });

  it('finds the offer only in an SDP body', () => {
    expect(sdpOffer('v=0\r\n', 'application/SDP; charset=utf-8')).toBe('v=0\r\n');
    expect(sdpOffer('', 'application/sdp')).toBeUndefined();
    expect(sdpOffer(undefined, undefined)).toBeUndefined();
    expect(sdpOffer('<xml/>', 'multipart/mixed')).toBeUndefined();
  });
});
