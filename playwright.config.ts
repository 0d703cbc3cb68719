import { defineConfig } from '@playwright/test';

const WEB_PORT = Number(process.env.RINGLINE_WEB_PORT ?? 4173);

/**
 * End-to-end tests: Debian's Chromium driven against the real lab (Kamailio, rtpengine, baresip).
 * `tests/run-e2e.sh` runs this inside a loopback-only network namespace; do not run it outside one,
 * or Chromium offers the machine's other addresses as ICE candidates.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // Two workers, each with its own lab: the suite fits the 15-minute budget on a 2-core machine, and
  // a spec's tests still run in order on one worker.
  workers: 2,
  // One retry: a test that passes only on its second try is listed as "flaky" in the summary, to be
  // looked into like a failure, but a single scheduler stall on a loaded 2-core machine (four
  // Chromiums, two labs) does not sink the run. A test that fails twice fails the run.
  retries: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${WEB_PORT}/`,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite preview --config vite.web.config.ts --host 127.0.0.1 --port ${WEB_PORT} --strictPort`,
    url: `http://127.0.0.1:${WEB_PORT}/`,
    cwd: import.meta.dirname,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
