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
import { startWsProxy } from '../lab/ws-proxy';
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

async function withPeer<T>(
  lab: Lab,
  user: LabUser,
  run: (peer: SipPeer) => Promise<T>,
  options: { allow?: string[] } = {},
): Promise<T> {
  const peer = await startSipPeer({
    user,
    proxyPort: lab.udpPort,
    domain: lab.domain,
    logFile: join(lab.logsDir, `sip-peer-${user.user}.log`),
    toneHz: PEER_TONE_HZ,
    ...options,
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

/** Seconds from `since` to a message's arrival. */
const secondsSince = (since: number, at: number): number => (at - since) / 1000;

test.describe('session timers (RFC 4028)', () => {
  test('422 both ways: our INVITE is retried with the Min-SE asked for; an INVITE asking too short an interval gets 422 with ours, before any 180', async ({
    lab,
    openApp,
  }) => {
    await withPeer(lab, lab.users.peer, async (peer) => {
      const alice = lab.users.alice;
      const app = await registeredApp(openApp, lab, alice);
      await lab.waitForRegistered(alice.aor);

      // We call: timers asked for in the INVITE (§7.1); a 422 is retried as the same call (§7.4).
      await app.dial(peer.user.user);
      const first = await peer.nextInvite();
      expect(first.invite.tokens('supported'), 'Supported').toContain('timer');
      expect(first.invite.header('session-expires'), 'Session-Expires').toBe('1800');
      expect(first.invite.header('min-se'), 'Min-SE').toBe('90');
      first.reject(422, 'Session Interval Too Small', ['Min-SE: 3600']);
      const retry = await peer.nextInvite();
      expect(retry.invite.callId, 'the retry is the same call').toBe(first.invite.callId);
      expect(retry.invite.tag('from')).toBe(first.invite.tag('from'));
      expect(retry.invite.cseq.number).toBeGreaterThan(first.invite.cseq.number);
      expect(retry.invite.header('session-expires')).toBe('3600');
      expect(retry.invite.header('min-se')).toBe('3600');
      await retry.provisional(180);
      await retry.answer({ headers: ['Session-Expires: 3600;refresher=uas', 'Require: timer'] });
      await expect(app.callState()).toContainText('In call');
      await expectAudioBothWays(app, retry.dialog.media);
      await app.button('Hang up').click();
      await retry.dialog.waitForRequest('BYE');

      // We are called with 60 s, below our Min-SE: 422 with it, and nothing rings (§9).
      const tooShort = await peer.call(alice.aor, { headers: ['Supported: timer', 'Session-Expires: 60'] });
      const refused = await tooShort.final;
      expect(refused.status).toBe(422);
      expect(refused.header('min-se')).toBe('90');
      expect(
        tooShort.responses.filter((response) => response.status > 100 && response.status < 200),
        'provisional responses before the 422',
      ).toEqual([]);
      await expect(app.incomingCall()).toHaveCount(0);

      // Asked again with 90 s: it rings; our 2xx takes the interval and leaves the refreshing to the
      // caller, which supports timers and named no refresher.
      const again = await peer.call(alice.aor, { headers: ['Supported: timer', 'Session-Expires: 90'] });
      await app.incomingCall(peer.user.displayName).getByRole('button', { name: 'Answer' }).click();
      const ok = await again.final;
      expect(ok.status).toBe(200);
      expect(ok.header('session-expires')).toBe('90;refresher=uac');
      expect(ok.tokens('require')).toContain('timer');
      const dialog = await again.established;
      await expectAudioBothWays(app, dialog.media);
      await dialog.bye();
    });
  });

  test('as refresher we refresh at half the interval (UPDATE, or re-INVITE when the far end does not allow UPDATE); a session nobody refreshes ends with our BYE', async ({
    lab,
    openApp,
  }) => {
    // The shortest interval RFC 4028 allows is 90 s: a refresh comes after 45 s, an unrefreshed
    // session ends after 60 s. The three calls run side by side.
    test.setTimeout(240_000);
    const { alice, bob, carol } = lab.users;
    const [aliceApp, bobApp, carolApp] = await Promise.all([
      registeredApp(openApp, lab, alice),
      registeredApp(openApp, lab, bob),
      registeredApp(openApp, lab, carol),
    ]);
    await lab.waitForRegistered(alice.aor);

    /** The far end asks us to refresh, and allows UPDATE: a body-less UPDATE comes at ~45 s. */
    const refreshByUpdate = (peer: SipPeer) => async () => {
      const outgoing = await peer.call(alice.aor, {
        headers: ['Supported: timer', 'Session-Expires: 90;refresher=uas', 'Min-SE: 90'],
      });
      await aliceApp.incomingCall(peer.user.displayName).getByRole('button', { name: 'Answer' }).click();
      const ok = await outgoing.final;
      expect(ok.header('session-expires'), 'our 2xx').toBe('90;refresher=uas');
      expect(ok.tokens('require')).toContain('timer');
      const dialog = await outgoing.established;
      const since = Date.now();
      const update = await dialog.waitForRequest('UPDATE', 75_000);
      const after = secondsSince(since, update.at);
      expect(after, 'UPDATE after (s)').toBeGreaterThan(40);
      expect(after, 'UPDATE after (s)').toBeLessThan(60);
      expect(update.header('session-expires')).toBe('90;refresher=uac');
      expect(update.body, 'a refresh by UPDATE carries no offer').toBe('');
      expect(update.uri('contact'), 'Contact of the UPDATE (a target refresh)').toBeDefined();
      await expectAudioBothWays(aliceApp, dialog.media);
      await dialog.bye();
    };

    /** The far end has no UPDATE: the refresh is a re-INVITE with the media as they are. */
    const refreshByReinvite = (peer: SipPeer) => async () => {
      await bobApp.dial(peer.user.user);
      const call = await peer.nextInvite();
      await call.answer({ headers: ['Session-Expires: 90;refresher=uac', 'Require: timer'] });
      await expect(bobApp.callState()).toContainText('In call');
      const since = Date.now();
      const reinvite = await call.dialog.waitForRequest('INVITE', 75_000);
      const after = secondsSince(since, reinvite.at);
      expect(after, 're-INVITE after (s)').toBeGreaterThan(40);
      expect(after, 're-INVITE after (s)').toBeLessThan(60);
      expect(reinvite.header('session-expires')).toBe('90;refresher=uac');
      expect(reinvite.hasSdp).toBe(true);
      await call.dialog.waitForRequest('ACK', 10_000, reinvite.at);
      await expect(bobApp.callState()).toContainText('In call');
      await expectAudioBothWays(bobApp, call.dialog.media);
      await bobApp.button('Hang up').click();
      await call.dialog.waitForRequest('BYE');
    };

    /** The far end said it would refresh and never does: we end the call at ~60 s. */
    const expiry = (peer: SipPeer) => async () => {
      await carolApp.dial(peer.user.user);
      const call = await peer.nextInvite();
      await call.answer({ headers: ['Session-Expires: 90;refresher=uas', 'Require: timer'] });
      await expect(carolApp.callState()).toContainText('In call');
      const since = Date.now();
      const bye = await call.dialog.waitForRequest('BYE', 90_000);
      const after = secondsSince(since, bye.at);
      expect(after, 'BYE after (s)').toBeGreaterThan(55);
      expect(after, 'BYE before the session expires (s)').toBeLessThan(90);
      expect(bye.header('reason')).toContain('cause=408');
      expect(
        call.dialog.requests.filter((request) => request.method === 'INVITE' || request.method === 'UPDATE'),
        'refreshes sent by us',
      ).toEqual([]);
      await expect(carolApp.lastCall()).toContainText(/ · Network problem/);
    };

    await withPeer(lab, lab.users.peer, (updatePeer) =>
      withPeer(
        lab,
        lab.users.peer2,
        (reinvitePeer) =>
          withPeer(lab, lab.users.peer3, (silentPeer) =>
            Promise.all([
              refreshByUpdate(updatePeer)(),
              refreshByReinvite(reinvitePeer)(),
              expiry(silentPeer)(),
            ]),
          ),
        { allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'PRACK', 'INFO'] },
      ),
    );
  });
});

test.describe('offers left to us (RFC 3261 §13.2.1, §14)', () => {
  test('an INVITE without SDP: our offer in the 200, the answer in the ACK, sound both ways; a re-INVITE without SDP mid-call works the same', async ({
    lab,
    openApp,
  }) => {
    await withPeer(lab, lab.users.peer, async (peer) => {
      const alice = lab.users.alice;
      const app = await registeredApp(openApp, lab, alice);
      await lab.waitForRegistered(alice.aor);
      const outgoing = await peer.call(alice.aor, { offer: false });
      await app.incomingCall(peer.user.displayName).getByRole('button', { name: 'Answer' }).click();
      const ok = await outgoing.final;
      expect(ok.status).toBe(200);
      expect(ok.hasSdp, 'our offer in the 200').toBe(true);
      const dialog = await outgoing.established;
      await expect(app.callState()).toContainText('In call');
      await expectAudioBothWays(app, dialog.media);

      // A desk phone's re-INVITE without SDP (e.g. after a transfer at a PBX): we offer again in the
      // 200, the ACK answers, and the call keeps its sound.
      const response = await dialog.reinvite({ offer: false });
      expect(response.status).toBe(200);
      expect(response.hasSdp, 'our offer in the 200 to the re-INVITE').toBe(true);
      await expect(app.callState()).toContainText('In call');
      await expectAudioBothWays(app, dialog.media);
      await dialog.bye();
      await expect(app.endedCall().getByRole('status')).toHaveText('The other party hung up');
    });
  });
});

/** Turns on auto-answer for the app's only account, after `seconds`, and goes back to the phone. */
async function autoAnswer(app: AppPage, accountName: string, seconds: number): Promise<void> {
  const handling = await app.callHandling(accountName);
  await handling.getByLabel('Seconds before answering automatically').fill(String(seconds));
  await handling.getByLabel('Seconds before answering automatically').press('Tab');
  await handling.getByLabel('Answer calls automatically').check();
  await app.show('Phone');
}

test.describe('forking (RFC 3261 §13.2.2.4)', () => {
  test('the callee answers from two registrations: the first 200 wins, the second is ACKed and BYEd, sound stays with the first', async ({
    lab,
    openApp,
  }) => {
    const { alice, dana } = lab.users;
    // Dana's second copy sits behind a proxy that loses the CANCEL Kamailio sends it once the first
    // copy answered, so its own 200 comes second for certain, as it does when the two answers cross.
    const lossy = await startWsProxy({
      upstreamUrl: lab.wssUrl,
      certPath: lab.certPath,
      keyPath: lab.keyPath,
      dropFromServer: (text) => text.startsWith('CANCEL '),
    });
    try {
      const caller = await registeredApp(openApp, lab, alice);
      const first = await registeredApp(openApp, lab, dana);
      const second = await openApp();
      await second.addAccount(dana, lossy.url);
      await second.expectRegistered();
      await autoAnswer(first, dana.displayName, 0);
      await autoAnswer(second, dana.displayName, 1);

      const since = Date.now();
      await caller.dial(dana.user);
      await expect(caller.callState()).toContainText('In call');
      await expect(first.callState()).toContainText('In call');
      // The second copy answers a second later; the caller ACKs that 200 and ends its dialog at once.
      await expect(second.endedCall().getByRole('status')).toHaveText('The other party hung up', {
        timeout: 20_000,
      });
      const byes = await lab.sipRequests({ method: 'BYE', from: alice.user, since });
      expect(byes, 'BYEs from the caller').toHaveLength(1);
      await expect(second.callCard()).toHaveCount(0);

      // The call goes on with the first copy, sound both ways.
      await expect(caller.callState()).toContainText('In call');
      await caller.expectAudioFlowing();
      await first.expectAudioFlowing();
      await caller.button('Hang up').click();
      await expect(first.endedCall().getByRole('status')).toHaveText('The other party hung up');
    } finally {
      await lossy.stop();
    }
  });
});
