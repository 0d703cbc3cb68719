/**
 * Calls over the direct path, end to end: the real renderer in Chromium (SIP.js over the gateway
 * transport), the real gateway and media bridge in the browser build's local service (the code
 * `npm run web` starts), Kamailio as an ordinary UDP/TCP/TLS SIP server that relays no media, and
 * baresip desk phones speaking plain RTP (or SDES-SRTP), one of them a VP8 video phone. rtpengine
 * runs in the lab but is never asked about these calls: the lab routes a call where neither side is
 * WebRTC without it, and each test proves that from rtpengine's own log and session list.
 */
import type { LegacyPhone } from '../lab/lab';
import { summarisePicture } from '../lab/picture-summary';
import type { AppPage } from './app-page';
import { settledEnergy } from './call-audio';
import { statNumber } from './call-statistics';
import { answer, bridgeReport, directApp, expectDeskHearsTheApp, expectNoRtpengine } from './direct-path';
import { expect, test } from './fixtures';
import { blindTransfer } from './scenarios';
import { expectPlaying, expectVideoArriving, negotiatedCodecs, videoThirds } from './video-page';

/**
 * Video both ways between the app and the lab's video phone (baresip, VP8, fake camera): the app
 * decodes the phone's three bars, red, green and blue, left to right; the phone decodes frames of the
 * app's camera (Chromium's fake one) and counts them; both sides name VP8.
 */
async function expectVideoBothWays(app: AppPage, phone: LegacyPhone, label: string): Promise<void> {
  await expectVideoArriving(app);
  const view = app.page.getByLabel(/^Video from /);
  await expectPlaying(view);
  await expect
    .poll(
      async () =>
        (await videoThirds(view)).map(({ r, g, b }) => {
          if (r > 150 && g < 80 && b < 80) return 'red';
          if (g > 150 && r < 80 && b < 80) return 'green';
          if (b > 150 && r < 80 && g < 80) return 'blue';
          return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
        }),
      { message: "the phone's picture as the app shows it" },
    )
    .toEqual(['red', 'green', 'blue']);
  expect(await negotiatedCodecs(app)).toContain('video/VP8');

  const decodedBefore = (await phone.videoStatus()).framesDecoded;
  await expect
    .poll(async () => (await phone.videoStatus()).framesDecoded, {
      message: "frames of the app's camera the phone decoded",
    })
    .toBeGreaterThan(decodedBefore + 5);
  const status = await phone.videoStatus();
  expect(status.decoder).toBe('VP8');
  expect(status.encoder).toBe('VP8');
  const frame = await phone.receivedVideoFrame();
  const summary = summarisePicture(frame);
  test
    .info()
    .annotations.push({ type: `video phone decoded (${label})`, description: JSON.stringify(summary) });
  expect(`${summary.width} x ${summary.height}`, 'the decoded frame is the size the phone reports').toBe(
    status.decodedSize,
  );
  // Chromium's fake camera: a green picture with a brighter green pac-man and a running clock
  // (measured here: mean RGB about 3-9, 138-147, 1-4; luma spread 21-33; 6-7 colours), not a flat
  // or black frame, nor a decoder's grey or garbage.
  expect(summary.meanRgb.g, "the app's picture is green").toBeGreaterThan(
    3 * Math.max(summary.meanRgb.r, summary.meanRgb.b),
  );
  expect(summary.meanLuma, "the app's picture is not black").toBeGreaterThan(40);
  expect(summary.lumaSpread, "the app's picture has detail").toBeGreaterThan(8);
  expect(summary.colours, "the app's picture has more than a background").toBeGreaterThan(3);
}

test.describe('calls over the direct path (UDP/TCP/TLS, media through the gateway bridge, no rtpengine)', () => {
  test('app -> desk phone over UDP: audio both ways, no rtpengine on the path, the app hangs up', async ({
    lab,
    openGatewayApp,
  }) => {
    const app = await directApp(openGatewayApp, lab, lab.users.alice);
    const since = Date.now();
    await app.dial(lab.users.legacy.user);
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.alice.user, since });
    expect(invite.transport).toBe('udp');

    await app.expectAudioFlowing();
    await expectDeskHearsTheApp(lab);
    await expectNoRtpengine(lab, invite.callId);

    const hungUpAt = Date.now();
    await app.button('Hang up').click();
    // The card says how the call ended, for a few seconds; then the call is in recent calls.
    await expect(app.endedCall().getByRole('status')).toHaveText('You hung up');
    await lab.waitForSipRequest('BYE', { from: lab.users.alice.user, since: hungUpAt });
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(app.lastCall()).toContainText('Outgoing · Answered');
    await expectNoRtpengine(lab, invite.callId);
  });

  test('closing the app mid-call hangs up: the desk phone gets its BYE', async ({ lab, openGatewayApp }) => {
    const app = await directApp(openGatewayApp, lab, lab.users.alice);
    await app.dial(lab.users.legacy.user);
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();

    // pagehide hangs up; the gateway closes the account's socket once the page's connection ends.
    const closedAt = Date.now();
    await app.page.close();
    await lab.waitForSipRequest('BYE', { from: lab.users.alice.user, since: closedAt });
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  test('desk phone -> app over UDP: it rings, is answered, audio both ways, the desk phone hangs up', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    const app = await directApp(openGatewayApp, lab, lab.users.bob);
    const since = Date.now();
    await lab.legacy.dial(lab.users.bob.aor);
    await answer(app, lab.users.legacy);
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.legacy.user, since });

    await app.expectAudioFlowing();
    await expectDeskHearsTheApp(lab);
    await expectNoRtpengine(lab, invite.callId);
    // The default desk phone has no video codec: its offer is audio alone (the video phone is separate).
    expect((await bridgeReport(webApp, invite.callId)).streams.map((stream) => stream.kind)).toEqual([
      'audio',
    ]);

    const hungUpAt = Date.now();
    await lab.legacy.hangup();
    await lab.waitForSipRequest('BYE', { from: lab.users.legacy.user, since: hungUpAt });
    await expect(app.callCard()).toHaveCount(0);
    await expect(app.endedCall().getByRole('status')).toHaveText('The other party hung up');
    await expectNoRtpengine(lab, invite.callId);
  });

  test('hold and resume, then DTMF 1234# reaches the desk phone as RFC 4733 events and 56 as SIP INFO; the statistics panel; the registration is refreshed', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    // The server grants 8 s: the registration is refreshed during the call, in the same dialog
    // (RFC 3261 §10.2.4: same Call-ID, a higher CSeq), over the same gateway connection.
    await lab.setMaxRegistrationExpiry(8);
    await lab.setMinRegistrationExpiry(1);
    try {
      const registeredAt = Date.now();
      const app = await directApp(openGatewayApp, lab, lab.users.carol);
      const since = Date.now();
      await app.dial(lab.users.legacy.user);
      await expect(app.callState()).toContainText('In call');
      await lab.legacy.waitForEvent('CALL_ESTABLISHED');
      await app.expectAudioFlowing();
      // Before the hold: baresip's recording of what it decodes ends at its first re-INVITE.
      await expectDeskHearsTheApp(lab);
      const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.carol.user, since });
      const sentToDesk = async () =>
        (await bridgeReport(webApp, invite.callId)).streams[0]?.plain.packetsOut ?? 0;

      const heldAt = Date.now();
      await app.button('Hold').click();
      await expect(app.callState()).toHaveText('On hold');
      await lab.waitForSipRequest('INVITE', { from: lab.users.carol.user, since: heldAt });
      await settledEnergy(app, [0]);
      await app.button('Resume').click();
      await expect(app.callCard()).not.toContainText('On hold');
      await app.expectAudioFlowing();
      // The app's voice goes to the desk phone again: 50 packets a second leave the bridge's plain leg.
      const resumed = await sentToDesk();
      await expect
        .poll(sentToDesk, { message: 'packets to the desk phone after the resume' })
        .toBeGreaterThan(resumed + 50);

      await app.pressDtmf('1234#');
      await expect(app.callCard()).toContainText('Sent: 1234#');
      await expect.poll(() => lab.legacy.receivedDigits()).toBe('1234#');
      expect(await lab.sipRequests({ method: 'INFO', since }), 'RFC 4733 sends no INFO').toEqual([]);

      // SIP INFO goes through the gateway transport like any request in the dialog.
      const card = app.callCard();
      await card
        .getByLabel('Send digits in this call as')
        .selectOption({ label: 'SIP INFO messages (application/dtmf-relay)' });
      const infoAt = Date.now();
      await card.getByLabel('Digits to send').fill('56');
      await card.getByRole('button', { name: 'Send digits' }).click();
      await expect.poll(() => lab.legacy.receivedDigits()).toBe('1234#56');
      expect((await lab.sipRequests({ method: 'INFO', since: infoAt })).length, 'one INFO per digit').toBe(2);

      // The statistics panel reads the bridged call as any other: the desk phone's codec, media both
      // ways, and a round trip from the reports the bridge answers on the WebRTC leg.
      await card.getByRole('button', { name: 'Call statistics', exact: true }).click();
      const panel = card.getByRole('region', { name: /^Call statistics for / });
      await expect(panel.locator('dd[data-stat="codec"]')).toHaveText(/^PCM[UA], 8000 Hz$/);
      await expect.poll(() => statNumber(app, 'receiving')).toBeGreaterThan(32);
      await expect.poll(() => statNumber(app, 'sending')).toBeGreaterThan(32);
      await expect(panel.locator('dd[data-stat="rtt"]')).toHaveText(/^\d+(\.\d)? ms$/);
      const mos = await statNumber(app, 'mos');
      expect(mos).toBeGreaterThanOrEqual(1);
      expect(mos).toBeLessThanOrEqual(4.5);

      await expectNoRtpengine(lab, invite.callId);
      await app.button('Hang up').click();
      await lab.legacy.waitForEvent('CALL_CLOSED');
      const registers = () =>
        lab.sipRequests({ method: 'REGISTER', from: lab.users.carol.user, since: registeredAt });
      await expect
        .poll(
          async () => {
            const sent = await registers();
            return (sent.at(-1)?.time ?? 0) - (sent[0]?.time ?? 0);
          },
          { message: 'a refresh some seconds after the first REGISTER', timeout: 15_000 },
        )
        .toBeGreaterThan(5_000);
      const sent = await registers();
      expect(new Set(sent.map((r) => r.callId)).size, 'one registration dialog').toBe(1);
      expect(sent.every((r) => r.transport === 'udp')).toBe(true);
      expect(await lab.registeredContacts(lab.users.carol.aor)).toHaveLength(1);
    } finally {
      await lab.setMinRegistrationExpiry(60);
      await lab.setMaxRegistrationExpiry(3600);
    }
  });

  test('blind transfer: the desk phone is sent to another direct account, which hears it', async ({
    lab,
    openGatewayApp,
  }) => {
    const alice = await directApp(openGatewayApp, lab, lab.users.alice);
    const dana = await directApp(openGatewayApp, lab, lab.users.dana);
    await alice.dial(lab.users.legacy.user);
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');

    const transferAt = Date.now();
    await blindTransfer(alice, lab, lab.users.dana.user);
    await lab.waitForSipRequest('REFER', { to: lab.users.legacy.user, since: transferAt });

    await answer(dana, lab.users.legacy);
    await expect(alice.callCard()).toHaveCount(0);
    await expect(alice.lastCall()).toContainText('Outgoing · Transferred');
    await dana.expectAudioFlowing();
    const invite = await lab.waitForSipRequest('INVITE', {
      from: lab.users.legacy.user,
      to: lab.users.dana.user,
      since: transferAt,
    });
    await expectNoRtpengine(lab, invite.callId);
    await expectDeskHearsTheApp(lab);

    await dana.button('Hang up').click();
    await expect(dana.callCard()).toHaveCount(0);
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  test('two bridged calls at once: the second desk phone calls in during a call, call waiting answers it', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    const second = await lab.startLegacyPhone(lab.users.legacy2, { toneHz: 550 });
    try {
      const app = await directApp(openGatewayApp, lab, lab.users.alice);
      await lab.waitForRegistered(lab.users.legacy2.aor);
      const since = Date.now();
      await app.dial(lab.users.legacy.user);
      await expect(app.callState()).toContainText('In call');
      await lab.legacy.waitForEvent('CALL_ESTABLISHED');
      await app.expectAudioFlowing();

      await second.dial(lab.users.alice.aor);
      const waiting = app.callWaiting(lab.users.legacy2.displayName);
      await expect(waiting).toBeVisible();
      await waiting.getByRole('button', { name: 'Answer and hold current call' }).click();
      await second.waitForEvent('CALL_ESTABLISHED');
      const lines = app.lineList();
      await expect(lines.getByRole('button')).toHaveCount(2);
      await expect(lines.getByRole('button', { name: /^Switch to line 1: / })).toContainText('On hold');

      // Both calls are bridged at once, each with its own plain leg; only the second is heard.
      const first = await lab.waitForSipRequest('INVITE', { from: lab.users.alice.user, since });
      const waitingInvite = await lab.waitForSipRequest('INVITE', { from: lab.users.legacy2.user, since });
      expect((await bridgeReport(webApp, first.callId)).streams[0]?.plain.destination).toBeDefined();
      expect((await bridgeReport(webApp, waitingInvite.callId)).streams[0]?.plain.destination).toBeDefined();
      await settledEnergy(app, [0]);
      const [, heard] = await app.inboundEnergyPerConnection(1000);
      expect(heard, 'the second desk phone').toBeGreaterThan(0.001);
      await expectDeskHearsTheApp(lab, second);
      await expectNoRtpengine(lab, first.callId);
      await expectNoRtpengine(lab, waitingInvite.callId);

      await app.button('Hang up').click();
      await second.waitForEvent('CALL_CLOSED');
      await expect(app.callCard()).toContainText(lab.users.legacy.user);
      await app.button('Hang up').click();
      await lab.legacy.waitForEvent('CALL_CLOSED');
      await expect(app.callCard()).toHaveCount(0);
    } finally {
      await second.stop();
    }
  });

  test('TLS with SDES-SRTP: the desk phone offers RTP/SAVP, the app answers, audio both ways encrypted', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    const secure = await lab.startLegacyPhone(lab.users.legacy2, { mediaEncryption: 'srtp-mand' });
    try {
      const app = await directApp(openGatewayApp, lab, lab.users.bob, 'tls');
      await lab.waitForRegistered(lab.users.legacy2.aor);
      const since = Date.now();
      await secure.dial(lab.users.bob.aor);
      await answer(app, lab.users.legacy2);
      await secure.waitForEvent('CALL_ESTABLISHED');
      const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.legacy2.user, since });

      await app.expectAudioFlowing();
      await expectDeskHearsTheApp(lab, secure);
      const [stream] = (await bridgeReport(webApp, invite.callId)).streams;
      expect(stream?.plain.srtp, 'the plain leg runs SRTP').toBe(true);
      // Chromium's DTLS offers GCM first; the bridge takes the profile its relay protects cheapest.
      expect(stream?.webrtc.srtp, 'the SRTP profile Chromium and the bridge agreed').toBe(
        'AES_CM_128_HMAC_SHA1_80',
      );
      expect(stream?.plain.packetsIn).toBeGreaterThan(50);
      // Every RTP packet authenticated. (baresip sends an RTCP APP "PING" before SRTP starts and its RTCP
      // BYE in clear; those are dropped and counted apart, rtcpUnauthenticated.)
      expect(stream?.plain.unauthenticated).toBe(0);
      await expectNoRtpengine(lab, invite.callId);

      // And the other way: the app offers SDES on its TLS account, the desk phone takes it.
      await app.button('Hang up').click();
      await secure.waitForEvent('CALL_CLOSED');
      const outAt = Date.now();
      await app.dial(lab.users.legacy2.user);
      await expect(app.callState()).toContainText('In call');
      await secure.waitForEvent('CALL_ESTABLISHED');
      await app.expectAudioFlowing();
      const out = await lab.waitForSipRequest('INVITE', { from: lab.users.bob.user, since: outAt });
      expect(out.transport).toBe('tls');
      const [outStream] = (await bridgeReport(webApp, out.callId)).streams;
      expect(outStream?.plain.srtp).toBe(true);
      await app.button('Hang up').click();
      await secure.waitForEvent('CALL_CLOSED');
    } finally {
      await secure.stop();
    }
  });

  test('over TCP: app -> desk phone, audio both ways', async ({ lab, openGatewayApp }) => {
    const app = await directApp(openGatewayApp, lab, lab.users.carol, 'tcp');
    const since = Date.now();
    await app.dial(lab.users.legacy.user);
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.carol.user, since });
    expect(invite.transport).toBe('tcp');
    await app.expectAudioFlowing();
    await expectDeskHearsTheApp(lab);
    await expectNoRtpengine(lab, invite.callId);
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  test('app <-> app, both direct UDP accounts (two bridges): audio both ways, each side hangs up once', async ({
    lab,
    openGatewayApp,
  }) => {
    const alice = await directApp(openGatewayApp, lab, lab.users.alice);
    const bob = await directApp(openGatewayApp, lab, lab.users.bob);
    for (const [caller, callee, callerUser, calleeUser] of [
      [alice, bob, lab.users.alice, lab.users.bob],
      [bob, alice, lab.users.bob, lab.users.alice],
    ] as const) {
      const since = Date.now();
      await caller.dial(calleeUser.user);
      await answer(callee, callerUser);
      await expect(caller.callState()).toContainText('In call');
      await caller.expectAudioFlowing();
      await callee.expectAudioFlowing();
      const invite = await lab.waitForSipRequest('INVITE', { from: callerUser.user, since });
      await expectNoRtpengine(lab, invite.callId);
      await callee.button('Hang up').click();
      await expect(caller.callCard()).toHaveCount(0);
    }
  });

  // The bridge relays video untouched: VP8, and H.264 (RFC 6184), whose packetization mode and
  // profile must match between the legs. Both apps put the codec first, so it is what they choose.
  for (const codec of ['VP8', 'H264'] as const) {
    test(`app <-> app video (${codec}) through two bridges: both sides decode the other camera`, async ({
      lab,
      openGatewayApp,
    }) => {
      // Four WebRTC legs in the test's own Node process, and two video encoders: a slow test.
      test.slow();
      const alice = await directApp(openGatewayApp, lab, lab.users.alice, 'udp', undefined, {
        firstVideoCodec: codec,
      });
      const bob = await directApp(openGatewayApp, lab, lab.users.bob, 'udp', undefined, {
        firstVideoCodec: codec,
      });
      const since = Date.now();
      await alice.page.getByLabel('Number or SIP address').fill(lab.users.bob.user);
      await alice.button('Video call').click();
      const incoming = bob.incomingCall(lab.users.alice.displayName);
      await expect(incoming).toContainText('Video call');
      await incoming.getByRole('button', { name: 'Answer with video' }).click();
      await expect(alice.callState()).toContainText('In call');
      for (const app of [alice, bob]) {
        await expectVideoArriving(app);
        await app.expectAudioFlowing();
        expect(await negotiatedCodecs(app)).toContain(`video/${codec}`);
      }
      const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.alice.user, since });
      await expectNoRtpengine(lab, invite.callId);
      await alice.button('Hang up').click();
      await expect(bob.callCard()).toHaveCount(0);
    });
  }

  test('app <-> video desk phone (baresip, VP8) over UDP, each way: both decode the other camera, the bridge relays audio and video', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    const phone = await lab.startLegacyPhone(lab.users.legacy2, { video: true });
    try {
      const app = await directApp(openGatewayApp, lab, lab.users.alice, 'udp', undefined, {
        firstVideoCodec: 'VP8',
      });
      await lab.waitForRegistered(lab.users.legacy2.aor);

      // The app calls with video; the phone answers at once, with video.
      const since = Date.now();
      await app.page.getByLabel('Number or SIP address').fill(lab.users.legacy2.user);
      await app.button('Video call').click();
      await expect(app.callState()).toContainText('In call');
      await phone.waitForEvent('CALL_ESTABLISHED');
      const invite = await lab.waitForSipRequest('INVITE', { from: lab.users.alice.user, since });
      // A UDP account, but an INVITE with audio and video SDP may pass 1300 bytes: then it goes over
      // TCP to the same server (RFC 3261 §18.1.1). The BYE below is small and goes over UDP.
      expect(['udp', 'tcp']).toContain(invite.transport);
      await expectVideoBothWays(app, phone, 'app called');
      await app.expectAudioFlowing();
      await expectDeskHearsTheApp(lab, phone);
      const outgoing = await bridgeReport(webApp, invite.callId);
      expect(outgoing.streams.map((stream) => [stream.kind, stream.codecs[0]])).toEqual([
        ['audio', 'PCMU/8000'],
        ['video', 'VP8/90000'],
      ]);
      await expectNoRtpengine(lab, invite.callId);
      const byeAt = Date.now();
      await app.button('Hang up').click();
      const bye = await lab.waitForSipRequest('BYE', { from: lab.users.alice.user, since: byeAt });
      expect(bye.transport).toBe('udp');
      await phone.waitForEvent('CALL_CLOSED');
      await expect(app.callCard()).toHaveCount(0);

      // The phone calls with video; the app answers with video.
      const inAt = Date.now();
      await phone.dial(lab.users.alice.aor);
      const incoming = app.incomingCall(lab.users.legacy2.displayName);
      await expect(incoming).toContainText('Video call');
      await incoming.getByRole('button', { name: 'Answer with video' }).click();
      await expect(app.callState()).toContainText('In call');
      await phone.waitForEvent('CALL_ESTABLISHED');
      const inbound = await lab.waitForSipRequest('INVITE', { from: lab.users.legacy2.user, since: inAt });
      await expectVideoBothWays(app, phone, 'phone called');
      await app.expectAudioFlowing();
      const incomingReport = await bridgeReport(webApp, inbound.callId);
      expect(incomingReport.streams.map((stream) => stream.kind)).toEqual(['audio', 'video']);
      expect(incomingReport.streams[1]?.codecs).toEqual(['VP8/90000']);
      await expectNoRtpengine(lab, inbound.callId);
      const hungUpAt = Date.now();
      await phone.hangup();
      await lab.waitForSipRequest('BYE', { from: lab.users.legacy2.user, since: hungUpAt });
      await phone.waitForEvent('CALL_CLOSED');
      await expect(app.callCard()).toHaveCount(0);
      // The first call's card may still be showing how it ended.
      await expect(
        app.endedCall().getByRole('status').filter({ hasText: 'The other party hung up' }),
      ).toHaveCount(1);
    } finally {
      await phone.stop();
    }
  });
});
