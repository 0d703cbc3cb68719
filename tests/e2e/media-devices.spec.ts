import { expect, test } from './fixtures';
import {
  UNREACHABLE_STUN,
  addIceServer,
  audioCodecOrder,
  deskPhoneCodec,
  negotiatedAudioCodecs,
  newAccountForm,
  preferCodec,
  sentMicrophoneLabel,
  sentSdp,
} from './media-settings';
import { callDeskPhone } from './scenarios';

test.describe('devices, codecs and NAT traversal', () => {
  test('an unreachable STUN server does not hold up the call: the INVITE leaves at once and audio flows', async ({
    lab,
    openApp,
  }) => {
    const app = await openApp();
    await addIceServer(await newAccountForm(app), UNREACHABLE_STUN);
    await app.addAccount(lab.users.alice, lab.wssUrl);
    await app.expectRegistered();

    const dialled = Date.now();
    await callDeskPhone(app, lab);
    const invite = await lab.waitForSipRequest('INVITE', { to: lab.users.legacy.user, since: dialled });
    // Printed, not asserted: timing belongs to the bench (tests/bench), and this machine is shared.
    console.log(`dial -> INVITE at the server with ${UNREACHABLE_STUN}: ${invite.time - dialled} ms`);

    const sdp = await sentSdp(app);
    expect(sdp, 'the offer carries our host candidate').toMatch(/a=candidate:.* typ host/);
    expect(sdp, 'no reflexive candidate can exist: the server never answered').not.toMatch(/typ srflx/);

    const heardFrom = (await lab.legacy.receivedAudio()).seconds;
    await app.page.waitForTimeout(1500);
    const heard = await lab.legacy.receivedAudio(heardFrom);
    expect(heard.rms, 'the desk phone hears us').toBeGreaterThan(0.01);
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });

  for (const codec of ['PCMU', 'PCMA'] as const) {
    test(`preferring ${codec} puts it first in the offer and the desk phone call uses it`, async ({
      lab,
      openApp,
    }) => {
      const app = await openApp();
      await preferCodec(await newAccountForm(app), codec);
      await app.addAccount(lab.users.alice, lab.wssUrl);
      await app.expectRegistered();

      await callDeskPhone(app, lab);
      const offered = audioCodecOrder(await sentSdp(app));
      expect(offered[0], `the offer sent lists ${codec} first (${offered.join(' ')})`).toBe(codec);
      expect(offered, 'the other codecs are still offered').toEqual(
        expect.arrayContaining(['opus', 'telephone-event']),
      );
      const negotiated = await negotiatedAudioCodecs(app);
      expect(negotiated.outbound).toBe(`audio/${codec}`);
      expect(negotiated.inbound).toBe(`audio/${codec}`);
      await app.button('Hang up').click();
      await lab.legacy.waitForEvent('CALL_CLOSED');
      expect(await deskPhoneCodec(lab), 'what rtpengine relays to the desk phone').toBe(codec);
    });
  }

  test('switching the microphone mid-call keeps the call and the desk phone keeps hearing us', async ({
    lab,
    openApp,
  }) => {
    const app = await openApp();
    await app.addAccount(lab.users.alice, lab.wssUrl);
    await app.expectRegistered();
    await callDeskPhone(app, lab);
    const before = await sentMicrophoneLabel(app);

    await app.page.getByRole('button', { name: 'Settings', exact: true }).click();
    const microphone = app.page.getByRole('combobox', { name: /^Microphone/ });
    await expect(microphone.locator('option', { hasText: 'Fake Audio Input 2' })).toHaveCount(1);
    await microphone.selectOption({ label: 'Fake Audio Input 2' });
    await expect.poll(() => sentMicrophoneLabel(app)).toBe('Fake Audio Input 2');
    expect(before).not.toBe('Fake Audio Input 2');
    const meter = app.page.getByRole('meter', { name: 'Microphone level' });
    await expect
      .poll(async () => Number(await meter.getAttribute('aria-valuenow')), {
        message: 'the level meter moves with the 660 Hz tone the fake microphone plays',
      })
      .toBeGreaterThan(5);
    await app.page.getByRole('button', { name: 'Phone', exact: true }).click();

    await expect(app.callState()).toContainText('In call');
    const switchedAt = (await lab.legacy.receivedAudio()).seconds;
    const sentBefore = (await app.audioStats()).packetsSent;
    await app.page.waitForTimeout(2000);
    const sentAfter = (await app.audioStats()).packetsSent;
    expect(sentAfter - sentBefore, 'outbound RTP keeps flowing after the switch').toBeGreaterThan(50);
    const heard = await lab.legacy.receivedAudio(switchedAt);
    expect(heard.seconds, 'the desk phone recorded the time after the switch').toBeGreaterThan(1);
    expect(heard.rms, 'the desk phone hears the new microphone').toBeGreaterThan(0.01);
    await app.expectAudioFlowing();
    expect(await app.page.evaluate(() => window.__ringlineTestPeerConnections?.length)).toBe(1);

    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });
});
