import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';
import type { AppPage } from './app-page';
import { sendSipMessage } from '../lab/sip-message-sender';
import { conversations, openConversation, thread, threadMessage, typeAndSend } from './conversation';

/** Adds a contact with one number through the contact form; `favourite` ticks the box. */
async function addContact(app: AppPage, name: string, number: string, favourite = false): Promise<void> {
  await app.button('Contacts').click();
  await app.button('Add contact').click();
  const form = app.page.getByRole('form', { name: 'Add contact' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Number or SIP address').fill(number);
  if (favourite) await form.getByLabel('Favourite').check();
  await form.getByRole('button', { name: 'Save contact' }).click();
  await expect(app.page.getByRole('region', { name: 'Contacts' })).toContainText(name);
}

test.describe('text messages (SIP MESSAGE) and contacts on the phone view', () => {
  test('two apps chat both ways: delivered on the sender, unread badge on the receiver, cleared when read', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);

    await openConversation(alice, lab.users.bob.user);
    const sentAt = Date.now();
    await typeAndSend(alice, 'Lunch at 12? 你好 🙂');
    const sent = threadMessage(alice, 'Lunch at 12?');
    await expect(sent).toContainText('Delivered');
    await lab.waitForSipRequest('MESSAGE', {
      from: lab.users.alice.user,
      to: lab.users.bob.user,
      since: sentAt,
    });

    // Bob is on the phone view: the Messages tab counts the unread text.
    await expect(bob.button('Messages 1 unread')).toBeVisible();
    await bob.button('Messages 1 unread').click();
    const fromAlice = conversations(bob).getByRole('button', { name: /^Alice 1 unread/ });
    await expect(fromAlice).toContainText('Lunch at 12? 你好 🙂');
    await fromAlice.click();
    await expect(threadMessage(bob, 'Lunch at 12? 你好 🙂')).toBeVisible();
    await expect(bob.page.getByRole('navigation', { name: 'Main' })).not.toContainText('unread');

    // Bob answers with Enter; Alice has the conversation open, so it is read at once.
    await typeAndSend(bob, 'Yes, see you there');
    await expect(threadMessage(bob, 'Yes, see you there')).toContainText('Delivered');
    await expect(threadMessage(alice, 'Yes, see you there')).toBeVisible();
    await expect(alice.page.getByRole('navigation', { name: 'Main' })).not.toContainText('unread');
  });

  test('after a reload nothing is lost or doubled: delivered state and unread count are kept', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const bob = await registeredApp(openApp, lab, lab.users.bob);
    await openConversation(alice, lab.users.bob.user);
    await typeAndSend(alice, 'Kept after reload');
    await expect(threadMessage(alice, 'Kept after reload')).toContainText('Delivered');
    await expect(bob.button('Messages 1 unread')).toBeVisible();

    // The browser build keeps passwords for the page's life only, so after a reload both are offline:
    // what is shown comes from storage alone.
    await Promise.all([alice.page.reload(), bob.page.reload()]);

    await alice.button(/^Messages/).click();
    await conversations(alice)
      .getByRole('button', { name: /^1002@127\.0\.0\.1 / })
      .click();
    await expect(thread(alice).getByRole('listitem')).toHaveCount(1);
    await expect(threadMessage(alice, 'Kept after reload')).toContainText('Delivered');

    await bob.button('Messages 1 unread').click();
    await conversations(bob)
      .getByRole('button', { name: /^Alice 1 unread/ })
      .click();
    await expect(thread(bob).getByRole('listitem')).toHaveCount(1);
    await expect(threadMessage(bob, 'Kept after reload')).toBeVisible();
    await expect(bob.page.getByRole('navigation', { name: 'Main' })).not.toContainText('unread');
  });

  test('a text to a user with no phone registered fails with the reason', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await openConversation(alice, lab.users.carol.user);
    await typeAndSend(alice, 'Are you there?');
    await expect(threadMessage(alice, 'Are you there?')).toContainText('Not delivered: not reachable (480)');
    // An empty text is refused in the compose box; nothing is sent or stored.
    const box = alice.page.getByRole('textbox', { name: /^Message to / });
    await box.fill('   ');
    await box.press('Enter');
    await expect(alice.page.getByRole('alert')).toHaveText('Type a message first.');
    await expect(thread(alice).getByRole('listitem')).toHaveCount(1);
  });

  test('other content types are refused with 415; empty and oversized texts are kept safely', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    const send = (contentType: string, body: string) =>
      sendSipMessage({
        proxyPort: lab.udpPort,
        from: lab.users.legacy2,
        to: lab.users.alice.aor,
        contentType,
        body,
      });

    const html = await send('text/html', '<b>hi</b>');
    expect(html.status).toBe(415);
    expect(html.headers.some((h) => /^accept:\s*text\/plain$/i.test(h))).toBe(true);
    expect((await send('text/plain;charset=UTF-8', '')).status).toBe(200);
    expect((await send('text/plain', 'y'.repeat(20_000))).status).toBe(200);

    await alice.button('Messages 2 unread').click();
    await conversations(alice)
      .getByRole('button', { name: /^1011@127\.0\.0\.1 2 unread/ })
      .click();
    const messages = thread(alice).getByRole('listitem');
    await expect(messages).toHaveCount(2);
    await expect(messages.nth(0)).toContainText('(empty message)');
    await expect(messages.nth(1)).toContainText('3616 more characters were not kept');
  });

  test('the favourites strip calls a favourite contact with one click', async ({ lab, openApp }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await addContact(alice, 'Front Desk', lab.users.legacy.user, true);
    await alice.button('Phone').click();
    const strip = alice.page.getByRole('navigation', { name: 'Favourites' });
    await strip.getByRole('button', { name: 'Call Front Desk' }).click();
    await expect(alice.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await alice.expectAudioFlowing();
    await alice.button('Hang up').click();
    await expect(alice.callCard()).toHaveCount(0);
  });

  test('an incoming call from a saved number shows the contact name (view and notification)', async ({
    lab,
    openApp,
  }) => {
    const alice = await registeredApp(openApp, lab, lab.users.alice);
    await addContact(alice, 'Front Desk', lab.users.legacy.user);
    await alice.button('Phone').click();
    await lab.legacy.dial(lab.users.alice.aor);
    const ringing = alice.incomingCall('Front Desk');
    await expect(ringing).toBeVisible();
    await expect(ringing).toContainText(lab.users.legacy.user);
    await expect.poll(async () => (await alice.notifications()).map((n) => n.title)).toContain('Front Desk');
    await ringing.getByRole('button', { name: 'Decline' }).click();
    await expect(ringing).toHaveCount(0);
  });
});
