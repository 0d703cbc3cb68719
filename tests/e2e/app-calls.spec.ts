import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';

test.describe('calls between two copies of the app (WebRTC <-> WebRTC over WSS)', () => {
  test('A calls B, B answers, audio flows both ways, B hangs up', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);

    await alice.dial(lab.users.bob.user);
    await expect(alice.callState()).toContainText(/Ringing/);
    const incoming = bob.incomingCall(lab.users.alice.displayName);
    await expect(incoming).toBeVisible();
    await incoming.getByRole('button', { name: 'Answer' }).click();

    await expect(alice.callState()).toContainText('In call');
    await expect(bob.callState()).toContainText('In call');
    await alice.expectAudioFlowing();
    await bob.expectAudioFlowing();

    await bob.button('Hang up').click();
    await expect(alice.callCard()).toHaveCount(0);
    await expect(bob.callCard()).toHaveCount(0);
    // Each card says how the call ended (announced), then the call is in recent calls.
    await expect(alice.endedCall().getByRole('status')).toHaveText('The other party hung up');
    await expect(bob.endedCall().getByRole('status')).toHaveText('You hung up');
    await expect(alice.lastCall()).toContainText('Outgoing · Answered');
    await expect(bob.lastCall()).toContainText('Incoming · Answered');
  });

  test('a declined call shows Declined (603); an unknown user shows Not found (404)', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);

    await alice.dial(lab.users.bob.user);
    await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Decline' }).click();
    await expect(alice.lastCall()).toContainText('Outgoing · Declined (603)');
    await expect(bob.lastCall()).toContainText('Incoming · You declined the call');

    await alice.dial('1999');
    await expect(alice.lastCall()).toContainText('Outgoing · Not found (404)');
  });
});
