import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { credentialsSent, startWsProxy } from '../lab/ws-proxy';
import type { AppPage } from './app-page';
import { expect, test } from './fixtures';
import { callDeskPhone, registeredApp } from './scenarios';

function expectNoSecret(text: string, secrets: readonly string[], where: string): void {
  for (const secret of secrets)
    expect(text, `${where} contains a credential: ${secret}`).not.toContain(secret);
}

/** Settings, where Troubleshooting (log level), Diagnostics and the SIP log are. */
async function openSettings(app: AppPage): Promise<Locator> {
  await app.button('Settings').click();
  const settings = app.page.getByRole('region', { name: 'Settings' });
  await expect(settings.getByRole('group', { name: 'Troubleshooting' })).toBeVisible();
  return settings;
}

/** The one-line summaries of the listed messages ("Sent REGISTER sip:…"), in list order. */
async function listed(viewer: Locator): Promise<string[]> {
  const summaries = viewer.getByRole('list', { name: 'SIP messages' }).locator('.sip-log-summary');
  return (await summaries.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

/** Checks that `items` contains lines matching `patterns` in this order (other lines may come between). */
function expectInOrder(items: readonly string[], patterns: readonly RegExp[]): void {
  let from = 0;
  for (const pattern of patterns) {
    const at = items.findIndex((item, index) => index >= from && pattern.test(item));
    expect(at, `${pattern} after position ${from} in:\n${items.join('\n')}`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

async function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Lets the test read what the app copied. Chromium replaces an origin's grants, so the fixture's are repeated. */
async function allowClipboard(app: AppPage): Promise<void> {
  await app.context.grantPermissions(['microphone', 'notifications', 'clipboard-read', 'clipboard-write'], {
    origin: new URL(app.page.url()).origin,
  });
}

test.describe('diagnostics: the SIP log, call ladders and Copy diagnostics', () => {
  test('the SIP log shows a registration and a call, filters by Call-ID, and never shows or exports a credential', async ({
    lab,
    openApp,
  }) => {
    // A proxy in front of Kamailio records exactly what reached the server, digests included.
    const proxy = await startWsProxy({
      upstreamUrl: lab.wssUrl,
      certPath: lab.certPath,
      keyPath: lab.keyPath,
    });
    try {
      const alice = lab.users.alice;
      const desk = lab.users.legacy;
      // The lab serves every spec of this worker: only this test's requests count.
      const since = Date.now();
      const app = await openApp();
      await allowClipboard(app);
      const pageErrors: string[] = [];
      app.page.on('pageerror', (error) => pageErrors.push(error.message));

      await app.addAccount(alice, proxy.url);
      await app.expectRegistered();
      await callDeskPhone(app, lab);
      await app.button('Hang up').click();
      const bye = await lab.waitForSipRequest('BYE', { from: alice.user, since });
      const callId = bye.callId;
      // What Kamailio received on this call, oldest first: the app's requests as the server saw them.
      const atServer = (await lab.sipRequests({ callId })).map((request) => request.method);
      expect(atServer).toContain('INVITE');

      const credentials = credentialsSent(proxy.clientFrames());
      // REGISTER was challenged (401) and the INVITE too (407): real digests went to the server.
      expect(credentials.filter((value) => /^[0-9a-f]{32}$/.test(value)).length).toBeGreaterThanOrEqual(2);
      const secrets = [alice.password, ...credentials];

      const settings = await openSettings(app);
      const viewer = settings.getByRole('region', { name: 'SIP log' });

      // The registration: REGISTER, its 401 challenge, REGISTER with credentials, 200.
      await viewer.getByRole('combobox', { name: 'Method', exact: true }).selectOption('REGISTER');
      await expect
        .poll(async () => (await listed(viewer)).length, { message: 'REGISTER exchange listed' })
        .toBeGreaterThanOrEqual(4);
      expectInOrder(await listed(viewer), [
        /Sent REGISTER sip:127\.0\.0\.1 SIP\/2\.0/,
        /Received SIP\/2\.0 401 Unauthorized \(REGISTER\)/,
        /Sent REGISTER sip:127\.0\.0\.1 SIP\/2\.0/,
        /Received SIP\/2\.0 200 OK \(REGISTER\)/,
      ]);
      // The second REGISTER carries the digest: opened, it shows the header with its value removed.
      const registers = viewer.getByRole('button', { name: /Sent REGISTER/ });
      await registers.nth(1).click();
      await expect(registers.nth(1)).toHaveAttribute('aria-expanded', 'true');
      await expect(viewer.locator('pre').first()).toContainText('Authorization: [REDACTED]');
      await expect(viewer.locator('pre').first()).toContainText(/CSeq: \d+ REGISTER/);

      // The call, by its Call-ID: the whole INVITE dialogue and nothing else.
      await viewer.getByRole('button', { name: 'Clear filters' }).click();
      await viewer.getByRole('combobox', { name: 'Call-ID', exact: true }).fill(callId);
      await expect.poll(async () => (await listed(viewer)).some((line) => /BYE/.test(line))).toBe(true);
      const callLines = await listed(viewer);
      expect(callLines.some((line) => /REGISTER/.test(line))).toBe(false);
      expectInOrder(callLines, [
        new RegExp(`Sent INVITE sip:${desk.user}@127\\.0\\.0\\.1 SIP/2\\.0`),
        /Received SIP\/2\.0 407 Proxy Authentication Required \(INVITE\)/,
        /Sent ACK /,
        new RegExp(`Sent INVITE sip:${desk.user}@127\\.0\\.0\\.1 SIP/2\\.0`),
        /Received SIP\/2\.0 200 .* \(INVITE\)/,
        /Sent ACK /,
        /Sent BYE /,
        /Received SIP\/2\.0 200 OK \(BYE\)/,
      ]);
      // The requests the log says were sent are the frames that reached the server, in the same order;
      // Kamailio's own request log has them too, less the ACK of the 407, which its transaction layer
      // absorbs (RFC 3261 §17.2.1) before the script sees it.
      const sentRequests = callLines.flatMap((line) => /\bSent ([A-Z]+) /.exec(line)?.[1] ?? []);
      const onTheWire = proxy
        .clientFrames()
        .filter((frame) => frame.text.includes(`\r\nCall-ID: ${callId}\r\n`))
        .flatMap((frame) => /^([A-Z]+) \S+ SIP\/2\.0\r\n/.exec(frame.text)?.[1] ?? []);
      expect(sentRequests).toEqual(onTheWire);
      expectInOrder(
        sentRequests,
        atServer.map((method) => new RegExp(`^${method}$`)),
      );

      // Whatever is on screen holds no credential.
      expectNoSecret(await viewer.innerText(), secrets, 'the SIP log');

      // The export: the whole log, redacted.
      const downloading = app.page.waitForEvent('download');
      await viewer.getByRole('button', { name: 'Export log' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(/^ringline-sip-log-.*\.txt$/);
      const exported = await readFile(await download.path(), 'utf8');
      expect(exported).toContain('REGISTER sip:127.0.0.1 SIP/2.0');
      expect(exported).toMatch(/SIP\/2\.0 401 Unauthorized/);
      expect(exported).toContain(`INVITE sip:${desk.user}@127.0.0.1 SIP/2.0`);
      expect(exported).toContain(`Call-ID: ${callId}`);
      expect(exported).toContain('Authorization: [REDACTED]');
      expect(exported).toContain('Proxy-Authorization: [REDACTED]');
      expectNoSecret(exported, secrets, 'the exported log');

      // Copy one message.
      await viewer.getByRole('button', { name: /Sent BYE/ }).click();
      await viewer.getByRole('button', { name: 'Copy message' }).last().click();
      await expect(viewer.getByRole('status')).toHaveText('Copied to the clipboard.');
      expect(await clipboardText(app.page)).toMatch(
        new RegExp(`^BYE sip:[^\\r\\n]+ SIP/2\\.0\\r\\n[\\s\\S]*Call-ID: ${callId}`),
      );

      // The ladder of that call, from the history entry: its messages in the order the log has them.
      await app.button(/Recent calls/).click();
      await app.page
        .getByRole('button', { name: /^SIP messages of the call with / })
        .first()
        .click();
      const dialog = app.page.getByRole('dialog', { name: /^SIP messages of the call with / });
      await expect(dialog).toContainText(`Call-ID: ${callId}`);
      const rows = dialog.getByRole('table').locator('tbody tr');
      const ladder = (await rows.allInnerTexts()).map((row) => row.replace(/\s+/g, ' ').trim());
      const fromLog = callLines.map((line) => line.replace(/^.*?\b(?:Sent|Received) /, ''));
      expect(ladder.map((row) => row.replace(/^.*?(?:Ringline → server|Server → Ringline) /, ''))).toEqual(
        fromLog.map((line) =>
          line
            .replace(/^SIP\/2\.0 /, '')
            .replace(/ SIP\/2\.0$/, '')
            .trim(),
        ),
      );
      expect(ladder[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} 0 ms Ringline → server INVITE /);
      const elapsed = ladder.map((row) => Number(/ (\d+) ms /.exec(row)?.[1]));
      expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
      await dialog.getByRole('button', { name: 'Copy as text' }).click();
      await expect(dialog.getByRole('status')).toHaveText('Copied to the clipboard.');
      const ladderCopy = await clipboardText(app.page);
      expect(ladderCopy).toContain(`Call-ID: ${callId}`);
      expect(ladderCopy).toMatch(/\|----- INVITE sip:\S+ -+>\|/);
      expect(ladderCopy).toMatch(/\|<---- 200 OK \(BYE\) -+\|/);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect(dialog).toHaveCount(0);

      // Copy diagnostics: versions, the account, its registration and the call's quality; no secret.
      const diagnostics = (await openSettings(app)).getByRole('region', { name: 'Diagnostics' });
      await diagnostics.getByRole('button', { name: 'Copy diagnostics' }).click();
      const report = diagnostics.getByLabel('Diagnostics text');
      await expect(report).toHaveValue(/App: Ringline /);
      const text = await report.inputValue();
      expect(text).toMatch(/Browser engine: Chromium \d+\.\d+\.\d+\.\d+/);
      expect(text).toMatch(/OS: \S+/);
      expect(text).toContain(`SIP address: ${alice.aor}`);
      expect(text).toContain(`Servers: ${proxy.url}`.replace(/\/$/, ''));
      expect(text).toMatch(/Registration: registered since /);
      expect(text).toMatch(
        new RegExp(
          `Last calls \\(1\\):\\n- .*outgoing, ${desk.user}, answered, .*codec \\w+, MOS \\d\\.\\d\\d`,
        ),
      );
      expectNoSecret(text, secrets, 'the diagnostics');
      await expect(diagnostics.getByRole('status')).toHaveText('Copied to the clipboard.');
      expect(await clipboardText(app.page)).toBe(text);
      expect(pageErrors).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  test('Diagnostics, the SIP log and the call ladder pass axe-core in English and Simplified Chinese', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);
    await allowClipboard(app);
    const scan = async (selectors: string[], label: string): Promise<void> => {
      const builder = new AxeBuilder({ page: app.page });
      for (const selector of selectors) builder.include(selector);
      const results = await builder.analyze();
      const found = results.violations.map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
      expect(found, `axe-core violations in ${label}`).toEqual([]);
      // The views were there to check: rules ran on them and passed.
      expect(results.passes.length, `axe-core rules that passed in ${label}`).toBeGreaterThan(10);
    };

    await app.button('Settings').click();
    const settings = app.page.locator('.settings');
    for (const language of ['en', 'zh-CN'] as const) {
      await app.page.getByRole('combobox', { name: /^(Language|语言)$/ }).selectOption(language);
      await expect(app.page.locator('html')).toHaveAttribute('lang', language);
      // A message opened, the diagnostics shown: every part of the views is on screen.
      await settings.locator('.sip-log-summary').first().click();
      await settings.locator('.diagnostics-report button').click();
      await expect(settings.locator('.diagnostics-report textarea')).toBeVisible();
      // And the ladder of the registration's Call-ID, opened from the log: one scan for all three.
      await settings.locator('.sip-log-detail button').last().click();
      await expect(app.page.getByRole('dialog')).toBeVisible();
      await scan(
        ['.diagnostics-report', '.sip-log', '.call-ladder'],
        `Diagnostics, the SIP log and the call ladder (${language})`,
      );
      await app.page.keyboard.press('Escape');
      await expect(app.page.getByRole('dialog')).toHaveCount(0);
      // Closing the row again leaves the view as it was for the next language.
      await settings.locator('.sip-log-summary').first().click();
    }
  });

  test('a sip: link whose host cannot exist is refused with the reason', async ({ lab, openApp }) => {
    const since = Date.now();
    const app = await openApp(`/?dial=${encodeURIComponent(`sip:${lab.users.legacy.user}@999.1.1.1`)}`);
    await app.addAccount(lab.users.alice, lab.wssUrl);
    await app.expectRegistered();
    const alert = app.page.getByRole('alert', { name: /Ringline did not dial the link/ });
    await expect(alert).toContainText('is not a real IPv4 address');
    await expect(alert).toContainText('999.1.1.1');

    // A link clicked while the app is open arrives in the address's fragment.
    await app.page.evaluate(
      () => (location.hash = `dial=${encodeURIComponent('sip:1010@[2001:db8::1::2]')}`),
    );
    await expect(alert).toContainText('is not a valid IPv6 address');
    await app.page.evaluate(() => (location.hash = `dial=${encodeURIComponent('sip:1010@12345')}`));
    await expect(alert).toContainText('made of numbers but is not an IP address');
    await expect(app.page.getByRole('dialog')).toHaveCount(0);
    await expect(app.callCard()).toHaveCount(0);
    expect(await lab.sipRequests({ from: lab.users.alice.user, method: 'INVITE', since })).toEqual([]);
  });
});
