import { expect } from '@playwright/test';
import type { Lab, LabUser } from '../lab/lab';
import type { AppPage } from './app-page';
import { settledEnergy } from './call-audio';

/** Opens a copy of the app (optionally at a path such as `/?dial=…`) registered as `user`. */
export async function registeredApp(
  openApp: (path?: string) => Promise<AppPage>,
  lab: Lab,
  user: LabUser,
  path?: string,
): Promise<AppPage> {
  const app = await openApp(path);
  await app.addAccount(user, lab.wssUrl);
  await app.expectRegistered();
  return app;
}

/** The app calls the lab's desk phone, which answers: the call is up and sound is arriving. */
export async function callDeskPhone(app: AppPage, lab: Lab): Promise<void> {
  await app.dial(lab.users.legacy.user);
  await expect(app.callState()).toContainText('In call');
  await lab.legacy.waitForEvent('CALL_ESTABLISHED');
  await app.expectAudioFlowing();
}

/** In the app's call with the desk phone: Transfer, the target, Transfer now (a blind transfer, REFER). */
export async function blindTransfer(app: AppPage, lab: Lab, target: string): Promise<void> {
  await app.button('Transfer').click();
  const panel = app.callCard().getByRole('region', { name: `Transfer ${lab.users.legacy.user}` });
  await panel.getByLabel('Transfer to').fill(target);
  // The desk phone calls the target at once: its recording of that call must not share the first's.
  await lab.legacy.nextRecordingApart();
  await panel.getByRole('button', { name: 'Transfer now' }).click();
}

/**
 * A local conference, the steps shared by the WebSocket and direct-path specs. Alice has a call with
 * Bob (on line 1, `bobLine`) and one with the desk phone in front; she merges them and hears both;
 * muted, whatever Bob and the desk phone hear comes from each other; split holds Bob; merged again,
 * hanging up the desk phone leaves the call with Bob, still muted until she unmutes.
 */
export async function mergeSplitAndHangUpOne(
  lab: Lab,
  alice: AppPage,
  bob: AppPage,
  bobLine: string,
): Promise<void> {
  await alice.button('Merge calls').click();
  await expect(alice.callCard()).toContainText('In conference');
  await expect(alice.lineList().getByText('On hold')).toHaveCount(0);
  // Alice hears both at once.
  await alice.expectAudioFlowing();
  const energy = await alice.inboundEnergyPerConnection();
  expect(
    energy.every((e) => e > 0.001),
    `both legs heard: ${energy}`,
  ).toBe(true);

  // With Alice's microphone muted (on every leg, proven above), whatever Bob and the desk phone hear
  // comes from the other one: Bob hears the desk phone's 440 Hz, the desk phone Bob's 660 Hz.
  await alice.button('Mute').click();
  const mutedFrom = (await lab.legacy.receivedAudio()).seconds + 1;
  expect((await bob.inboundEnergyOver(2000)).energy, 'Bob hears the desk phone').toBeGreaterThan(0.001);
  await expect
    .poll(async () => (await lab.legacy.receivedAudio()).seconds, { message: 'the desk phone records on' })
    .toBeGreaterThan(mutedFrom + 1);
  const splitAt = (await lab.legacy.receivedAudio()).seconds;

  // Split: the line in front (the desk phone) stays, Bob is held.
  await alice.button('Split conference').click();
  await expect(alice.callCard()).not.toContainText('In conference');
  await expect(alice.lineList().getByRole('button', { name: `Switch to line 1: ${bobLine}` })).toContainText(
    'On hold',
  );
  const [, withDesk] = await settledEnergy(alice, [0]);
  expect(withDesk, 'desk phone still heard after split').toBeGreaterThan(0.001);

  // Merge again and hang up one leg: the other call goes on by itself.
  await alice.button('Merge calls').click();
  await expect(alice.callCard()).toContainText('In conference');
  await alice.button('Hang up').click();
  await lab.legacy.waitForEvent('CALL_CLOSED');
  await expect(alice.callCard()).toHaveCount(1);
  await expect(alice.callCard()).not.toContainText('In conference');
  await alice.expectAudioFlowing();
  await expect(alice.callCard()).toContainText('Microphone muted');
  await alice.button('Unmute').click();
  await bob.expectAudioFlowing();

  const deskHeard = await lab.legacy.receivedAudio(mutedFrom, splitAt);
  expect(deskHeard.seconds, 'recorded while in conference').toBeGreaterThan(0.5);
  expect(deskHeard.rms, 'the desk phone hears Bob').toBeGreaterThan(0.01);
  expect(Math.abs(deskHeard.estimatedHz - 660), `desk phone heard ${deskHeard.estimatedHz} Hz`).toBeLessThan(
    40,
  );
}

/**
 * Closing the colleague's app (pagehide) withdraws its published status in that same turn (PUBLISH
 * with Expires: 0, RFC 3903 §4.5): the presence server NOTIFYs the watcher, whose key shows no status
 * any more, and the next test in this worker's lab does not see it. Shared by the WebSocket and
 * direct-path specs.
 */
export async function closingTheAppWithdrawsItsStatus(
  lab: Lab,
  watcher: { app: AppPage; user: LabUser },
  colleague: { app: AppPage; user: LabUser },
  transport: string,
): Promise<void> {
  const key = watcher.app.blfKey(watcher.user.displayName, colleague.user);
  const closedAt = Date.now();
  await colleague.app.page.close();
  await expect(key).toHaveAccessibleName(`Call ${colleague.user.user}, Idle`);
  const removal = await lab.waitForSipRequest('PUBLISH', { from: colleague.user.user, since: closedAt });
  expect(removal).toMatchObject({ event: 'presence', expires: '0', transport });
}

/**
 * Closing a watcher's app ends its subscriptions in that same turn (SUBSCRIBE with Expires: 0, RFC
 * 6665 §4.1.2.3) to its watched line's dialogs and presence and to its own mailbox, each within the
 * dialog of a subscription the server had accepted.
 */
export async function closingTheAppEndsItsSubscriptions(
  lab: Lab,
  watcher: { app: AppPage; user: LabUser },
  transport: string,
): Promise<void> {
  const subscribed = new Set(
    (await lab.sipRequests({ method: 'SUBSCRIBE', from: watcher.user.user })).map(
      (request) => request.callId,
    ),
  );
  const leftAt = Date.now();
  await watcher.app.page.close();
  const ended = async () =>
    (await lab.sipRequests({ method: 'SUBSCRIBE', from: watcher.user.user, since: leftAt })).filter(
      (request) => request.expires === '0',
    );
  await expect
    .poll(async () => (await ended()).map((request) => request.event).sort(), {
      message: `un-SUBSCRIBEs from ${watcher.user.user}`,
    })
    .toEqual(['dialog', 'message-summary', 'presence']);
  for (const request of await ended()) {
    expect(request.transport).toBe(transport);
    expect(subscribed.has(request.callId), `${request.event} ends a subscription it had`).toBe(true);
  }
}

/**
 * Directed pickup from a BLF key (RFC 4235 dialog info, RFC 3891 Replaces): the caller rings the
 * colleague, the watcher clicks "Pick up", and the caller's app answers the watcher and cancels the
 * ringing one. Shared by the WebSocket and direct-path specs.
 */
export async function pickUpFromBlfKey(
  lab: Lab,
  watcher: AppPage,
  colleague: { app: AppPage; user: LabUser },
  caller: { app: AppPage; user: LabUser },
): Promise<void> {
  const since = Date.now();
  await caller.app.dial(colleague.user.user);
  await expect(colleague.app.incomingCall(caller.user.displayName)).toBeVisible();
  await watcher.page
    .getByRole('button', { name: `Pick up the call ringing at ${colleague.user.user}` })
    .click();

  await expect(watcher.callState()).toContainText('In call');
  await expect(caller.app.callState()).toContainText('In call');
  // The colleague's phone stops ringing: the caller cancelled the replaced early dialog.
  await expect(colleague.app.incomingCall(caller.user.displayName)).toBeHidden();
  await lab.waitForSipRequest('CANCEL', { from: caller.user.user, to: colleague.user.user, since });
  await watcher.expectAudioFlowing();
  await caller.app.expectAudioFlowing();
}
