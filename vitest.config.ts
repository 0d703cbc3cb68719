import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from './tests/chromium';

/**
 * Two projects: Electron main's logic runs in Node (it never imports Electron itself), and the
 * renderer's tests run in real Chromium (Debian's build, driven by Playwright), like the app.
 */
export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@common': resolve(import.meta.dirname, 'electron/common') } },
  define: { __APP_VERSION__: JSON.stringify('test') },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: [
            'tests/unit/electron/**/*.test.ts',
            'tests/unit/gateway/**/*.test.ts',
            'tests/unit/lab/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          include: ['tests/unit/renderer/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: CHROMIUM_PATH,
                // Web Audio runs without a click, as it does in the app once the user has interacted.
                args: [...CHROMIUM_BASE_ARGS, '--autoplay-policy=no-user-gesture-required'],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
