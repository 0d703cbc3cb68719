import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test as base, chromium, type Browser } from '@playwright/test';
import { startLab, type Lab } from '../lab/lab';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from '../chromium';
import { AppPage } from './app-page';

interface WorkerFixtures {
  lab: Lab;
  browser: Browser;
}

/** How the browser around a copy of the app is set up: the OS language, light or dark, window size. */
export interface AppContextOptions {
  locale?: string;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
}

interface TestFixtures {
  /** Opens another copy of the app in its own browser context (its own storage, like another user). */
  openApp: (path?: string, options?: AppContextOptions) => Promise<AppPage>;
  labLogsOnFailure: undefined;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  lab: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const lab = await startLab();
      try {
        await use(lab);
      } finally {
        await lab.stop();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  browser: [
    async ({ lab }, use) => {
      // What the app's microphone hears: a 660 Hz tone, distinct from the legacy phone's 440 Hz.
      const microphone = join(lab.dir, 'microphone.wav');
      execFileSync('sox', [
        '-n',
        '-r',
        '48000',
        '-c',
        '1',
        '-b',
        '16',
        microphone,
        'synth',
        '20',
        'sine',
        '660',
        'vol',
        '0.5',
      ]);
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: [
          ...CHROMIUM_BASE_ARGS,
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-audio-capture=${microphone}`,
          '--allow-loopback-in-peer-connection',
          '--autoplay-policy=no-user-gesture-required',
          // Trust exactly the lab's freshly made certificate, nothing else.
          `--ignore-certificate-errors-spki-list=${lab.certSpkiSha256}`,
        ],
      });
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  openApp: async ({ browser }, use) => {
    const contexts: Awaited<ReturnType<Browser['newContext']>>[] = [];
    await use(async (path = '/', options: AppContextOptions = {}) => {
      const context = await browser.newContext({
        permissions: ['microphone', 'notifications'],
        locale: options.locale ?? 'en-US',
        colorScheme: options.colorScheme ?? 'light',
        ...(options.viewport ? { viewport: options.viewport } : {}),
      });
      contexts.push(context);
      return AppPage.open(context, path);
    });
    await Promise.all(contexts.map((context) => context.close()));
  },

  labLogsOnFailure: [
    async ({ lab }, use, testInfo) => {
      // The lab lives for the whole worker: events from an earlier test must not satisfy this one.
      lab.legacy.clearEvents();
      await use(undefined);
      if (testInfo.status !== testInfo.expectedStatus) {
        const logs = await lab.dumpLogs();
        console.log(`---- lab logs for "${testInfo.title}" ----\n${logs}`);
        await testInfo.attach('lab-logs.txt', { body: logs, contentType: 'text/plain' });
      }
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
