import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, type ElectronApplication } from '@playwright/test';
import { expect, test } from './fixtures';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));

/** The Electron binary is fetched on first use and cannot be downloaded on offline machines. */
function electronBinary(): string | undefined {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const skipReason =
  'Electron binary not installed (offline machine: `npx install-electron` could not download it); ' +
  'the desktop smoke test runs wherever it is present';
const mainScript = join(import.meta.dirname, '../../out/main/index.js');

/**
 * Starts the built app with its own profile: on Linux `XDG_CONFIG_HOME` moves Electron's userData
 * (settings, accounts, logs), so a run neither reads nor changes the developer's Ringline.
 */
async function launch(profile: string, extraArgs: string[] = []): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: binary,
    args: [mainScript, '--no-sandbox', ...extraArgs],
    env: { ...process.env, LANG: 'en_US.UTF-8', XDG_CONFIG_HOME: profile },
  });
}

test.describe('desktop app (Electron)', () => {
  let profile: string;

  test.beforeAll(() => {
    if (!binary) console.log(`SKIPPED desktop smoke test: ${skipReason}`);
  });

  test.beforeEach(async () => {
    profile = await mkdtemp(join(tmpdir(), 'ringline-smoke-'));
  });

  test.afterEach(async () => {
    await rm(profile, { recursive: true, force: true });
  });

  test('launches hardened, shows the window and the account assistant, and puts an icon in the tray', async () => {
    test.skip(!binary, skipReason);
    const app = await launch(profile);
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveTitle('Ringline');
      await expect(page.getByRole('form', { name: 'Sign in with your SIP account' })).toBeVisible();
      const url = await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows()[0]?.webContents.getURL(),
      );
      expect(url).toBe('app://ringline/index.html');
      // Sandboxed, isolated renderer: no Node globals, only the typed bridge.
      const globals = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: typeof (globalThis as { ringline?: { accounts: { list: unknown } } }).ringline?.accounts.list,
      }));
      expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridge: 'function' });

      // Electron has no API to list trays; main logs when its tray is up, and warns for any icon it
      // could not load from build/icons/tray.
      const logFile = join(
        await app.evaluate(({ app: electronApp }) => electronApp.getPath('logs')),
        'main.log',
      );
      await expect
        .poll(async () => readFile(logFile, 'utf8').catch(() => ''))
        .toMatch(/\(main\)\s+tray: ready/);
      expect(await readFile(logFile, 'utf8')).not.toContain('tray icon missing');
    } finally {
      await app.close();
    }
  });

  test('a tel: link on the command line waits for registration, asks, and dials the lab', async ({ lab }) => {
    test.skip(!binary, skipReason);
    const app = await launch(profile, [
      // Trust exactly the lab's certificate, and use Chromium's fake microphone.
      `--ignore-certificate-errors-spki-list=${lab.certSpkiSha256}`,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `tel:${lab.users.legacy.user}`,
    ]);
    try {
      const page = await app.firstWindow();
      // The lab's WebSocket is on a port of its own: set up by hand (the server is under Advanced,
      // open for a new account).
      await page.getByRole('button', { name: 'Set up manually', exact: true }).click();
      const form = page.getByRole('form', { name: 'Add account' });
      await form.getByLabel('Display name').fill(lab.users.alice.displayName);
      await form.getByLabel('SIP address').fill(lab.users.alice.aor);
      await form.getByLabel('Password', { exact: true }).fill(lab.users.alice.password);
      await form.getByLabel('WebSocket server').fill(lab.wssUrl);
      await form.getByRole('button', { name: 'Save and register' }).click();
      await expect(page.getByRole('region', { name: /Registration status/ }).getByRole('status')).toHaveText(
        'Registered',
      );

      const confirm = page.getByRole('dialog', { name: 'Call this number?' });
      await expect(confirm).toContainText(lab.users.legacy.user);
      await confirm.getByRole('button', { name: 'Call' }).click();
      await lab.legacy.waitForEvent('CALL_ESTABLISHED');
      await page.waitForTimeout(2000);
      await page.getByRole('button', { name: 'Hang up', exact: true }).click();
      await lab.legacy.waitForEvent('CALL_CLOSED');
      const heard = await lab.legacy.receivedAudio();
      expect(heard.rms, 'the desk phone heard the desktop app').toBeGreaterThan(0.01);

      // Quitting (Playwright's close calls app.quit()) signs out first: the server, whose nonce has
      // now gone stale, challenges the un-REGISTER, and the retry still leaves before the app exits.
      await lab.setStaleNonce(true);
      const quitAt = Date.now();
      await app.close();
      expect(await lab.registeredContacts(lab.users.alice.aor), 'contacts left after quitting').toEqual([]);
      const unregisters = await lab.sipRequests({
        method: 'REGISTER',
        from: lab.users.alice.user,
        since: quitAt,
      });
      expect(unregisters.length, 'the un-REGISTER, challenged as stale, and its retry').toBe(2);
    } finally {
      await lab.setStaleNonce(false);
      await app.close();
    }
  });
});
