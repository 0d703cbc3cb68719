import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createLabCertificate } from '../lab/certificate';
import type { Lab } from '../lab/lab';
import { findFreePort } from '../lab/ports';
import { startWsProxy, type WsProxy } from '../lab/ws-proxy';
import { expect, test as base } from './fixtures';
import { registeredApp } from './scenarios';

/**
 * First run against the real lab. Servers do not publish where their SIP WebSocket is, so the lab
 * serves it as real ones do, on ports of their own choosing: a FreeSWITCH-like front door on 7443 (any
 * path) and one on the usual alternative HTTPS port 8443, upgrading only on /ws, both relaying to
 * Kamailio. Nothing listens on 443 or 8089 in the test's loopback-only network namespace.
 *
 * The fixed ports are this spec's own: no other spec binds them, and its tests run one after another.
 */
const test = base.extend<{ frontDoors: { freeswitchLike: WsProxy; webFront: WsProxy } }>({
  frontDoors: async ({ lab }, use) => {
    const common = { upstreamUrl: lab.wssUrl, certPath: lab.certPath, keyPath: lab.keyPath };
    const freeswitchLike = await startWsProxy({ ...common, port: 7443 });
    try {
      const webFront = await startWsProxy({ ...common, port: 8443, path: '/ws' });
      try {
        await use({ freeswitchLike, webFront });
      } finally {
        await webFront.stop();
      }
    } finally {
      await freeswitchLike.stop();
    }
  },
});

/**
 * An Asterisk-like server (WebSocket on 8089, path /ws) whose certificate nobody trusts: a fresh
 * self-signed one, not the lab's, which the browser was told to trust. It relays to Kamailio, so
 * only the certificate stands in the way.
 */
async function untrustedAsterisk(lab: Lab): Promise<{ untrusted: WsProxy; fingerprint: string }> {
  const other = await createLabCertificate(await mkdtemp(join(lab.dir, 'untrusted-')));
  const untrusted = await startWsProxy({
    upstreamUrl: lab.wssUrl,
    certPath: other.certPath,
    keyPath: other.keyPath,
    upstreamCertPath: lab.certPath,
    port: 8089,
    path: '/ws',
  });
  return { untrusted, fingerprint: new X509Certificate(await readFile(other.certPath)).fingerprint256 };
}

const steps = (page: Page) => page.getByRole('region', { name: 'Connection steps' });
const registers = (door: WsProxy) =>
  door.clientFrames().filter((frame) => frame.text.startsWith('REGISTER '));

test('from empty storage, the assistant finds the lab among the usual addresses, registers, saves, and the phone opens', async ({
  lab,
  openApp,
  frontDoors,
}) => {
  const alice = lab.users.alice;
  const app = await openApp();
  const assistant = app.assistant();
  await assistant.getByLabel('SIP address').fill(alice.aor);
  await assistant.getByLabel('Password', { exact: true }).fill(alice.password);
  await assistant.getByLabel('Display name').fill(alice.displayName);
  const clicked = Date.now();
  await assistant.getByRole('button', { name: 'Find my server and sign in' }).click();

  await app.expectRegistered();
  // Printed, not asserted: timing belongs to the bench, and this machine is shared.
  console.log(`assistant: sign in -> registered in ${Date.now() - clicked} ms (5 addresses tried)`);
  await lab.waitForRegistered(alice.aor);
  await expect(assistant).toBeHidden();
  await expect(app.page.getByLabel('Number or SIP address')).toBeVisible();

  // Each step was shown in words as it happened (the live list a screen reader follows).
  const heard = await app.liveTexts();
  const said = (text: string | RegExp) => {
    const index = heard.findIndex((entry) => (typeof text === 'string' ? entry === text : text.test(entry)));
    expect(index, `"${String(text)}" among ${JSON.stringify(heard, null, 1)}`).toBeGreaterThanOrEqual(0);
    return index;
  };
  said('127.0.0.1 is an IP address: no DNS lookup needed.');
  said('wss://127.0.0.1/ws: connecting…');
  const first = said('wss://127.0.0.1/ws: No WebSocket connection (the browser does not say why).');
  said(/^wss:\/\/127\.0\.0\.1:8089\/ws: No WebSocket connection/);
  said(/^wss:\/\/127\.0\.0\.1: No WebSocket connection/);
  const registering = said('wss://127.0.0.1:7443: answered, registering…');
  const registered = said('wss://127.0.0.1:7443: registered');
  said('wss://127.0.0.1:8443/ws: answered');
  said('Registered through wss://127.0.0.1:7443.');
  expect(first).toBeLessThan(registering);
  expect(registering).toBeLessThan(registered);

  // The check registered through the FreeSWITCH-like door, and so did the saved account; the other
  // door only answered the WebSocket.
  expect(registers(frontDoors.freeswitchLike).length).toBeGreaterThanOrEqual(2);
  expect(registers(frontDoors.webFront)).toEqual([]);

  // The account page keeps what was found: the server in use, and the other address that answered.
  await app.button('Edit account').click();
  const form = await app.accountForm();
  await expect(form.getByLabel('WebSocket server')).toHaveValue('wss://127.0.0.1:7443');
  await expect(form.getByLabel('Authentication user')).toHaveValue('');
  await expect(form.getByRole('button', { name: 'Use wss://127.0.0.1:8443/ws' })).toBeVisible();
});

test('a wrong password stops at the server that refused it, in words, and nothing is saved', async ({
  lab,
  openApp,
  frontDoors,
}) => {
  const bob = lab.users.bob;
  const app = await openApp();
  const assistant = app.assistant();
  await assistant.getByLabel('SIP address').fill(bob.user + '@' + lab.domain);
  await assistant.getByLabel('Password', { exact: true }).fill('not-the-password');
  await assistant.getByRole('button', { name: 'Find my server and sign in' }).click();

  const alert = steps(app.page).getByRole('alert');
  await expect(alert).toContainText(
    /Stopped at wss:\/\/127\.0\.0\.1:7443: Wrong user name or password \(40[13]\)/,
  );
  await expect(alert).toContainText('Check the password');
  await expect(steps(app.page).getByRole('listitem')).toContainText([
    '127.0.0.1 is an IP address: no DNS lookup needed.',
    'wss://127.0.0.1/ws: No WebSocket connection',
    'wss://127.0.0.1:8089/ws: No WebSocket connection',
    'wss://127.0.0.1:7443: Wrong user name or password',
    'wss://127.0.0.1:8443/ws: not tried',
    'wss://127.0.0.1: No WebSocket connection',
  ]);
  // One challenge answered, then the refusal: the other address of the same server is not tried.
  expect(registers(frontDoors.freeswitchLike)).toHaveLength(2);
  expect(registers(frontDoors.webFront)).toEqual([]);
  await expect(assistant).toBeVisible();
  await expect(app.page.getByRole('region', { name: /Registration status/ })).toHaveCount(0);
});

test('in a browser without the gateway, an unknown domain and a certificate it does not trust end in words the browser can back', async ({
  lab,
  openApp,
}) => {
  const app = await openApp();
  const assistant = app.assistant();
  await assistant.getByLabel('SIP address').fill('1001@nowhere.invalid');
  await assistant.getByLabel('Password', { exact: true }).fill('secret');
  await assistant.getByRole('button', { name: 'Find my server and sign in' }).click();
  await expect(steps(app.page).getByRole('listitem').first()).toHaveText(
    'A browser cannot look up SIP servers in DNS: trying the usual WebSocket addresses of nowhere.invalid.',
  );
  await expect(steps(app.page).getByRole('alert')).toHaveText(
    'No server answered at the usual addresses of nowhere.invalid, and the browser does not say why: nothing listening, a firewall, or a certificate it does not trust. If your provider gave you a WebSocket address (wss://…), choose “Set up manually” and enter it.',
  );

  const { untrusted } = await untrustedAsterisk(lab);
  try {
    await assistant.getByLabel('SIP address').fill(lab.users.carol.aor);
    await assistant.getByRole('button', { name: 'Find my server and sign in' }).click();
    await expect(steps(app.page).getByRole('alert')).toHaveText(
      /^No server answered at the usual addresses of 127\.0\.0\.1, and the browser does not say why: .*a certificate it does not trust/,
    );
    await expect(steps(app.page).getByRole('listitem').nth(2)).toHaveText(
      'wss://127.0.0.1:8089/ws: No WebSocket connection (the browser does not say why).',
    );
    expect(untrusted.clientFrames(), 'no SIP crossed an untrusted connection').toEqual([]);
  } finally {
    await untrusted.stop();
  }
});

test('with the gateway (npm run web), a name DNS does not know stops at the lookup, in words', async ({
  lab,
  openGatewayApp,
}) => {
  const app = await openGatewayApp();
  const assistant = app.assistant();
  const domain = `nowhere.${lab.sipDomain}`;
  await assistant.getByLabel('SIP address').fill(`1001@${domain}`);
  await assistant.getByLabel('Password', { exact: true }).fill('secret');
  await assistant.getByRole('button', { name: 'Find my server and sign in' }).click();
  const alert = steps(app.page).getByRole('alert');
  await expect(alert).toHaveText(
    new RegExp(
      `^The name ${domain.replaceAll('.', '\\.')} was not found in DNS \\(.+\\)\\. Check the domain after the @`,
    ),
  );
  // Nothing else was tried: no address of a name that does not exist.
  await expect(steps(app.page).getByRole('listitem')).toHaveCount(1);
});

test('with the gateway, a certificate nobody trusts is named with its fingerprint, and what to do about it', async ({
  lab,
  openGatewayApp,
}) => {
  const { untrusted, fingerprint } = await untrustedAsterisk(lab);
  try {
    const app = await openGatewayApp();
    const assistant = app.assistant();
    await assistant.getByLabel('SIP address').fill(lab.users.carol.aor);
    await assistant.getByLabel('Password', { exact: true }).fill(lab.users.carol.password);
    await assistant.getByRole('button', { name: 'Find my server and sign in' }).click();
    const alert = steps(app.page).getByRole('alert');
    await expect(alert).toContainText(
      /^Stopped at wss:\/\/127\.0\.0\.1:8089\/ws: The server’s certificate is not trusted \(.+\)\./,
      { timeout: 40_000 },
    );
    await expect(alert.locator('code')).toHaveText(fingerprint);
    await expect(alert).toContainText(
      'open https://127.0.0.1:8089/ in this browser, accept the certificate there',
    );
    // The gateway's probe stopped at TLS: no SIP went to a server nobody trusts.
    expect(untrusted.clientFrames()).toEqual([]);
    await expect(assistant).toBeVisible();
  } finally {
    await untrusted.stop();
  }
});

test('with the gateway, a SIP address whose server speaks only UDP/TCP/TLS is found by DNS SRV and saved by its name', async ({
  lab,
  openGatewayApp,
}) => {
  const user = lab.users.bob;
  const aor = `sip:${user.user}@${lab.sipDomain}`;
  const app = await openGatewayApp();
  const assistant = app.assistant();
  await assistant.getByLabel('SIP address').fill(aor);
  await assistant.getByLabel('Password', { exact: true }).fill(user.password);
  await assistant.getByRole('button', { name: 'Find my server and sign in' }).click();
  await app.expectRegistered();
  await lab.waitForRegistered(aor);

  const heard = await app.liveTexts();
  expect(heard).toContain(`DNS names 3 ways to reach the SIP servers of ${lab.sipDomain}.`);
  // The lab's certificate names 127.0.0.1 and localhost, not the SRV target: TLS is refused, TCP registers.
  expect(
    heard.some((text) => text.startsWith(`TLS ${lab.sipDomain}: The server’s certificate is not trusted`)),
  ).toBe(true);
  expect(heard).toContain(`TCP ${lab.sipDomain}: registered`);

  await app.button('Edit account').click();
  const form = await app.accountForm();
  await expect(form.getByRole('combobox', { name: 'Connection', exact: true })).toHaveValue('tcp');
  // The domain, not the address DNS gave today: the gateway looks it up on every connection.
  await expect(form.getByRole('textbox', { name: 'SIP server', exact: true })).toHaveValue(lab.sipDomain);
});

test('the account page tests its connection and says where it stopped; a refused port is never tried', async ({
  lab,
  openApp,
}) => {
  const carol = lab.users.carol;
  const app = await registeredApp(openApp, lab, carol);
  await app.button('Edit account').click();
  const form = await app.accountForm();
  const before = (await lab.sipRequests({ method: 'REGISTER', from: carol.user })).length;

  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(steps(app.page).getByRole('status')).toHaveText(`Registered through ${lab.wssUrl}.`);
  expect((await lab.sipRequests({ method: 'REGISTER', from: carol.user })).length).toBeGreaterThan(before);

  const closed = `wss://127.0.0.1:${await findFreePort('tcp')}/ws`;
  await form.getByLabel('WebSocket server').fill(closed);
  await form.getByRole('button', { name: 'Test connection' }).click();
  const closedAlert = steps(app.page).getByRole('alert');
  await expect(closedAlert).toContainText(
    `Stopped at ${closed}: No WebSocket connection (the browser does not say why).`,
  );
  await expect(closedAlert).toContainText(
    'Nothing may be listening there, a firewall may be in the way, or the browser does not trust the server’s certificate',
  );

  await form.getByLabel('WebSocket server').fill('wss://127.0.0.1:5061/ws');
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByLabel('WebSocket server')).toHaveAccessibleDescription(
    /^Browsers refuse WebSocket connections to port 5061/,
  );
  await form.getByRole('button', { name: 'Cancel' }).click();
  await app.expectRegistered();
});

/** Serves provisioning files over HTTPS with the lab's certificate, as an administrator's server would. */
async function provisioningServer(lab: Lab, files: Record<string, { body: string; cors: boolean }>) {
  const [cert, key] = await Promise.all([readFile(lab.certPath), readFile(lab.keyPath)]);
  const server: Server = createServer({ cert, key }, (request, response) => {
    const file = files[request.url ?? ''];
    if (!file) {
      response.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end();
      return;
    }
    response
      .writeHead(200, {
        'Content-Type': 'application/json',
        ...(file.cors ? { 'Access-Control-Allow-Origin': '*' } : {}),
      })
      .end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `https://127.0.0.1:${port}${path}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('an account travels as a provisioning file: exported without the password unless asked, imported from a file or an https link', async ({
  lab,
  openApp,
}) => {
  test.slow();
  const legacy2 = lab.users.legacy2;
  const app = await registeredApp(openApp, lab, lab.users.bob);
  await app.button('Edit account').click();
  const exporter = app.page.getByRole('region', { name: 'Provisioning file' });
  const exportFile = async () => {
    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      exporter.getByRole('button', { name: 'Export provisioning file' }).click(),
    ]);
    const path = await download.path();
    return { name: download.suggestedFilename(), path, text: await readFile(path, 'utf8') };
  };
  const plain = await exportFile();
  expect(plain.name).toBe('1002@127.0.0.1.ringline.json');
  expect(JSON.parse(plain.text)).toMatchObject({
    ringline: 'account',
    version: 1,
    account: { sipUri: lab.users.bob.aor, wssUrl: lab.wssUrl, authUser: lab.users.bob.user },
  });
  expect(plain.text).not.toContain(lab.users.bob.password);
  await exporter.getByLabel('Include the password in the file').check();
  expect((await exportFile()).text).toContain(`"password": "${lab.users.bob.password}"`);

  // Someone else gets the file without the password: they see what it sets up and type the password.
  const fromFile = await openApp();
  await fromFile.button('Import a provisioning file').click();
  await fromFile.page.getByLabel('Provisioning file', { exact: true }).setInputFiles(plain.path);
  const review = fromFile.page.getByRole('form', { name: 'Account in the file' });
  await expect(review).toContainText(lab.users.bob.aor);
  await expect(review).toContainText(lab.wssUrl);
  await review.getByLabel('Password', { exact: true }).fill(lab.users.bob.password);
  await review.getByRole('button', { name: 'Save and sign in' }).click();
  await fromFile.expectRegistered();

  // A bad file is refused in words.
  const fresh = await openApp();
  await fresh.button('Import a provisioning file').click();
  await fresh.page.getByLabel('Provisioning file', { exact: true }).setInputFiles({
    name: 'typo.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({
        ringline: 'account',
        version: 1,
        account: { sipUri: legacy2.aor, wssURL: lab.wssUrl },
      }),
    ),
  });
  await expect(
    fresh.page.getByRole('region', { name: 'Import a provisioning file' }).getByRole('alert'),
  ).toHaveText(
    'The file has a field Ringline does not know: account.wssURL. Nothing was imported, so no setting is lost unnoticed.',
  );

  // An administrator's link, fetched when the page is opened with it.
  const withPassword = JSON.stringify({
    ringline: 'account',
    version: 1,
    account: {
      displayName: legacy2.displayName,
      sipUri: legacy2.aor,
      password: legacy2.password,
      wssUrl: lab.wssUrl,
    },
  });
  const server = await provisioningServer(lab, {
    '/legacy2.json': { body: withPassword, cors: true },
    '/no-cors.json': { body: withPassword, cors: false },
  });
  try {
    const link = server.url('/legacy2.json');
    const viaLink = await openApp(`/?provision=${encodeURIComponent(link)}`);
    const linked = viaLink.page.getByRole('form', { name: 'Account in the file' });
    await expect(linked).toContainText(legacy2.aor);
    await expect(linked).toContainText(link);
    await expect(linked).toContainText('The file includes the password.');
    await linked.getByRole('button', { name: 'Save and sign in' }).click();
    await viaLink.expectRegistered();
    await lab.waitForRegistered(legacy2.aor);
    expect(new URL(viaLink.page.url()).searchParams.has('provision'), 'a reload does not import again').toBe(
      false,
    );

    for (const [path, words] of [
      ['/gone.json', 'The server answered the link with HTTP 404; nothing was imported.'],
      [
        '/no-cors.json',
        /^The file could not be fetched: the server did not answer, or it does not allow Ringline to read the file \(CORS\)\. Nothing was imported\./,
      ],
    ] as const) {
      const failing = await openApp(`/?provision=${encodeURIComponent(server.url(path))}`);
      await expect(
        failing.page.getByRole('region', { name: 'Import a provisioning file' }).getByRole('alert'),
      ).toHaveText(words);
      await expect(failing.page.getByRole('form', { name: 'Account in the file' })).toHaveCount(0);
    }
  } finally {
    await server.stop();
  }
});
