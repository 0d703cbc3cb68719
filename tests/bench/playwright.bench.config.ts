import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

/**
 * The benchmark reuses the e2e set-up (web server, lab fixtures) with its own test folder. No trace:
 * recording one snapshots the DOM after every action, inside the page being timed.
 */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: ['bench.spec.ts', 'media-bridge-service-bench.spec.ts', 'direct-call-bench.spec.ts'],
  timeout: 15 * 60_000,
  use: { ...base.use, trace: 'off' },
});
