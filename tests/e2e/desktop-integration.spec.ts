import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';

test.describe('links, notifications and the answering policy (web host)', () => {
  test('an opened tel: link waits for registration, asks, then dials the desk phone', async ({
    lab,
    openApp,
  }) => {
    const app = await openApp(`/?dial=${encodeURIComponent(`tel:${lab.users.legacy.user}`)}`);
    await app.addAccount(lab.users.alice, lab.wssUrl);
    await app.expectRegistered();

    const prompt = app.page.getByRole('dialog', { name: 'Call this number?' });
    await expect(prompt).toContainText(lab.users.legacy.user);
    await prompt.getByRole('button', { name: 'Call' }).click();

    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();
    await app.button('Hang up').click();
    await expect(app.callCard()).toHaveCount(0);
  });

  test('a malicious link is refused with the reason and never dialled', async ({ lab, openApp }) => {
    const app = await openApp(
      `/?dial=${encodeURIComponent('sip:1010@127.0.0.1?Route=%3Csip:evil.example%3E')}`,
    );
    await app.addAccount(lab.users.alice, lab.wssUrl);
    await app.expectRegistered();
    const alert = app.page.getByRole('alert', { name: /Ringline did not dial the link/ });
    await expect(alert).toContainText('The link tries to add SIP headers or routing parameters to the call');
    await expect(app.page.getByRole('dialog')).toHaveCount(0);
    await expect(app.callCard()).toHaveCount(0);
  });

  test('an incoming call shows a notification; clicking it leads to answering', async ({ lab, openApp }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    await app.button('Settings').click();

    await lab.legacy.dial(lab.users.alice.aor);
    const title = lab.users.legacy.displayName;
    await expect.poll(async () => (await app.notifications()).map((n) => n.title)).toContain(title);
    expect((await app.notifications()).find((n) => n.title === title)?.body).toBe(lab.users.legacy.user);

    await app.clickNotification(title);
    await expect(app.button('Phone')).toHaveAttribute('aria-current', 'page');
    await app.incomingCall(title).getByRole('button', { name: 'Answer' }).click();
    await expect(app.callState()).toContainText('In call');
    await app.expectAudioFlowing();
    // Answered here: the call notification goes away.
    await expect
      .poll(async () => (await app.notifications()).find((n) => n.title === title)?.closed)
      .toBe(true);

    await lab.legacy.hangup();
    await expect(app.callCard()).toHaveCount(0);
  });

  test('a call that stops ringing is missed: notified, badged, listed until seen', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);

    await lab.legacy.dial(lab.users.alice.aor);
    await expect(app.incomingCall(lab.users.legacy.displayName)).toBeVisible();
    await lab.legacy.hangup();
    await expect(app.incomingCall()).toHaveCount(0);

    await expect(app.button(/Recent calls/)).toContainText('1 missed');
    await expect.poll(async () => (await app.notifications()).filter((n) => !n.closed).length).toBe(1);
    await app.clickNotification(lab.users.legacy.displayName);

    const history = app.page.getByRole('region', { name: 'Recent calls' });
    const entry = history.getByRole('listitem').filter({ hasText: lab.users.legacy.displayName }).first();
    await expect(entry).toContainText('Incoming · Missed');
    await expect(app.button(/Recent calls/)).not.toContainText('missed');
  });

  test('do not disturb refuses calls as busy (486) and records them', async ({ lab, openApp }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    await app.page.getByRole('checkbox', { name: 'Do not disturb' }).check();

    await lab.legacy.dial(lab.users.alice.aor);
    await lab.legacy.waitForEvent('CALL_CLOSED');
    const closed = lab.legacy
      .events()
      .filter((e) => e.type === 'CALL_CLOSED')
      .at(-1);
    expect(JSON.stringify(closed)).toContain('486');
    await expect(app.incomingCall()).toHaveCount(0);
    expect((await app.notifications()).length).toBe(0);

    await app.button(/Recent calls/).click();
    await expect(
      app.page
        .getByRole('region', { name: 'Recent calls' })
        .getByRole('listitem')
        .filter({ hasText: 'Incoming' })
        .first(),
    ).toContainText('Missed');
  });

  test('do not disturb in silent mode lets the call ring out without ringing or notifying', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    await app.button('Settings').click();
    await app.page
      .getByLabel('While do not disturb is on')
      .selectOption({ label: 'Let calls ring silently (voicemail)' });
    await app.page.getByRole('checkbox', { name: 'Do not disturb' }).check();
    await app.button('Phone').click();

    await lab.legacy.dial(lab.users.alice.aor);
    // Still visible in the app (the user may pick it up), but nothing rings and nothing pops up.
    await expect(app.incomingCall(lab.users.legacy.displayName)).toBeVisible();
    expect(await app.notifications()).toEqual([]);
    await lab.legacy.hangup();
    await expect(app.incomingCall()).toHaveCount(0);
    expect(await app.notifications()).toEqual([]);
    await expect(app.button(/Recent calls/)).toContainText('1 missed');
  });
});
