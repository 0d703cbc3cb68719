/**
 * Calls with a real Linphone 5 (Debian's linphone-cli 5.1.65: belle-sip + mediastreamer2), another SIP
 * stack than the lab's baresip, over the direct path: the app on a direct UDP account (gateway +
 * media bridge), Kamailio relaying no media, Linphone registered over UDP, headless (a tone file as
 * its microphone, a WAV recording of what it receives: tests/lab/linphone.ts).
 *
 * What Linphone 5.1.65 sends, as read from its own log in these tests (liblinphone-1012.log; each
 * test attaches the messages of its call), with its stock settings:
 *
 * - REGISTER: `Contact: <sip:1012@127.0.0.1:PORT;transport=udp>;+sip.instance="<urn:uuid:...>"`,
 *   `Supported: replaces, outbound, gruu`. Kamailio's registrar answers with a pub-gruu, and from
 *   then on Linphone's Contact in every dialog is that GRUU, `<sip:1012@127.0.0.1;gr=urn:uuid:...>`:
 *   no port, only the registrar can route it. The lab's Kamailio resolves it for in-dialog requests
 *   (kamailio.cfg, route[WITHIN_DIALOG], RFC 5627 §3.4); without that, requests to Linphone in a
 *   dialog (seen with baresip's ACK and BYE) went on to 127.0.0.1:5060 and were lost.
 * - No Content-Length on any message without a body over UDP (REGISTER, 100, 180, ACK, BYE):
 *   allowed on UDP (RFC 3261 §18.3, §20.14); Kamailio's sanity module only logs "content length
 *   header missing", and the gateway takes the datagram's end as the body's end (sip-message.ts).
 * - 180 Ringing: Via, From, To (with tag), Call-ID, CSeq, `User-Agent: Linphonec/5.1.65`,
 *   `Supported: replaces, outbound, gruu`, the Record-Route copied. No Contact, no body (no early
 *   media), no Require (no 100rel). The app shows Ringing anyway (test 1 checks the 180 as sent).
 * - Its answer to the app's offer (`RTP/AVP 111 9 0 8 110 126`: opus, G722, PCMU, PCMA,
 *   telephone-event/48000 and /8000, `a=rtcp-mux`, `a=ptime:20`): `m=audio PORT RTP/AVP 111 0 8 110 126`
 *   with `a=rtpmap:111 opus/48000/2`, `a=fmtp:111 useinbandfec=1` and the two telephone-events
 *   (G722 dropped). Opus first, so the call runs Opus end to end through the bridge (Linphone records
 *   it at 48 kHz). No `a=rtcp-mux` in the answer: RTCP goes to RTP port + 1 (RFC 5761 §5.1.1). No
 *   direction attribute (sendrecv by default), no ptime, no ICE, no crypto, `s=Talk`,
 *   `o=1012 ...`, `c=IN IP4 127.0.0.1`: the address it reaches the proxy from ("Found media
 *   local-ip from signaling" in its log), here the only one; behind NAT that is a private address.
 * - Hold: the app's re-INVITE with `a=sendonly` is answered `a=recvonly`; the resume's `sendrecv`
 *   with no attribute again.
 * - Its own offer (Linphone calls the app): `m=audio PORT RTP/AVP 96 97 98 0 8 18 99 100 101`:
 *   opus/48000/2 (96, useinbandfec=1), speex/16000 (97) and speex/8000 (98) with `vbr=on`, PCMU,
 *   PCMA, G729 (18: only `a=fmtp:18 annexb=yes`, no rtpmap, a static type), telephone-event at
 *   48000 (99), 16000 (100) and 8000 (101); at session level
 *   `a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics`; `a=rtcp-fb:* trr-int
 *   1000` and `a=rtcp-fb:* ccm tmmbr` under plain RTP/AVP (not AVPF); no rtcp-mux, no ptime. The app
 *   answers `RTP/AVP 96 0 8 99 101` (opus first again, telephone-event at 48000 and 8000).
 * - Its own hold: a re-INVITE with `Subject: Call on hold` offering its whole codec list again with
 *   `a=sendonly`; the resume's with `Subject: Call resuming` and no direction attribute. Requests
 *   in the dialog repeat the INVITE's Proxy-Authorization (same nonce), unasked.
 * - DTMF: RFC 4733 events from the bridge; Linphone reports each digit ("Receiving tone 1").
 */
import { join } from 'node:path';
import { createToneWav } from '../lab/audio';
import { headerOf, startLinphone, type LinphonePhone, type LoggedSipMessage } from '../lab/linphone';
import { settledEnergy } from './call-audio';
import { answer, bridgeReport, directApp, expectNoRtpengine } from './direct-path';
import { expect, test } from './fixtures';

/** Linphone's microphone: a tone none of the lab's other phones send. */
const LINPHONE_TONE_HZ = 523;

let linphone: LinphonePhone;

test.beforeAll(async ({ lab }) => {
  const tone = join(lab.dir, `tone-${LINPHONE_TONE_HZ}hz.wav`);
  await createToneWav(tone, LINPHONE_TONE_HZ, 60);
  linphone = await startLinphone({
    user: lab.users.linphone,
    dir: join(lab.dir, `linphone-${lab.users.linphone.user}`),
    logsDir: lab.logsDir,
    toneFile: tone,
    proxy: { host: lab.domain, udpPort: lab.udpPort },
    registeredContacts: (aor) => lab.registeredContacts(aor),
  });
});

test.afterAll(async () => {
  await linphone?.stop();
});

test.beforeEach(async () => {
  await linphone.clearEvents();
});

/** What Linphone decoded from the app: the app's 660 Hz microphone tone (after the call closed the file). */
/**
 * What Linphone decoded from the app in a stretch of its recording (read once the call closed the
 * file): the app's 660 Hz microphone tone. (Chromium's audio processing brings it down to about
 * 0.04 RMS within seconds, as on the other paths.)
 */
async function expectLinphoneHearsTheApp(
  stretch: string,
  fromSecond: number,
  toSecond?: number,
): Promise<void> {
  const heard = await linphone.receivedAudio(fromSecond, toSecond);
  expect(heard.seconds, `length of what Linphone recorded ${stretch}`).toBeGreaterThan(0.9);
  expect(heard.rms, `what Linphone decoded ${stretch}`).toBeGreaterThan(0.01);
  expect(heard.estimatedHz, `the app's 660 Hz microphone tone ${stretch}`).toBeGreaterThan(600);
  expect(heard.estimatedHz).toBeLessThan(720);
}

/** The messages of one call (by Call-ID) that Linphone sent, e.g. its 180 and its SDP. */
async function sentByLinphone(callId: string): Promise<LoggedSipMessage[]> {
  return (await linphone.sipMessages()).filter(
    (message) => message.direction === 'sent' && headerOf(message, 'call-id') === callId,
  );
}

/** encoding/rate[/channels] of each payload type in an SDP offer, lower case; static types by RFC 3551. */
function offeredCodecs(invite: LoggedSipMessage | undefined): string[] {
  const body = invite?.body ?? '';
  const mapped = [...body.matchAll(/^a=rtpmap:\d+ (\S+)$/gm)].map((match) => (match[1] ?? '').toLowerCase());
  const staticTypes: Record<string, string> = { '0': 'pcmu/8000', '8': 'pcma/8000', '18': 'g729/8000' };
  const formats = /^m=audio \d+ \S+ (.*)$/m.exec(body)?.[1]?.split(' ') ?? [];
  return [...mapped, ...formats.flatMap((format) => staticTypes[format] ?? [])];
}

test.describe('calls with Linphone 5 over the direct path (UDP, media through the gateway bridge, no rtpengine)', () => {
  test('app -> Linphone: Ringing from its 180 without Contact, answered, audio both ways, DTMF, hold and resume, the app hangs up', async ({
    lab,
    openGatewayApp,
  }, testInfo) => {
    const app = await directApp(openGatewayApp, lab, lab.users.alice);
    const since = Date.now();
    await app.dial(lab.users.linphone.user);
    await linphone.waitForEvent('incoming');
    await expect(app.callState()).toContainText('Ringing');
    const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.alice.user, since });
    expect(invite.transport).toBe('udp');
    const ringing = (await sentByLinphone(invite.callId)).find((message) =>
      message.startLine.startsWith('SIP/2.0 180'),
    );
    expect(ringing, "Linphone's 180").toBeDefined();
    expect(ringing && headerOf(ringing, 'contact'), 'Contact of Linphone 5’s 180').toBeUndefined();

    await linphone.answer();
    await expect(app.callState()).toContainText('In call');
    await linphone.waitForEvent('streams-running');
    await app.expectAudioFlowing();
    await expectNoRtpengine(lab, invite.callId);

    // RFC 4733 telephone-events from the bridge; Linphone reports each digit it decoded.
    await app.pressDtmf('159#');
    await expect(app.callCard()).toContainText('Sent: 159#');
    await expect.poll(() => linphone.receivedDigits()).toBe('159#');

    await app.button('Hold').click();
    await expect(app.callState()).toHaveText('On hold');
    await linphone.waitForEvent('paused-by-remote');
    await settledEnergy(app, [0]);
    await app.button('Resume').click();
    await expect(app.callCard()).not.toContainText('On hold');
    await linphone.waitForEvent('streams-running');
    await app.expectAudioFlowing();

    const hungUpAt = Date.now();
    await app.button('Hang up').click();
    await expect(app.endedCall().getByRole('status')).toHaveText('You hung up');
    await lab.waitForSipRequest('BYE', { from: lab.users.alice.user, since: hungUpAt });
    await linphone.waitForEvent('ended');
    // mediastreamer2 restarts the stream at each re-INVITE and appends to the recording: the call's
    // start, silence while held (the app sends nothing), then the stretch after the resume.
    await expectLinphoneHearsTheApp('before the DTMF and the hold', 0.3, 1.3);
    const recorded = (await linphone.receivedAudio()).seconds;
    await expectLinphoneHearsTheApp('after the resume', recorded - 1, recorded);
    await expectNoRtpengine(lab, invite.callId);
    await testInfo.attach('linphone-sent.json', {
      body: JSON.stringify(await sentByLinphone(invite.callId), null, 2),
      contentType: 'application/json',
    });
  });

  test('Linphone -> app: it rings, the app answers, audio both ways, Linphone holds and resumes, then hangs up', async ({
    lab,
    openGatewayApp,
    webApp,
  }, testInfo) => {
    const app = await directApp(openGatewayApp, lab, lab.users.bob);
    const since = Date.now();
    await linphone.dial(lab.users.bob.aor);
    await answer(app, lab.users.linphone);
    await linphone.waitForEvent('streams-running');
    const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.linphone.user, since });
    expect(invite.transport).toBe('udp');

    await app.expectAudioFlowing();
    const [stream] = (await bridgeReport(webApp, invite.callId)).streams;
    // An answer takes only codecs from the offer (RFC 3264 §6.1).
    const offered = offeredCodecs(
      (await sentByLinphone(invite.callId)).find((m) => m.startLine.startsWith('INVITE')),
    );
    expect(stream?.codecs.length, 'codecs the bridge relays').toBeGreaterThan(0);
    for (const codec of stream?.codecs ?? [])
      expect(offered, 'codecs Linphone offered').toContain(codec.toLowerCase());
    await expectNoRtpengine(lab, invite.callId);

    // Linphone's own hold: a re-INVITE from the GRUU Contact, through the gateway to the app.
    await linphone.hold();
    await linphone.waitForEvent('paused');
    await expect(app.callState()).toHaveText(`Held by ${lab.users.linphone.displayName}`);
    await linphone.resume();
    await linphone.waitForEvent('streams-running');
    await expect(app.callState()).toContainText('In call');
    await app.expectAudioFlowing();

    const hungUpAt = Date.now();
    await linphone.hangup();
    await lab.waitForSipRequest('BYE', { from: lab.users.linphone.user, since: hungUpAt });
    await expect(app.callCard()).toHaveCount(0);
    await expect(app.endedCall().getByRole('status')).toHaveText('The other party hung up');
    await linphone.waitForEvent('ended');
    await expectLinphoneHearsTheApp('in the call', 0.5);
    await testInfo.attach('linphone-sent.json', {
      body: JSON.stringify(await sentByLinphone(invite.callId), null, 2),
      contentType: 'application/json',
    });
  });
});
