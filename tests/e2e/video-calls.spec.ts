import { expectNoAxeViolations } from './axe';
import { expect, test } from './fixtures';
import type { AppPage } from './app-page';
import { registeredApp } from './scenarios';
import {
  expectPlaying,
  expectVideoArriving,
  expectVideoStopped,
  framesDecodedOver,
  liveTransceivers,
  sentVideo,
  videoSection,
} from './video-page';

function videoButton(app: AppPage, name: string) {
  return videoSection(app).getByRole('button', { name, exact: true });
}

test.describe('video calls between two copies of the app', () => {
  // Each test registers two apps, places a call and checks media on both sides after every step (each
  // check watches frames for a couple of seconds, and video encoding is heavy): three times the budget.
  test.slow();

  test('a video call shows both pictures both ways; camera off/on; sharing the screen returns to the camera', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);

    await alice.page.getByLabel('Number or SIP address').fill(lab.users.bob.user);
    await alice.button('Video call').click();
    const incoming = bob.incomingCall(lab.users.alice.displayName);
    await expect(incoming).toContainText('Video call');
    await expectNoAxeViolations(bob.page, 'incoming video call');
    await incoming.getByRole('button', { name: 'Answer with video' }).click();

    await expect(alice.callState()).toContainText('In call');
    await expect(bob.callState()).toContainText('In call');
    for (const app of [alice, bob]) {
      await expectVideoArriving(app);
      await expectPlaying(app.page.getByLabel('Your camera'));
      await expectPlaying(app.page.getByLabel(/^Video from /));
      await expect(videoButton(app, 'Camera')).toHaveAttribute('aria-pressed', 'true');
      // Audio stays the first m-line, so SIP.js's answer logic and desk phones see it first.
      expect(await liveTransceivers(app)).toEqual({ audio: 1, video: 1 });
    }
    await alice.expectAudioFlowing();
    await bob.expectAudioFlowing();
    await expectNoAxeViolations(alice.page, 'video call');

    // Camera off: nothing more reaches Bob, Alice's self view goes away, the call goes on.
    await videoButton(alice, 'Camera').click();
    await expect(videoButton(alice, 'Camera')).toHaveAttribute('aria-pressed', 'false');
    await expect(alice.page.getByLabel('Your camera')).toBeHidden();
    expect(await sentVideo(alice)).toBe('none');
    await expectVideoStopped(bob);
    await expectVideoArriving(alice);
    await bob.expectAudioFlowing();

    await videoButton(alice, 'Camera').click();
    await expect(videoButton(alice, 'Camera')).toHaveAttribute('aria-pressed', 'true');
    await expectPlaying(alice.page.getByLabel('Your camera'));
    await expectVideoArriving(bob);

    // Sharing the screen replaces the camera on the same video stream; stopping brings the camera back.
    await videoButton(alice, 'Share screen').click();
    await expect(videoButton(alice, 'Share screen')).toHaveAttribute('aria-pressed', 'true');
    await expect(videoButton(alice, 'Camera')).toHaveAttribute('aria-pressed', 'false');
    await expectPlaying(alice.page.getByLabel('Your shared screen'));
    expect(await sentVideo(alice)).toBe('monitor');
    await expectVideoArriving(bob);
    await videoButton(alice, 'Share screen').click();
    await expect(videoButton(alice, 'Camera')).toHaveAttribute('aria-pressed', 'true');
    expect(await sentVideo(alice)).toBe('camera');
    await expectVideoArriving(bob);

    await alice.button('Hang up').click();
    await expect(bob.callCard()).toHaveCount(0);
    await expect(alice.endedCall().getByRole('status')).toHaveText('You hung up');
  });

  test('an audio call is upgraded to video and back to audio by re-INVITE', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);

    await alice.dial(lab.users.bob.user);
    const incoming = bob.incomingCall(lab.users.alice.displayName);
    await expect(incoming).toBeVisible();
    await expect(incoming.getByRole('button', { name: 'Answer with video' })).toHaveCount(0);
    await incoming.getByRole('button', { name: 'Answer' }).click();
    await expect(alice.callState()).toContainText('In call');
    await alice.expectAudioFlowing();
    expect(await liveTransceivers(bob)).toEqual({ audio: 1, video: 0 });

    const upgradeAt = Date.now();
    await videoButton(alice, 'Camera').click();
    await lab.waitForSipRequest('INVITE', { to: lab.users.bob.user, since: upgradeAt });
    // Bob sees Alice at once; his own camera stays off until he turns it on.
    await expectVideoArriving(bob);
    await expectPlaying(bob.page.getByLabel(/^Video from /));
    await expect(videoButton(bob, 'Camera')).toHaveAttribute('aria-pressed', 'false');
    await expect(videoSection(alice)).toContainText(/is not sending video/);
    await videoButton(bob, 'Camera').click();
    await expect(videoButton(bob, 'Camera')).toHaveAttribute('aria-pressed', 'true');
    await expectVideoArriving(alice);
    await expectPlaying(alice.page.getByLabel(/^Video from /));

    const downgradeAt = Date.now();
    await videoButton(alice, 'Audio only').click();
    await lab.waitForSipRequest('INVITE', { to: lab.users.bob.user, since: downgradeAt });
    await expectVideoStopped(alice);
    await expectVideoStopped(bob);
    for (const app of [alice, bob]) {
      await expect(app.page.getByLabel(/^Video from /)).toBeHidden();
      await expect(app.page.getByLabel('Your camera')).toBeHidden();
      await expect(videoButton(app, 'Camera')).toHaveAttribute('aria-pressed', 'false');
      // The camera is released, not just hidden.
      expect(await sentVideo(app)).toBe('none');
      expect(await liveTransceivers(app)).toEqual({ audio: 1, video: 0 });
    }
    await alice.expectAudioFlowing();
    await bob.expectAudioFlowing();
    await expect(alice.callState()).toContainText('In call');
  });

  test('sharing the screen on an audio call adds video; stopping removes it (browser picker)', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    await alice.dial(lab.users.bob.user);
    await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
    await expect(alice.callState()).toContainText('In call');

    // Chromium's --use-fake-ui-for-media-stream (tests/e2e/fixtures.ts) picks a fake screen for
    // getDisplayMedia(), as a user would in the browser's own picker.
    await videoButton(alice, 'Share screen').click();
    await expect(videoButton(alice, 'Share screen')).toHaveAttribute('aria-pressed', 'true');
    await expectPlaying(alice.page.getByLabel('Your shared screen'));
    expect(await sentVideo(alice)).toBe('monitor');
    await expectVideoArriving(bob);
    await expectPlaying(bob.page.getByLabel(/^Video from /));

    await videoButton(alice, 'Share screen').click();
    await expect(videoButton(alice, 'Share screen')).toHaveAttribute('aria-pressed', 'false');
    await expectVideoStopped(bob);
    expect(await sentVideo(alice)).toBe('none');
    expect(await liveTransceivers(alice)).toEqual({ audio: 1, video: 0 });
    await bob.expectAudioFlowing();
    await alice.expectAudioFlowing();
  });
});

test.describe('video and the audio-only desk phone', () => {
  // A call, then media checks after each step, with video encoding: three times the usual budget.
  test.slow();

  test('a video call to the desk phone goes on as audio; adding video is refused politely', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    await app.page.getByLabel('Number or SIP address').fill(lab.users.legacy.user);
    const dialledAt = Date.now();
    await app.button('Video call').click();
    // The offer waits for the camera's transceiver and ICE; on a busy machine that alone takes seconds.
    await lab.waitForSipRequest('INVITE', { to: lab.users.legacy.user, since: dialledAt }, 30_000);
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();
    // baresip declined the video stream (port 0): no video, and no camera kept open for nothing.
    expect(await liveTransceivers(app)).toEqual({ audio: 1, video: 0 });
    await expect(app.page.getByLabel('Your camera')).toBeHidden();
    await expect(videoButton(app, 'Camera')).toHaveAttribute('aria-pressed', 'false');
    expect(await sentVideo(app)).toBe('none');

    await videoButton(app, 'Camera').click();
    await expect(videoSection(app).getByRole('alert')).toContainText(/did not accept video/);
    await expect(app.page.getByLabel('Your camera')).toBeHidden();
    expect(await sentVideo(app)).toBe('none');
    expect(await framesDecodedOver(app, 500)).toBe(0);
    await app.expectAudioFlowing();
    await expect(app.callState()).toContainText('In call');
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
  });
});
