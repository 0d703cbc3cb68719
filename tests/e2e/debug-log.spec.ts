import { credentialsSent, startWsProxy } from '../lab/ws-proxy';
import { expect, test } from './fixtures';
import { callDeskPhone } from './scenarios';

test('at debug level the SIP traffic is logged, but never a password or an Authorization value', async ({
  lab,
  openApp,
}) => {
  // A proxy in front of Kamailio shows exactly what the app sent, digest responses included.
  const proxy = await startWsProxy({ upstreamUrl: lab.wssUrl, certPath: lab.certPath, keyPath: lab.keyPath });
  try {
    const alice = lab.users.alice;
    const app = await openApp();
    // The browser host's log is the console: everything the app logs, at every level, lands here.
    const logged: string[] = [];
    app.page.on('console', (message) => logged.push(message.text()));
    const pageErrors: string[] = [];
    app.page.on('pageerror', (error) => pageErrors.push(error.message));

    await app.button('Settings').click();
    await app.page.getByLabel('Log level').selectOption('debug');
    await app.button('Phone').click();
    await app.addAccount(alice, proxy.url);
    await app.expectRegistered();
    await callDeskPhone(app, lab);
    await app.button('Hang up').click();
    await lab.waitForSipRequest('BYE', { from: alice.user });

    const credentials = credentialsSent(proxy.clientFrames());
    // The registrar challenged REGISTER (401) and INVITE (407): real digests were computed and sent.
    expect(credentials.filter((value) => /^[0-9a-f]{32}$/.test(value)).length).toBeGreaterThanOrEqual(2);
    const log = logged.join('\n');
    // Debug logging was on: the SIP messages themselves are in the log.
    expect(log).toContain('REGISTER sip:127.0.0.1 SIP/2.0');
    expect(log).toContain(`INVITE sip:${lab.users.legacy.user}@127.0.0.1 SIP/2.0`);
    expect(log).toMatch(/SIP\/2\.0 401 Unauthorized/);
    expect(log).toContain('Authorization: [REDACTED]');
    expect(log).toContain('Proxy-Authorization: [REDACTED]');
    // ... and nothing that would let someone reuse the account.
    expect(log).not.toContain(alice.password);
    for (const credential of credentials)
      expect(log, `a credential the app sent: ${credential}`).not.toContain(credential);
    expect(pageErrors).toEqual([]);
  } finally {
    await proxy.stop();
  }
});
