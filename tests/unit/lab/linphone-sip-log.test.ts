import { describe, expect, it } from 'vitest';
import { headerOf, parseLoggedSipMessages } from '../../lab/linphone-sip-log';

/** An excerpt of liblinphone's log at level 6 (belle-sip prints each message after one line about it). */
const LOG = [
  '2026-12-07 10:50:27:474 liblinphone-message-Setting contact address for session 0x1 to <sip:1012@127.0.0.1;gr=urn:uuid:1>',
  '2026-12-07 10:50:27:475 belle-sip-message-channel [0x557e40163610]: message sent to [UDP://127.0.0.1:27461], size: [496] bytes',
  'SIP/2.0 180 Ringing',
  'Via: SIP/2.0/UDP 127.0.0.1:27461;branch=z9hG4bK96e8',
  'To: <sip:1012@127.0.0.1>;tag=39kBjVA',
  'Call-ID: 519c4b0ba3aedb69',
  'CSeq: 56083 INVITE',
  'User-Agent: Linphonec/5.1.65',
  '',
  '',
  '2026-12-07 10:50:27:476 belle-sip-message-channel [0x557e40163610]: received [449] new bytes from [UDP://127.0.0.1:27461]:',
  'INVITE sip:1012@127.0.0.1:25060 SIP/2.0',
  'Call-ID: 519c4b0ba3aedb69',
  'Content-Type: application/sdp',
  '',
  'v=0',
  'm=audio 26000 RTP/AVP 0 8 101',
  '',
  '2026-12-07 10:50:27:477 belle-sip-message-channel [0x557e40163610] [449] bytes parsed',
].join('\n');

describe("SIP messages in liblinphone's log", () => {
  it('reads sent and received messages with their headers and bodies', () => {
    const [ringing, invite, ...rest] = parseLoggedSipMessages(LOG);
    expect(rest).toEqual([]);
    expect(ringing).toMatchObject({
      direction: 'sent',
      remote: 'UDP://127.0.0.1:27461',
      startLine: 'SIP/2.0 180 Ringing',
      body: '',
    });
    expect(ringing && headerOf(ringing, 'call-id')).toBe('519c4b0ba3aedb69');
    expect(ringing && headerOf(ringing, 'Contact')).toBeUndefined();
    expect(invite).toMatchObject({
      direction: 'received',
      startLine: 'INVITE sip:1012@127.0.0.1:25060 SIP/2.0',
    });
    expect(invite?.body).toBe('v=0\nm=audio 26000 RTP/AVP 0 8 101\n');
  });
});
