import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

/** The benchmark reuses the e2e set-up (web server, lab fixtures) with its own test folder. */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: ['bench.spec.ts', 'media-bridge-bench.spec.ts'],
  timeout: 15 * 60_000,
});
