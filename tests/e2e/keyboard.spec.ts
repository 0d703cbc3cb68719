import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';
import type { AppPage } from './app-page';

/** Takes the focus off any control, as a click on an empty part of the window does. */
async function focusNothing(app: AppPage): Promise<void> {
  await app.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

test.describe('the keyboard', () => {
  test('typing anywhere dials, Enter calls, digits in a call are tones, Escape hangs up', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    const dialField = app.page.getByLabel('Number or SIP address');

    // From another view, with nothing focused: the phone opens with the typed number.
    await app.show('Contacts');
    await focusNothing(app);
    await app.page.keyboard.type(lab.users.legacy.user);
    await expect(
      app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Phone' }),
    ).toHaveAttribute('aria-current', 'page');
    await expect(dialField).toHaveValue(lab.users.legacy.user);
    await expect(dialField).toBeFocused();

    await focusNothing(app);
    await app.page.keyboard.press('Enter');
    await expect(app.callState()).toHaveText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();

    // During the call, digits typed outside a field go to the call as RFC 4733 tones.
    await focusNothing(app);
    await app.page.keyboard.type('12#');
    await expect.poll(() => lab.legacy.receivedDigits()).toBe('12#');
    await expect(dialField).toHaveValue(lab.users.legacy.user);

    await app.page.keyboard.press('Escape');
    await lab.legacy.waitForEvent('CALL_CLOSED');
    await expect(app.endedCall().getByRole('status')).toHaveText('You hung up');
    await expect(app.callCard()).toHaveCount(0);

    // With no call, Escape in the number field clears it.
    await dialField.press('Escape');
    await expect(dialField).toHaveValue('');
  });

  test('Escape declines a ringing call (603), and typing in a text field stays in the field', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    await app.show('Contacts');
    const search = app.page.getByLabel('Search contacts');
    await search.fill('');
    await search.pressSequentially('12');
    await expect(search).toHaveValue('12');
    await app.show('Phone');
    await expect(app.page.getByLabel('Number or SIP address')).toHaveValue('');

    await lab.legacy.dial(lab.users.alice.aor);
    await expect(app.incomingCall(lab.users.legacy.displayName)).toBeVisible();
    await focusNothing(app);
    await app.page.keyboard.press('Escape');
    const closed = await lab.legacy.waitForEvent('CALL_CLOSED');
    expect(closed.param).toMatch(/603/);
    await expect(app.lastCall()).toContainText('Incoming · You declined the call');
  });

  test('the shortcuts are listed in the app: from the header button or with ?', async ({ lab, openApp }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    const help = app.page.getByRole('dialog', { name: 'Keyboard shortcuts' });

    await app.button('Keyboard shortcuts').click();
    await expect(help).toBeVisible();
    await expect(help).toContainText('Decline the ringing call, or hang up the call in front');
    await expect(help).toContainText('Send them to the call as tones (DTMF)');
    await help.getByRole('button', { name: 'Close' }).click();
    await expect(help).toBeHidden();

    await focusNothing(app);
    await app.page.keyboard.press('?');
    await expect(help).toBeVisible();
    // The dialog keeps its keys: Escape closes it and types nothing into the number field.
    await app.page.keyboard.press('Escape');
    await expect(help).toBeHidden();
    await expect(app.page.getByLabel('Number or SIP address')).toHaveValue('');
  });
});
