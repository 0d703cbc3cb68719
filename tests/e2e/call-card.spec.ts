import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';

test.describe('the call card, as a person follows the call', () => {
  test('one announced status says the whole state, hold included; the ended call says how, then moves to recent calls', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);

    await alice.dial(lab.users.bob.user);
    await expect(alice.callState()).toHaveText(/^(Calling…|Ringing…)$/);
    // The status is one live region for the whole call: every change below is announced from it.
    const status = await alice.callState().elementHandle();
    await bob.incomingCall(lab.users.alice.displayName).getByRole('button', { name: 'Answer' }).click();
    await expect(alice.callState()).toHaveText('In call');
    // The timer is beside the status, not in it: a ticking clock must not be announced every second.
    await expect(alice.callCard().locator('time')).toHaveText(/^\d\d:\d\d$/);
    await alice.expectAudioFlowing();

    await alice.button('Hold').click();
    await expect(alice.callState()).toHaveText('On hold');
    await expect(bob.callState()).toHaveText('Held by Alice');
    await bob.button('Hold').click();
    await expect(bob.callState()).toHaveText('On hold, and held by Alice');
    await expect(alice.callState()).toHaveText(`On hold, and held by ${lab.users.bob.user}`);
    await alice.button('Resume').click();
    await expect(alice.callState()).toHaveText(`Held by ${lab.users.bob.user}`);
    await bob.button('Resume').click();
    await expect(alice.callState()).toHaveText('In call');
    await expect(bob.callState()).toHaveText('In call');
    await alice.expectAudioFlowing();

    await alice.button('Hang up').click();
    const ended = alice.endedCall();
    await expect(ended.getByRole('status')).toHaveText('You hung up');
    await expect(bob.endedCall().getByRole('status')).toHaveText('The other party hung up');
    expect(
      await status?.evaluate((element) => element.isConnected && element.textContent),
      'the same status element',
    ).toBe('You hung up');
    await expect(ended).toContainText(/Duration \d\d:\d\d/);
    await expect(alice.lastCall()).toContainText('Outgoing · Answered');

    // After a moment the card goes; the call stays in recent calls.
    // (ENDED_CARD_MS, 6 s, in renderer/src/stores/calls.ts)
    await expect(ended).toHaveCount(0, { timeout: 15_000 });
    await expect(alice.lastCall()).toContainText(lab.users.bob.user);
  });

  test('hanging up while it rings out says Ending… until the far end confirms the CANCEL', async ({
    lab,
    openApp,
  }) => {
    const desk = await lab.startLegacyPhone(lab.users.legacy2, { answerMode: 'manual' });
    try {
      const app = await registeredApp(openApp, lab, lab.users.alice);
      await lab.waitForRegistered(lab.users.legacy2.aor);
      await app.dial(lab.users.legacy2.user);
      await desk.waitForEvent('CALL_INCOMING');
      await expect(app.callState()).toHaveText('Ringing…');
      // Every text the status shows, as the DOM changes: "Ending…" lasts only until the 487 arrives.
      await app.callState().evaluate((status) => {
        const seen: string[] = [];
        (window as Window & { __statusTexts?: string[] }).__statusTexts = seen;
        new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      await app.button('Hang up').click();
      await expect(app.endedCall().getByRole('status')).toHaveText('Cancelled');
      const seen = await app.page.evaluate(
        () => (window as Window & { __statusTexts?: string[] }).__statusTexts,
      );
      expect(seen).toEqual(['Ending…', 'Cancelled']);
      await desk.waitForEvent('CALL_CLOSED');
    } finally {
      await desk.stop();
    }
  });

  test('a call that only rang says how it ended too, and the dial field is ready again', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await lab.legacy.dial(lab.users.alice.aor);
    await expect(alice.incomingCall(lab.users.legacy.displayName)).toBeVisible();
    await lab.legacy.hangup();
    await expect(alice.incomingCall()).toHaveCount(0);
    await expect(alice.endedCall().getByRole('status')).toHaveText('Cancelled');
    await expect(alice.lastCall()).toContainText('Incoming · Missed');
    await expect(alice.button('Call')).toBeEnabled();
  });
});
