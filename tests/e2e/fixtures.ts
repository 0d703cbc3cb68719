import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test as base, chromium, type Browser } from '@playwright/test';
import { startLab, type Lab } from '../lab/lab';
import { startWebApp, type WebApp } from '../../electron/gateway/service/web-app';
import { systemDnsClient } from '../../electron/gateway/sip-transport/dns-client';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from '../chromium';
import { AppPage } from './app-page';

/** The browser build as `npm run web` runs it: the app's server plus its local gateway service. */
export interface GatewayWebApp extends WebApp {
  /** What the gateway service logged (`warn: ...`, `info: ...`), oldest first. */
  log: string[];
}

interface WorkerFixtures {
  lab: Lab;
  browser: Browser;
  webApp: GatewayWebApp;
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
  /**
   * Opens a copy of the app as `npm run web` serves it: with the local gateway service, so UDP, TCP
   * and TLS accounts work (its URL carries the service's port and secret in the fragment).
   */
  openGatewayApp: (path?: string, options?: AppContextOptions) => Promise<AppPage>;
  labLogsOnFailure: undefined;
}

/** Opens copies of the app, each in its own browser context, and closes them all when `body` is done. */
async function withAppContexts(
  browser: Browser,
  body: (open: (url: string, options: AppContextOptions) => Promise<AppPage>) => Promise<void>,
): Promise<void> {
  const contexts: Awaited<ReturnType<Browser['newContext']>>[] = [];
  try {
    await body(async (url, options) => {
      const context = await browser.newContext({
        permissions: ['microphone', 'notifications'],
        locale: options.locale ?? 'en-US',
        colorScheme: options.colorScheme ?? 'light',
        ...(options.viewport ? { viewport: options.viewport } : {}),
      });
      contexts.push(context);
      return AppPage.open(context, url);
    });
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
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

  webApp: [
    async ({ lab }, use) => {
      const log: string[] = [];
      const line = (level: string) => (message: string) => void log.push(`${level}: ${message}`);
      // The same code `npm run web` runs, over the built renderer (tests/run-e2e.sh builds it), with
      // this worker's own secret, and DNS from the lab's dnsmasq (what RINGLINE_DNS_SERVER does).
      const app = await startWebApp({
        mode: 'preview',
        log: { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') },
        gateway: {
          dns: systemDnsClient({ RINGLINE_DNS_SERVER: lab.dnsServer }),
          // A UDP server that stops answering is noticed by the keep-alive OPTIONS; RFC 5626's 24-29 s
          // (the default) would make each restart test wait half a minute for the same mechanism.
          timing: { udpKeepAliveMs: [4000, 5000], optionsAnswerMs: 3000 },
        },
      });
      try {
        await use(Object.assign(app, { log }));
      } finally {
        await app.close();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  openGatewayApp: async ({ browser, webApp }, use) => {
    await withAppContexts(browser, (open) =>
      use((path = '/', options = {}) => open(webApp.url(path), options)),
    );
  },

  openApp: async ({ browser }, use) => {
    await withAppContexts(browser, (open) => use((path = '/', options = {}) => open(path, options)));
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
