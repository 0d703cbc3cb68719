import { afterEach, describe, expect, it } from 'vitest';
import { PeerMedia, remoteMediaOf } from '../../lab/peer-media';
import { PeerMessage } from '../../lab/sip-peer';

describe('the lab peer reads SIP as servers send it', () => {
  it('takes compact names, folded lines, tags, token lists and the body by Content-Length', () => {
    const raw = [
      'SIP/2.0 183 Session Progress',
      'v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc;rport',
      'f: <sip:1001@127.0.0.1>;tag=ours',
      't: "Peer" <sip:1020@127.0.0.1>;tag=theirs',
      'i: call-1',
      'CSeq: 2 INVITE',
      'Require: 100rel,',
      ' timer',
      'RSeq: 7',
      'm: <sip:1020@127.0.0.1:5080>',
      'c: application/sdp',
      'l: 4',
      '',
      'v=0\r\nignored',
    ].join('\r\n');
    const message = PeerMessage.parse(raw);
    expect(message?.status).toBe(183);
    expect(message?.method).toBe('INVITE');
    expect(message?.branch).toBe('z9hG4bKabc');
    expect(message?.tag('from')).toBe('ours');
    expect(message?.tag('to')).toBe('theirs');
    expect(message?.callId).toBe('call-1');
    expect(message?.tokens('require')).toEqual(['100rel', 'timer']);
    expect(message?.uri('contact')).toBe('sip:1020@127.0.0.1:5080');
    expect(message?.body).toBe('v=0\r');
    expect(message?.hasSdp).toBe(true);
  });

  it('finds where the far end wants audio, and whether it holds', () => {
    const sdp = [
      'v=0',
      'o=- 1 1 IN IP4 10.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.2',
      't=0 0',
      'm=audio 4000 RTP/AVP 8 0 101',
      'a=sendonly',
      'm=video 0 RTP/AVP 96',
      '',
    ].join('\r\n');
    expect(remoteMediaOf(sdp)).toEqual({
      address: '127.0.0.2',
      port: 4000,
      payloadType: 8,
      direction: 'sendonly',
    });
    expect(remoteMediaOf(sdp.replace('m=audio 4000', 'm=audio 0'))).toBeUndefined();
  });
});

describe('the lab peer measures what it hears', () => {
  const opened: PeerMedia[] = [];
  afterEach(() => {
    for (const media of opened.splice(0)) media.close();
  });

  it('hears another peer’s tone over real UDP: packets, level and pitch', async () => {
    const speaker = await PeerMedia.open(660);
    const listener = await PeerMedia.open(440);
    opened.push(speaker, listener);
    speaker.setRemote(listener.sdp());
    listener.setRemote(speaker.sdp());
    // Packets come every 20 ms; on a loaded machine the first ones may come late, so wait for half a
    // second's worth rather than for a fixed time.
    await expect.poll(() => listener.audio(500).packets, { timeout: 10_000 }).toBeGreaterThan(15);
    const heard = listener.audio(500);
    // A 0.5 full-scale sine, through G.711: RMS ~0.35.
    expect(heard.rms).toBeGreaterThan(0.3);
    expect(heard.rms).toBeLessThan(0.4);
    expect(Math.abs(heard.estimatedHz - 660)).toBeLessThan(20);
    expect(Math.abs(speaker.audio(500).estimatedHz - 440)).toBeLessThan(20);
  });

  it('reads silence as silence', async () => {
    const quiet = await PeerMedia.open(0);
    const listener = await PeerMedia.open(440);
    opened.push(quiet, listener);
    quiet.setRemote(listener.sdp());
    // As above: a count of packets, not a fixed wait, which a loaded machine can outlast.
    await expect.poll(() => listener.audio().packets, { timeout: 10_000 }).toBeGreaterThan(5);
    expect(listener.audio().rms).toBe(0);
    expect(listener.audio().estimatedHz).toBe(0);
  });
});
