import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.web.config';

/**
 * One build for the desktop app: main (ESM), preload (one CommonJS bundle, as Electron's sandbox
 * requires: no ESM and no local requires), and the same renderer that `npm run web` serves.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rolldownOptions: {
        ...rendererConfig.build.rolldownOptions,
        input: {
          index: resolve(import.meta.dirname, 'renderer/index.html'),
          // The fallback incoming-call window (electron/main/incoming-window.ts); desktop only.
          incoming: resolve(import.meta.dirname, 'renderer/incoming.html'),
        },
      },
    },
  },
});
