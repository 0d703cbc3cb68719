import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

/** The README's screenshots: the e2e set-up (web server, lab fixtures) with its own test folder. */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'screenshots.spec.ts',
  workers: 1,
  timeout: 180_000,
});
