import { join } from 'node:path';
import type { AppPage } from '../e2e/app-page';
import { expect, test } from '../e2e/fixtures';
import { registeredApp } from '../e2e/scenarios';

/**
 * The README's screenshots, from the real app against the lab at 380 px wide (MicroSIP's and Bria's
 * compact size): the first-run assistant, the phone, a call in progress, an incoming call. Run with `npm run screenshots` and
 * look at the files before committing them.
 */
const DOCS = join(import.meta.dirname, '../../docs');
const COMPACT = { width: 380, height: 760 };

async function addContact(app: AppPage, name: string, number: string): Promise<void> {
  await app.show('Contacts');
  await app.button('Add contact').click();
  const form = app.page.getByRole('form', { name: 'Add contact' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Number or SIP address', { exact: true }).fill(number);
  await form.getByLabel('Favourite', { exact: true }).check();
  await form.getByRole('button', { name: 'Save contact' }).click();
  await expect(form).toBeHidden();
}

async function shoot(app: AppPage, name: string): Promise<void> {
  // The clock and the quality indicator settle; the text cursor would blink into the picture.
  await app.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await app.page.screenshot({ path: join(DOCS, name), fullPage: true, animations: 'disabled' });
}

test('assistant, phone, in call and incoming call at 380 px', async ({ lab, openApp }) => {
  const alice = await openApp('/', { viewport: COMPACT });
  await expect(alice.assistant()).toBeVisible();
  await shoot(alice, 'screenshot-assistant.png');
  await alice.addAccount(lab.users.alice, lab.wssUrl);
  await alice.expectRegistered();
  await addContact(alice, 'Front desk', lab.users.legacy.user);
  await addContact(alice, lab.users.bob.displayName, lab.users.bob.user);

  // A little history: a call to the front desk, and one from it that was missed.
  await alice.dial(lab.users.legacy.user);
  await expect(alice.callState()).toHaveText('In call');
  await alice.page.waitForTimeout(2500);
  await alice.button('Hang up').click();
  await lab.legacy.waitForEvent('CALL_CLOSED');
  await lab.legacy.dial(lab.users.alice.aor);
  await expect(alice.incomingCall()).toBeVisible();
  await lab.legacy.hangup();
  await expect(alice.incomingCall()).toHaveCount(0);
  await expect(alice.endedCall()).toHaveCount(0, { timeout: 15_000 });
  await alice.show('Phone');
  await shoot(alice, 'screenshot-phone.png');

  await alice.dial(lab.users.legacy.user);
  await expect(alice.callState()).toHaveText('In call');
  await alice.expectAudioFlowing();
  await expect(alice.callCard()).toContainText(/Call quality: (Good|Fair|Poor)/);
  await expect(alice.callCard().locator('time')).toHaveText('00:05', { timeout: 10_000 });
  await shoot(alice, 'screenshot-call.png');
  await alice.button('Hang up').click();
  await lab.legacy.waitForEvent('CALL_CLOSED');
  await expect(alice.endedCall()).toHaveCount(0, { timeout: 15_000 });

  const bob = await registeredApp(openApp, lab, lab.users.bob);
  await bob.dial(lab.users.alice.user);
  await expect(alice.incomingCall(lab.users.bob.displayName)).toBeVisible();
  await shoot(alice, 'screenshot-incoming.png');
  await alice.incomingCall().getByRole('button', { name: 'Decline', exact: true }).click();
});
