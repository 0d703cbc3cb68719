import type { Locator } from '@playwright/test';
import type { Lab } from '../lab/lab';
import type { AppPage } from './app-page';
import { expect, test } from './fixtures';
import { sentSdp } from './media-settings';
import { registeredApp } from './scenarios';

declare global {
  interface Window {
    __ringlineTestCapturedTracks?: MediaStreamTrack[];
  }
}

/** Records every track the app captures from now on (the browser's getUserMedia does the work). */
async function recordCaptures(app: AppPage): Promise<void> {
  await app.page.evaluate(() => {
    const captured: MediaStreamTrack[] = [];
    window.__ringlineTestCapturedTracks = captured;
    const devices = navigator.mediaDevices;
    const capture = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      const stream = await capture(constraints);
      captured.push(...stream.getTracks());
      return stream;
    };
  });
}

/** Peer connections the page made that are not closed, and captured or sent tracks still live. */
async function leftOpen(app: AppPage): Promise<{ connections: string[]; liveTracks: string[] }> {
  return app.page.evaluate(() => {
    const connections = (window.__ringlineTestPeerConnections ?? [])
      .filter((pc) => pc.connectionState !== 'closed' || pc.signalingState !== 'closed')
      .map((pc) => `${pc.connectionState}/${pc.signalingState}`);
    const tracks = new Set(window.__ringlineTestCapturedTracks ?? []);
    for (const pc of window.__ringlineTestPeerConnections ?? []) {
      for (const sender of pc.getSenders()) if (sender.track) tracks.add(sender.track);
      for (const receiver of pc.getReceivers()) tracks.add(receiver.track);
    }
    const liveTracks = [...tracks].filter((t) => t.readyState === 'live').map((t) => `${t.kind} ${t.label}`);
    return { connections, liveTracks };
  });
}

/** Peer connections' signalling states, in the order the page made them. */
function signallingStates(app: AppPage): Promise<RTCSignalingState[]> {
  return app.page.evaluate(() => (window.__ringlineTestPeerConnections ?? []).map((pc) => pc.signalingState));
}

function capturedTracks(app: AppPage): Promise<number | undefined> {
  return app.page.evaluate(() => window.__ringlineTestCapturedTracks?.length);
}

/** The latest peer connection's negotiation, as far as the caller could notice it. */
function latestNegotiation(app: AppPage) {
  return app.page.evaluate(() => {
    const pc = window.__ringlineTestPeerConnections?.at(-1);
    const candidates = (sdp: string | undefined) =>
      (sdp ?? '').split('\n').filter((l) => l.startsWith('a=candidate:'));
    return {
      signalingState: pc?.signalingState,
      ourAnswer: pc?.localDescription?.type === 'answer',
      ourCandidates: candidates(pc?.localDescription?.sdp).length > 0,
      theirCandidates: candidates(pc?.remoteDescription?.sdp).length,
      ice: pc?.iceConnectionState,
    };
  });
}

/**
 * The desk phone calls the app, registered as Alice and recording captures: resolves once the call
 * rings with its peer connection negotiated (our answer set, our candidates gathered, the caller's
 * held back: no connectivity check) and the microphone still off.
 */
async function ringingCall(
  openApp: (path?: string) => Promise<AppPage>,
  lab: Lab,
): Promise<{ app: AppPage; incoming: Locator }> {
  const app = await registeredApp(openApp, lab, lab.users.alice);
  await recordCaptures(app);
  await lab.legacy.dial(lab.users.alice.aor);
  const incoming = app.incomingCall(lab.users.legacy.displayName);
  await expect(incoming).toBeVisible();
  await expect
    .poll(() => latestNegotiation(app))
    .toEqual({
      signalingState: 'stable',
      ourAnswer: true,
      ourCandidates: true,
      theirCandidates: 0,
      ice: 'new',
    });
  expect(await capturedTracks(app)).toBe(0);
  return { app, incoming };
}

test.describe('call setup: the offer does not wait for the microphone, answering is prepared while ringing', () => {
  test('the desk phone hears our tone from the first packet it gets', async ({ lab, openApp }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    await app.dial(lab.users.legacy.user);
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();
    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');

    // The desk phone records each packet as it decodes it: the first 20 ms are its first packet.
    const first = await lab.legacy.receivedAudio(0, 0.02);
    expect(first.seconds).toBeCloseTo(0.02, 3);
    expect(first.rms, 'our first packet already carries the microphone, not silence').toBeGreaterThan(0.01);
    const whole = await lab.legacy.receivedAudio();
    expect(whole.estimatedHz, "the app's 660 Hz microphone tone").toBeGreaterThan(600);
    expect(whole.estimatedHz).toBeLessThan(720);
  });

  test('entering a number prepares the call with the microphone off; Call sends that offer at once', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    await recordCaptures(app);
    await app.page.getByLabel('Number or SIP address').fill(lab.users.legacy.user);
    await expect.poll(() => signallingStates(app)).toEqual(['have-local-offer']);
    const prepared = await sentSdp(app);
    expect(prepared, 'its candidates are gathered while the number is entered').toMatch(
      /a=candidate:.* typ host/,
    );
    expect(await capturedTracks(app)).toBe(0);

    const dialled = Date.now();
    await app.button('Call').click();
    await lab.waitForSipRequest('INVITE', { to: lab.users.legacy.user, since: dialled });
    await expect(app.callState()).toContainText('In call');
    const { after } = await app.expectAudioFlowing();
    expect(after.peerConnections, 'the prepared connection is the call').toBe(1);
    expect(await app.page.evaluate(() => window.__ringlineTestPeerConnections?.length)).toBe(1);
    expect(await capturedTracks(app)).toBe(1);
    const origin = (sdp: string) => /^o=.*$/m.exec(sdp)?.[0];
    expect(origin(await sentSdp(app)), 'the offer made ahead is the one the INVITE carried').toBe(
      origin(prepared),
    );

    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect.poll(() => leftOpen(app)).toEqual({ connections: [], liveTracks: [] });
  });

  test('a call cancelled while it rings leaves no peer connection or track open', async ({
    lab,
    openApp,
  }) => {
    const { app, incoming } = await ringingCall(openApp, lab);
    await lab.legacy.hangup();
    await lab.waitForSipRequest('CANCEL', { from: lab.users.legacy.user });
    await expect(incoming).toHaveCount(0);
    await expect.poll(() => leftOpen(app)).toEqual({ connections: [], liveTracks: [] });
    expect(await capturedTracks(app)).toBe(0);
  });

  test('a call declined while it rings leaves no peer connection or track open', async ({ lab, openApp }) => {
    const { app, incoming } = await ringingCall(openApp, lab);
    await incoming.getByRole('button', { name: 'Decline' }).click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(app.lastCall()).toContainText('Incoming · You declined the call');
    await expect.poll(() => leftOpen(app)).toEqual({ connections: [], liveTracks: [] });
    expect(await capturedTracks(app)).toBe(0);
  });

  test('answering the prepared call: audio both ways, and hanging up closes everything', async ({
    lab,
    openApp,
  }) => {
    const { app, incoming } = await ringingCall(openApp, lab);
    // An impatient double click: the card stays as it is until the 200 OK has left, and its second
    // click must not answer again (SIP.js refuses a second accept, which failed the call with it).
    await incoming.getByRole('button', { name: 'Answer' }).dblclick();
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    const { after } = await app.expectAudioFlowing();
    expect(after.peerConnections, 'the prepared connection is the call').toBe(1);
    expect(await capturedTracks(app)).toBe(1);

    await app.button('Hang up').click();
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect.poll(() => leftOpen(app)).toEqual({ connections: [], liveTracks: [] });
    const heard = await lab.legacy.receivedAudio();
    expect(heard.rms, 'the desk phone heard us').toBeGreaterThan(0.01);
  });
});
