import { findFreePort } from '../lab/ports';
import { directApp } from './direct-path';
import { expect, test } from './fixtures';

test('a wrong password is reported in words, the right one registers', async ({ lab, openApp }) => {
  const app = await openApp();
  const alice = lab.users.alice;

  await app.addAccount(alice, lab.wssUrl, 'not-the-password');
  await expect(app.registrationStatus()).toContainText('Wrong user name or password');
  await expect(app.registrationStatus()).toContainText(/\(40[13]\)/);

  await app.button('Edit account').click();
  await app.addAccount(alice, lab.wssUrl);
  await app.expectRegistered();
  await lab.waitForRegistered(alice.aor);
});

test('an unreachable server is reported, not left spinning', async ({ lab, openApp }) => {
  const app = await openApp();
  // Nothing listens on a port just found free.
  const port = await findFreePort('tcp');
  await app.addAccount(lab.users.alice, `wss://127.0.0.1:${port}/`);
  await expect(app.registrationStatus()).toContainText('Cannot reach the server');
  // The browser build cannot pin a certificate and says so, naming the server to check.
  const note = app.page
    .getByRole('note')
    .filter({ hasText: 'the browser decides which server certificates to trust' });
  await expect(note).toContainText(`https://127.0.0.1:${port}/`);
});

test('invalid account fields are refused with a clear message', async ({ openApp }) => {
  const app = await openApp();
  const form = await app.accountForm();
  await form.getByLabel('SIP address').fill('alice');
  await form.getByLabel('WebSocket server').fill('http://example.com');
  await form.getByRole('button', { name: 'Save and register' }).click();
  await expect(form.getByText('Enter a SIP address like sip:1001@pbx.example.com.')).toBeVisible();
  await expect(
    form.getByText('The address must start with wss:// (encrypted); ws:// and other schemes are refused.'),
  ).toBeVisible();
  await expect(form.getByText('Enter the password for this account.')).toBeVisible();

  await form.getByLabel('WebSocket server').fill('wss://pbx.example.com:70000/ws');
  await expect(form.getByText('The port must be a number from 1 to 65535.')).toBeVisible();
  await form.getByLabel('WebSocket server').fill('wss://alice:secret@pbx.example.com/ws');
  await expect(form.getByText('Leave user name and password out of the URL')).toBeVisible();
  // Chromium refuses these ports outright (ERR_UNSAFE_PORT): said at once, never tried.
  await form.getByLabel('WebSocket server').fill('wss://pbx.example.com:5060');
  await expect(
    form.getByText(
      'Browsers refuse WebSocket connections to port 5060 (ports 5060 and 5061 are for SIP over UDP',
    ),
  ).toBeVisible();
  await form.getByLabel('Display name').fill('x'.repeat(257));
  await expect(form.getByText('At most 256 characters.')).toBeVisible();
});

test('Settings → Accounts adds a second account, and Remove unregisters and forgets one', async ({
  lab,
  openApp,
}) => {
  const { alice, bob } = lab.users;
  const app = await openApp();
  await app.addAccount(alice, lab.wssUrl);
  await app.expectRegistered();

  await app.show('Settings');
  const accounts = app.page.getByRole('region', { name: 'Accounts' });
  await accounts.getByRole('button', { name: 'Add account' }).click();
  await app.addAccount(bob, lab.wssUrl);
  await expect(
    accounts.getByRole('region', { name: `Registration status for ${bob.displayName}` }),
  ).toContainText('Registered');
  await lab.waitForRegistered(bob.aor);
  await lab.waitForRegistered(alice.aor);

  await accounts.getByRole('button', { name: `Remove account ${alice.displayName}` }).click();
  const removedAt = Date.now();
  await accounts.getByRole('button', { name: `Remove ${alice.displayName} and its saved password` }).click();
  await expect(accounts.getByRole('region', { name: /^Registration status for / })).toHaveCount(1);
  await expect(accounts).not.toContainText(alice.displayName);
  // Its registration is withdrawn (a REGISTER with expires 0; the lab is shared with earlier tests'
  // copies of Alice, so the registrar's table alone cannot tell); Bob stays registered.
  await lab.waitForSipRequest('REGISTER', { from: alice.user, since: removedAt });
  expect(await lab.registeredAors()).toContain(bob.aor);

  // The phone follows: one account left, no form, Bob's status.
  await app.show('Phone');
  await expect(app.registrationStatus()).toHaveText('Registered');
  await expect(app.page.getByRole('form', { name: 'Add account' })).toHaveCount(0);
});

test('closing the page withdraws its registration, over WSS and over UDP', async ({
  lab,
  openApp,
  openGatewayApp,
}) => {
  // A client that is gone must not stay registered: calls would ring into nothing until it expired.
  const { carol, bob } = lab.users;
  await lab.forgetRegistrations(carol.aor);
  const overWss = await openApp();
  await overWss.addAccount(carol, lab.wssUrl);
  await overWss.expectRegistered();
  await lab.waitForRegistered(carol.aor);
  expect(await lab.registeredContacts(carol.aor)).toHaveLength(1);

  const overUdp = await directApp(openGatewayApp, lab, bob);
  expect(await lab.registeredContacts(bob.aor)).toHaveLength(1);

  for (const [app, user] of [
    [overWss, carol],
    [overUdp, bob],
  ] as const) {
    const closedAt = Date.now();
    await app.page.close();
    await lab.waitForSipRequest('REGISTER', { from: user.user, since: closedAt });
    await expect.poll(() => lab.registeredContacts(user.aor), { message: user.aor }).toEqual([]);
  }
});
