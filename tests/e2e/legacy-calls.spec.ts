import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';

test.describe('calls with a legacy SIP phone (WebRTC <-> plain RTP through rtpengine)', () => {
  test('the app calls the legacy phone, audio flows both ways, the app hangs up', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);

    await app.dial(lab.users.legacy.user);
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');

    const { after } = await app.expectAudioFlowing();
    expect(after.peerConnections).toBe(1);
    await expect(app.callCard().locator('time')).toHaveText(/00:0[1-9]/);

    const hungUpAt = Date.now();
    await app.button('Hang up').click();
    await lab.waitForSipRequest('BYE', { to: lab.users.legacy.user, since: hungUpAt });
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(app.callCard()).toHaveCount(0);
    await expect(app.endedCall().getByRole('status')).toHaveText('You hung up');
    await expect(app.endedCall()).toContainText(/Duration 00:0[1-9]/);

    // What the legacy phone decoded from us: real audio, not silence.
    const heard = await lab.legacy.receivedAudio();
    expect(heard.seconds).toBeGreaterThan(1);
    expect(heard.rms).toBeGreaterThan(0.01);
    expect(heard.estimatedHz, "the app's 660 Hz microphone tone").toBeGreaterThan(600);
    expect(heard.estimatedHz).toBeLessThan(720);
  });

  test('the legacy phone calls the app, which rings with the caller name and answers', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);

    await lab.legacy.dial(lab.users.alice.aor);
    const incoming = app.incomingCall(lab.users.legacy.displayName);
    await expect(incoming).toBeVisible();
    await expect(incoming).toContainText(lab.users.legacy.user);
    await incoming.getByRole('button', { name: 'Answer' }).click();

    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();

    await lab.legacy.hangup();
    await expect(app.callCard()).toHaveCount(0);
    await expect(app.endedCall().getByRole('status')).toHaveText('The other party hung up');
    await expect(app.button('Call')).toBeEnabled();

    const heard = await lab.legacy.receivedAudio();
    expect(heard.seconds).toBeGreaterThan(1);
    expect(heard.rms).toBeGreaterThan(0.01);
    expect(heard.estimatedHz, "the app's 660 Hz microphone tone").toBeGreaterThan(600);
    expect(heard.estimatedHz).toBeLessThan(720);
  });

  test('a busy desk phone shows Busy (486)', async ({ lab, openApp }) => {
    const desk = await lab.startLegacyPhone(lab.users.legacy2, { answerMode: 'manual' });
    try {
      const app = await openApp();
      await app.addAccount(lab.users.alice, lab.wssUrl);
      await app.expectRegistered();
      await lab.waitForRegistered(lab.users.legacy2.aor);

      await app.dial(lab.users.legacy2.user);
      await desk.waitForEvent('CALL_INCOMING');
      await expect(app.callState()).toContainText('Ringing');
      // baresip refuses a ringing call with 486 Busy Here, as a desk phone's "busy" key does.
      await desk.hangup();
      await expect(app.lastCall()).toContainText('Outgoing · Busy (486)');
    } finally {
      await desk.stop();
    }
  });
});
