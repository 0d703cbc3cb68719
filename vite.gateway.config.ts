import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The browser build's local gateway service (`npm run web`) as one ES module for Node, as Electron
 * main's build bundles the same code (build/scripts/gateway-service.mjs says why it is not loaded
 * through Vite's module runner). Dependencies stay in node_modules: Vite externalises them for SSR.
 */
export default defineConfig({
  logLevel: 'warn',
  build: {
    ssr: resolve(import.meta.dirname, 'electron/gateway/service/web-app.ts'),
    // As deep under out/ as its source under electron/: the paths web-app.ts takes relative to itself
    // (the repository's root, the built renderer) hold in the bundle too.
    outDir: 'out/gateway/service',
    emptyOutDir: true,
    minify: false,
  },
});
