/**
 * What real phones and providers send that the lab's desk phone does not: a 180 without Contact
 * (Linphone), reliable provisional responses (RFC 3262), session timers (RFC 4028), INVITEs and
 * re-INVITEs without SDP, and a call answered from two places at once. The far end is the lab's
 * scriptable SIP peer (`tests/lab/sip-peer.ts`) over UDP through Kamailio, with rtpengine bridging its
 * plain RTP to the app's WebRTC; audio is measured at both ends.
 */
import { join } from 'node:path';
import type { Lab, LabUser } from '../lab/lab';
import type { PeerMedia } from '../lab/peer-media';
import { startSipPeer, type SipPeer } from '../lab/sip-peer';
import type { AppPage } from './app-page';
import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';

/** The app's microphone tone (fixtures.ts) and the peer's. */
const APP_TONE_HZ = 660;
const PEER_TONE_HZ = 523;
/**
 * Decoded level that counts as hearing something: the app's 0.5 tone arrives around 0.03-0.04 after
 * Chromium's capture processing; silence (a disabled track) decodes as 0.
 */
const HEARD_RMS = 0.01;

async function withPeer<T>(lab: Lab, user: LabUser, run: (peer: SipPeer) => Promise<T>): Promise<T> {
  const peer = await startSipPeer({
    user,
    proxyPort: lab.udpPort,
    domain: lab.domain,
    logFile: join(lab.logsDir, `sip-peer-${user.user}.log`),
    toneHz: PEER_TONE_HZ,
  });
  try {
    return await run(peer);
  } finally {
    await peer.stop();
  }
}

/** The peer hears the app's tone: packets, level and pitch over the last second. */
async function expectPeerHearsApp(media: PeerMedia): Promise<void> {
  await expect
    .poll(() => media.audio(1000).rms, { message: 'the peer to hear the app', timeout: 10_000 })
    .toBeGreaterThan(HEARD_RMS);
  const heard = media.audio(1000);
  expect(heard.packets, 'RTP packets at the peer in the last second').toBeGreaterThan(25);
  expect(
    Math.abs(heard.estimatedHz - APP_TONE_HZ),
    `pitch heard by the peer: ${heard.estimatedHz} Hz`,
  ).toBeLessThan(60);
}

/** Sound both ways: the app's getStats (packets and energy) and what the peer decoded. */
async function expectAudioBothWays(app: AppPage, media: PeerMedia): Promise<void> {
  await app.expectAudioFlowing();
  await expectPeerHearsApp(media);
}

test.describe('far ends that break or stretch the rules', () => {
  test('a 180 without Contact (Linphone) shows Ringing; the 200’s Contact then makes the dialog: in call, sound both ways, BYE arrives', async ({
    lab,
    openApp,
  }) => {
    await withPeer(lab, lab.users.peer, async (peer) => {
      const app = await registeredApp(openApp, lab, lab.users.alice);
      await app.dial(peer.user.user);
      const call = await peer.nextInvite();
      await call.provisional(180, { contact: false });
      await expect(app.callState()).toContainText('Ringing');

      // The ACK only reaches the peer if the dialog's remote target is the 200's Contact.
      await call.answer();
      await expect(app.callState()).toContainText('In call');
      await expectAudioBothWays(app, call.dialog.media);
      await app.button('Hang up').click();
      await call.dialog.waitForRequest('BYE');
    });
  });

  test('100rel as caller: a reliable 183 with SDP is PRACKed and plays as early media, then the 200 (no SDP) connects', async ({
    lab,
    openApp,
  }) => {
    await withPeer(lab, lab.users.peer, async (peer) => {
      const app = await registeredApp(openApp, lab, lab.users.alice);
      await app.dial(peer.user.user);
      const call = await peer.nextInvite();
      expect(call.invite.tokens('supported'), 'Supported of our INVITE').toEqual(
        expect.arrayContaining(['100rel', 'timer']),
      );
      const prack = await call.provisional(183, { reliable: true, sdp: true });
      expect(prack?.header('rack'), 'RAck names the 183 (RFC 3262 §7.2)').toMatch(/^\d+ \d+ INVITE$/);
      await expect(app.callState()).toContainText('announcement');
      // Early media: the peer's tone reaches the app before the call is answered.
      await app.expectAudioFlowing();

      await call.answer();
      await expect(app.callState()).toContainText('In call');
      await expectAudioBothWays(app, call.dialog.media);
      await app.button('Hang up').click();
      await call.dialog.waitForRequest('BYE');
    });
  });

  test('100rel as callee: an INVITE requiring it gets a reliable 180, the caller hears nothing before the user answers, then sound both ways', async ({
    lab,
    openApp,
  }) => {
    await withPeer(lab, lab.users.peer, async (peer) => {
      const alice = lab.users.alice;
      const app = await registeredApp(openApp, lab, alice);
      await lab.waitForRegistered(alice.aor);
      const outgoing = await peer.call(alice.aor, {
        headers: ['Require: 100rel', 'Supported: 100rel, timer'],
      });
      const ringing = await outgoing.waitForResponse((response) => response.status === 180);
      expect(ringing.tokens('require'), 'Require of the 180').toContain('100rel');
      expect(ringing.header('rseq'), 'RSeq of the 180').toMatch(/^\d+$/);
      // The PRACK was answered: the 180 is not repeated once acknowledged.
      await expect
        .poll(() => peer.received.filter((m) => m.isResponse && m.method === 'PRACK').length)
        .toBeGreaterThan(0);
      expect(peer.received.find((m) => m.isResponse && m.method === 'PRACK')?.status).toBe(200);

      const incoming = app.incomingCall(lab.users.peer.displayName);
      await expect(incoming).toBeVisible();
      // The 180 carried our answer (RFC 3262 §5), so media may flow already: none of it is the room.
      // Media flows (ICE and DTLS are up), but it is silence.
      await expect
        .poll(() => outgoing.dialog?.media.audio(1000).packets ?? 0, {
          message: 'RTP at the caller while ringing',
        })
        .toBeGreaterThan(25);
      expect(outgoing.dialog?.media.audio(1000).rms, 'what the caller hears before the answer').toBeLessThan(
        HEARD_RMS / 4,
      );

      await incoming.getByRole('button', { name: 'Answer' }).click();
      const dialog = await outgoing.established;
      const ok = await outgoing.final;
      expect(ok.status).toBe(200);
      // The offer/answer was done in the 180 (RFC 3262 §5): the 200 repeats that answer or carries none,
      // never a new one (RFC 3261 §13.2.1).
      if (ok.hasSdp) expect(ok.body, 'SDP of the 200').toBe(ringing.body);
      await expect(app.callState()).toContainText('In call');
      await expectAudioBothWays(app, dialog.media);
      await dialog.bye();
      await expect(app.callCard()).toHaveCount(0);
    });
  });
});
