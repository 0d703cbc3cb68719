/**
 * Playwright config for checking the lab itself (tests/e2e/lab.spec.ts) without the app's own
 * config. Needs no browser. Run inside a loopback-only network namespace:
 *   unshare -n bash -c 'ip link set lo up; npx playwright test -c tests/lab/playwright.lab.config.ts'
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '../e2e',
  testMatch: 'lab.spec.ts',
  outputDir: './test-results',
  timeout: 60_000,
  workers: 1,
  reporter: 'list',
});
