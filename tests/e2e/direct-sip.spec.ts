/**
 * Accounts over UDP, TCP and TLS through Ringline's own gateway, end to end: the real renderer in
 * Chromium (SIP.js over our GatewayTransport), the real gateway in the browser build's local service
 * (the code `npm run web` starts), and the real lab (Kamailio with digest auth, dnsmasq for SRV).
 * Registration, messages, the server's side of the connection and malformed input are checked here;
 * calls through the media bridge are in `direct-calls.spec.ts` and `direct-features.spec.ts`.
 */
import { createServer, type Server } from 'node:http';
import { LAB_SIP_HOST } from '../lab/dns';
import type { Lab, LabUser } from '../lab/lab';
import { findFreePort } from '../lab/ports';
import { startSipRelay, type SipRelay } from '../lab/sip-relay';
import { AppPage } from './app-page';
import { expectNoAxeViolations } from './axe';
import { conversations, openConversation, threadMessage, typeAndSend } from './conversation';
import { directApp } from './direct-path';
import { expect, test } from './fixtures';

/** Kamailio's restart is noticed by the keep-alive (a few seconds here), then the backoff (< 30 s). */
const AFTER_BACKOFF = { timeout: 50_000 };

function registration(app: AppPage) {
  return app.page.getByRole('region', { name: /Registration status/ });
}

/** The contact Kamailio holds for `user` over `transport`, once there is one. */
async function expectContact(lab: Lab, user: LabUser, transport: 'udp' | 'tcp' | 'tls'): Promise<void> {
  await expect
    .poll(
      async () =>
        (await lab.registeredContacts(user.aor)).filter((c) => c.endsWith(`;transport=${transport}`)),
      {
        message: `a ${transport} contact for ${user.aor}`,
      },
    )
    .toHaveLength(1);
}

test.describe('SIP over UDP, TCP and TLS through the gateway', () => {
  test('registers over UDP and over TCP with digest auth, beside a WSS account in the same app; Kamailio holds a contact of each transport', async ({
    lab,
    openGatewayApp,
  }) => {
    const { alice, bob, carol } = lab.users;
    // A worker's lab outlives a spec file, and an earlier page's unregister may not have been answered.
    for (const user of [alice, bob, carol]) await lab.forgetRegistrations(user.aor);
    const since = Date.now();
    const udp = await openGatewayApp();
    await udp.addDirectAccount(alice, { transport: 'udp', server: `127.0.0.1:${lab.udpPort}` });
    await udp.expectRegistered();
    const udpRegister = await lab.waitForSipRequest('REGISTER', { from: alice.user, since });
    expect(udpRegister.transport).toBe('udp');
    await expectContact(lab, alice, 'udp');

    // Several accounts at once, each on its own connection: a TCP one and a WSS one beside it.
    await udp.show('Settings');
    const accounts = udp.page.getByRole('region', { name: 'Accounts' });
    const status = (user: LabUser) =>
      accounts.getByRole('region', { name: `Registration status for ${user.displayName}` });
    await accounts.getByRole('button', { name: 'Add account' }).click();
    await udp.addDirectAccount(carol, { transport: 'tcp', server: `127.0.0.1:${lab.udpPort}` });
    await expect(status(carol)).toContainText('Registered');
    const tcpRegister = await lab.waitForSipRequest('REGISTER', { from: carol.user, since });
    expect(tcpRegister.transport).toBe('tcp');
    await expectContact(lab, carol, 'tcp');
    await accounts.getByRole('button', { name: 'Add account' }).click();
    await udp.addAccount(bob, lab.wssUrl);
    await expect(status(bob)).toContainText('Registered');
    await lab.waitForRegistered(bob.aor);
    expect((await lab.waitForSipRequest('REGISTER', { from: bob.user, since })).transport).toMatch(/^wss?$/);
    for (const user of [alice, carol]) await expect(status(user)).toContainText('Registered');
    await expectContact(lab, alice, 'udp');
    await expectContact(lab, carol, 'tcp');
  });

  test('TLS with a certificate this computer does not trust stops with its fingerprint; trusted, it registers', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    const app = await openGatewayApp();
    const bob = lab.users.bob;
    const since = Date.now();
    await app.addDirectAccount(bob, { transport: 'tls', server: `127.0.0.1:${lab.tlsPort}` });
    await expect(app.registrationStatus()).toContainText('The server’s TLS certificate was refused');
    const notice = app.page.getByRole('alert', { name: `Server certificate for ${bob.displayName}` });
    await expect(notice.getByTestId('presented-fingerprint')).toHaveText(lab.certSha256);
    await expect(notice).toContainText(`127.0.0.1:${lab.tlsPort}`);
    // Refused before anything was sent: Kamailio saw no REGISTER from Bob.
    expect(await lab.sipRequests({ method: 'REGISTER', from: bob.user, since })).toEqual([]);

    await notice.getByRole('button', { name: 'Trust this certificate' }).click();
    await app.expectRegistered();
    const register = await lab.waitForSipRequest('REGISTER', { from: bob.user, since });
    expect(register.transport).toBe('tls');
    await expectContact(lab, bob, 'tls');
    expect(
      webApp.log.some((line) =>
        line.includes(`tls 127.0.0.1:${lab.tlsPort}: accepted the certificate the user trusted`),
      ),
    ).toBe(true);
  });

  test('a wrong password and an unreachable server are reported in words', async ({
    lab,
    openGatewayApp,
  }) => {
    const app = await openGatewayApp();
    await app.addDirectAccount(
      lab.users.alice,
      { transport: 'udp', server: `127.0.0.1:${lab.udpPort}` },
      'not-the-password',
    );
    await expect(app.registrationStatus()).toContainText('Wrong user name or password');

    // Nothing listens on TCP port 9 here: refused at once.
    const tcp = await openGatewayApp();
    await tcp.addDirectAccount(lab.users.carol, { transport: 'tcp', server: '127.0.0.1:9' });
    await expect(tcp.registrationStatus()).toContainText('No SIP server answers there');
    await expect(tcp.registrationStatus()).toContainText('ECONNREFUSED');

    // UDP has no refusal to wait for: the server's silence to our OPTIONS is the answer.
    const udp = await openGatewayApp();
    await udp.addDirectAccount(lab.users.bob, { transport: 'udp', server: '127.0.0.1:9' });
    await expect(udp.registrationStatus()).toContainText('The SIP server did not answer in time');
  });

  test('a registrar that wants a longer interval (423 Interval Too Brief) gets the Min-Expires it asks for', async ({
    lab,
    openGatewayApp,
  }) => {
    // RFC 3261 §10.2.8: the client registers again, asking at least Min-Expires.
    await lab.setMinRegistrationExpiry(1800);
    try {
      const app = await directApp(openGatewayApp, lab, lab.users.alice);
      await app.expectRegistered();
      // The app asks 300 s unprompted: only the REGISTER repeated with 1,800 s was accepted.
      const expiries = await lab.registeredExpiries(lab.users.alice.aor);
      expect(expiries).toHaveLength(1);
      expect(expiries[0]).toBeGreaterThan(1700);
    } finally {
      await lab.setMinRegistrationExpiry(60);
    }
  });

  test('a primary server that does not answer over UDP gives way to the backup server, and the account says so', async ({
    lab,
    openGatewayApp,
  }) => {
    const { carol } = lab.users;
    await lab.forgetRegistrations(carol.aor);
    const app = await openGatewayApp();
    const silent = await findFreePort('udp');
    await app.addDirectAccount(carol, {
      transport: 'udp',
      server: `127.0.0.1:${silent}`,
      backups: `127.0.0.1:${lab.udpPort}`,
    });
    // The primary's silence to our OPTIONS takes its answer time (5 s) before the backup is tried.
    await expect(app.registrationStatus()).toHaveText('Registered', { timeout: 20_000 });
    await lab.waitForRegistered(carol.aor);
    await expect(registration(app)).toContainText(`Connected through backup server 127.0.0.1:${lab.udpPort}`);
  });

  test('a server given without a port is found by NAPTR and SRV in the lab’s DNS', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    // A worker's lab outlives a spec file, and an earlier page's unregister may not have been answered.
    await lab.forgetRegistrations(lab.users.alice.aor);
    await lab.forgetRegistrations(lab.users.carol.aor);
    const since = Date.now();
    const udp = await openGatewayApp();
    await udp.addDirectAccount(lab.users.alice, { transport: 'udp', server: lab.sipDomain });
    await udp.expectRegistered();
    expect((await lab.waitForSipRequest('REGISTER', { from: lab.users.alice.user, since })).transport).toBe(
      'udp',
    );

    const tcp = await openGatewayApp();
    await tcp.addDirectAccount(lab.users.carol, { transport: 'tcp', server: lab.sipDomain });
    await tcp.expectRegistered();
    expect((await lab.waitForSipRequest('REGISTER', { from: lab.users.carol.user, since })).transport).toBe(
      'tcp',
    );
    // Where the names led: the SRV target, its address and Kamailio's port.
    expect(
      webApp.log.some((line) =>
        line.includes(`-> 127.0.0.1:${lab.udpPort} (${lab.sipDomain}; SRV ${LAB_SIP_HOST}:${lab.udpPort})`),
      ),
    ).toBe(true);

    const none = await openGatewayApp();
    await none.addDirectAccount(lab.users.bob, { transport: 'udp', server: `nothing.${lab.sipDomain}` });
    await expect(none.registrationStatus()).toContainText('The SIP server’s name was not found');
  });

  test('TLS without a port is found by NAPTR and SRV; the certificate is trusted once, and when it changes it is refused in words with nothing sent', async ({
    lab,
    openGatewayApp,
    webApp,
  }) => {
    const bob = lab.users.bob;
    await lab.forgetRegistrations(bob.aor);
    const since = Date.now();
    const app = await openGatewayApp();
    await app.addDirectAccount(bob, { transport: 'tls', server: lab.sipDomain });
    await expect(app.registrationStatus()).toContainText('The server’s TLS certificate was refused');
    const notice = app.page.getByRole('alert', { name: `Server certificate for ${bob.displayName}` });
    await expect(notice.getByTestId('presented-fingerprint')).toHaveText(lab.certSha256);
    // The pin belongs to the domain as configured, the name a certificate must carry (RFC 5922 §4), on
    // the port SRV led to; the SRV target that presented it is shown beside it.
    const pinHost = `${lab.sipDomain}:${lab.tlsPort}`;
    await expect(notice.getByTestId('certificate-server')).toHaveText(pinHost);
    await expect(notice.getByTestId('srv-target')).toHaveText(`${LAB_SIP_HOST}:${lab.tlsPort}`);
    expect(await lab.sipRequests({ method: 'REGISTER', from: bob.user, since })).toEqual([]);

    await notice.getByRole('button', { name: 'Trust this certificate' }).click();
    await app.expectRegistered();
    expect((await lab.waitForSipRequest('REGISTER', { from: bob.user, since })).transport).toBe('tls');
    await expectContact(lab, bob, 'tls');
    // NAPTR (SIPS+D2T first in the lab's zone) -> _sips._tcp SRV -> the target's address and TLS port.
    expect(
      webApp.log.some(
        (line) =>
          line.includes(': tls 127.0.0.1:') &&
          line.includes(`-> 127.0.0.1:${lab.tlsPort} (${lab.sipDomain}; SRV ${LAB_SIP_HOST}:${lab.tlsPort})`),
      ),
    ).toBe(true);
    expect(webApp.log).toContainEqual(
      expect.stringContaining(`tls ${pinHost}: accepted the certificate the user trusted`),
    );

    // The server comes back on the same host and port with another certificate (a new key).
    const replacement = await lab.createCertificate();
    await lab.stopSipServer();
    const changedAt = Date.now();
    try {
      await lab.startSipServer(replacement);
      await expect(app.registrationStatus()).toContainText(
        'The server’s TLS certificate has changed since you trusted it, so Ringline did not connect.',
        AFTER_BACKOFF,
      );
      await expect(notice).toContainText('Warning: the server’s certificate has changed');
      await expect(notice.getByTestId('presented-fingerprint')).toHaveText(replacement.sha256);
      await expect(notice.getByTestId('trusted-fingerprint')).toHaveText(lab.certSha256);
      await expect(notice.getByTestId('srv-target')).toHaveText(`${LAB_SIP_HOST}:${lab.tlsPort}`);
      // Refused during the handshake: not one REGISTER reached the server since it came back.
      expect(await lab.sipRequests({ method: 'REGISTER', from: bob.user, since: changedAt })).toEqual([]);
      await expectNoAxeViolations(app.page, 'the changed-certificate warning');

      // Nothing was lost: the same account, and the user may trust the new certificate knowingly.
      await notice.getByRole('button', { name: 'Trust the new certificate instead' }).click();
      await app.expectRegistered();
      const register = await lab.waitForSipRequest('REGISTER', { from: bob.user, since: changedAt });
      expect(register.transport).toBe('tls');
    } finally {
      // Later tests of this worker expect the lab's own certificate.
      await lab.stopSipServer();
      await lab.startSipServer();
    }
  });

  test('text messages over UDP both ways, with a WebSocket user', async ({
    lab,
    openGatewayApp,
    openApp,
  }) => {
    const alice = await openGatewayApp();
    await alice.addDirectAccount(lab.users.alice, { transport: 'udp', server: `127.0.0.1:${lab.udpPort}` });
    await alice.expectRegistered();
    const bob = await openApp();
    await bob.addAccount(lab.users.bob, lab.wssUrl);
    await bob.expectRegistered();

    const sentAt = Date.now();
    await openConversation(alice, lab.users.bob.user);
    await typeAndSend(alice, 'Over UDP 你好');
    await expect(threadMessage(alice, 'Over UDP 你好')).toContainText('Delivered');
    const message = await lab.waitForSipRequest('MESSAGE', {
      from: lab.users.alice.user,
      to: lab.users.bob.user,
      since: sentAt,
    });
    expect(message.transport).toBe('udp');

    await openConversation(bob, lab.users.alice.user);
    await typeAndSend(bob, 'Back to you');
    await expect(threadMessage(bob, 'Back to you')).toContainText('Delivered');
    await alice.button(/^Messages/).click();
    await expect(conversations(alice).getByRole('button', { name: /^Bob / })).toContainText('Back to you');
  });

  test('after the UDP server stops and starts again, the account says so and registers again', async ({
    lab,
    openGatewayApp,
  }) => {
    const app = await openGatewayApp();
    await app.addDirectAccount(lab.users.alice, { transport: 'udp', server: `127.0.0.1:${lab.udpPort}` });
    await app.expectRegistered();
    await lab.waitForRegistered(lab.users.alice.aor);

    let restartedAt = 0;
    await lab.stopSipServer();
    try {
      // The keep-alive OPTIONS goes unanswered: the connection is declared dead and SIP.js reconnects.
      await expect(app.registrationStatus()).toContainText('Reconnecting…', { timeout: 20_000 });
      await expect(registration(app).getByRole('button', { name: /^Reconnect now: .+/ })).toBeVisible();
    } finally {
      restartedAt = Date.now();
      await lab.startSipServer();
    }
    await expect(app.registrationStatus()).toHaveText('Registered', AFTER_BACKOFF);
    await lab.waitForSipRequest(
      'REGISTER',
      { from: lab.users.alice.user, since: restartedAt },
      AFTER_BACKOFF.timeout,
    );
    await lab.waitForRegistered(lab.users.alice.aor);
  });

  test.describe('malformed input from the server side', () => {
    let relay: SipRelay | undefined;
    test.afterEach(async () => {
      await relay?.close();
      relay = undefined;
    });

    test('malformed datagrams are dropped and logged; the account stays registered and works', async ({
      lab,
      openGatewayApp,
      openApp,
      webApp,
    }) => {
      relay = await startSipRelay(lab.udpPort);
      const alice = await openGatewayApp();
      await alice.addDirectAccount(lab.users.alice, { transport: 'udp', server: `127.0.0.1:${relay.port}` });
      await alice.expectRegistered();
      const dropsBefore = webApp.log.filter((line) => line.includes('malformed')).length;

      const junk =
        'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKjunk\r\nCSeq: 1 REGISTER\r\nContent-Length: 90\r\n\r\nshort';
      relay.injectUdp(Buffer.from([0x00, 0xff, 0x80, 0x7f, 0x13, 0x37]));
      relay.injectUdp('REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;bra');
      relay.injectUdp(junk);
      await expect
        .poll(
          () =>
            webApp.log.filter((line) => line.startsWith('warn:') && line.includes('malformed')).length -
            dropsBefore,
        )
        .toBe(3);
      await expect(alice.registrationStatus()).toHaveText('Registered');

      // Well-formed enough to reach SIP.js, but without a Call-ID: the same inbound guard as on WSS
      // answers it as RFC 3261 §8.2.6 says (400), back through the gateway to the server.
      relay.injectUdp(
        'OPTIONS sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnocallid\r\n' +
          'From: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:1001@127.0.0.1>\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
      );
      await expect
        .poll(
          () => relay?.fromAppUdp.find((datagram) => datagram.includes('z9hG4bKnocallid'))?.split('\r\n')[0],
        )
        .toBe('SIP/2.0 400 Missing Call-ID');

      // Requests the gateway's own reader refuses, framed by their datagram all the same: answered
      // as on WSS, by the guard or by SIP.js (RFC 3261 §7.3.1 and §18.3, RFC 4475's "mcl01" and "clerr").
      const options = (branch: string, lengths: number[]) =>
        `OPTIONS sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=${branch}\r\n` +
        `From: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:1001@127.0.0.1>\r\nCall-ID: ${branch}\r\nCSeq: 1 OPTIONS\r\n` +
        `Max-Forwards: 70\r\nContent-Type: text/plain\r\n${lengths.map((n) => `Content-Length: ${n}\r\n`).join('')}\r\nhello`;
      relay.injectUdp(options('z9hG4bKtwolengths', [5, 3]));
      relay.injectUdp(options('z9hG4bKcutshort', [90]));
      const answer = (branch: string) =>
        relay?.fromAppUdp.find((datagram) => datagram.includes(branch))?.split('\r\n')[0];
      await expect
        .poll(() => answer('z9hG4bKtwolengths'))
        .toBe('SIP/2.0 400 Conflicting Content-Length Values');
      await expect.poll(() => answer('z9hG4bKcutshort')).toMatch(/^SIP\/2\.0 400 /);

      // Still working: a text goes out and its answer comes back through the same connection.
      const bob = await openApp();
      await bob.addAccount(lab.users.bob, lab.wssUrl);
      await bob.expectRegistered();
      await openConversation(alice, lab.users.bob.user);
      await typeAndSend(alice, 'still here');
      await expect(threadMessage(alice, 'still here')).toContainText('Delivered');
    });

    test('a TCP stream that cannot be framed is closed and reconnected; a framed bad message is dropped', async ({
      lab,
      openGatewayApp,
      webApp,
    }) => {
      relay = await startSipRelay(lab.udpPort);
      const carol = lab.users.carol;
      const app = await openGatewayApp();
      await app.addDirectAccount(carol, { transport: 'tcp', server: `127.0.0.1:${relay.port}` });
      await app.expectRegistered();

      // Framed (it has a Content-Length) but not SIP: dropped, the connection stays.
      const dropsBefore = webApp.log.filter((line) => line.includes('malformed')).length;
      relay.injectTcp('NOT A SIP START LINE\r\nContent-Length: 4\r\n\r\njunk');
      await expect
        .poll(() => webApp.log.filter((line) => line.includes('malformed')).length - dropsBefore)
        .toBe(1);
      expect(relay.tcpClients()).toBe(1);

      // Without a Content-Length a stream cannot be cut into messages (RFC 3261 §18.3): closed.
      const cutAt = Date.now();
      relay.injectTcp(
        'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKx\r\nCSeq: 9 OPTIONS\r\n\r\n',
      );
      await expect.poll(() => webApp.log.some((line) => line.includes('unframeable stream'))).toBe(true);
      // ...and the account registers again on a new connection.
      await lab.waitForSipRequest('REGISTER', { from: carol.user, since: cutAt }, AFTER_BACKOFF.timeout);
      await expect(app.registrationStatus()).toHaveText('Registered', AFTER_BACKOFF);
      expect(relay.tcpClients()).toBe(1);
    });
  });
});

test.describe('the local gateway service', () => {
  let other: Server | undefined;
  test.afterEach(async () => {
    await new Promise((resolve) => (other ? other.close(resolve) : resolve(undefined)));
    other = undefined;
  });

  test('a page from another origin gets nothing, even with the right secret', async ({ browser, webApp }) => {
    // A plain page on another local port: no CSP in its way, only the service's own checks.
    other = createServer((_request, response) =>
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>other</title>'),
    );
    await new Promise<void>((resolve) => other?.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      const target = `ws://127.0.0.1:${webApp.service.port}/gateway?secret=${webApp.service.fragment.split('.')[1] ?? ''}`;
      const outcome = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => resolve('open');
            ws.onclose = (event) => resolve(`closed ${event.code}`);
          }),
        target,
      );
      expect(outcome).toBe('closed 1006');
      expect(webApp.log).toContainEqual(
        expect.stringContaining(`origin http://127.0.0.1:${port} is not the app's`),
      );
    } finally {
      await context.close();
    }
  });

  test('the app opened without the secret, or with a wrong one, cannot use it and says why', async ({
    browser,
    webApp,
  }) => {
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const app = await AppPage.open(context, `${webApp.origin}/`);
      const page = app.page;
      // The Connection field is on the account page (the assistant's "Set up manually"), under Advanced.
      const form = await app.accountForm();
      await expect(form).toContainText(
        'UDP, TCP and TLS need Ringline’s local SIP gateway: open Ringline with the address',
      );
      await expect(form.getByRole('option', { name: 'UDP' })).toBeDisabled();
      await expect(form.getByRole('option', { name: 'Secure WebSocket (WSS)' })).toBeEnabled();

      const wrong = `${webApp.origin}/#gateway=${webApp.service.port}.${'A'.repeat(43)}`;
      await page.goto(wrong);
      await page.reload();
      await expect(await app.accountForm()).toContainText('which does not answer');
      expect(webApp.log).toContainEqual(expect.stringContaining('wrong secret'));
      expect(webApp.service.connections()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
