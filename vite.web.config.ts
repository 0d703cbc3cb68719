import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

/**
 * The pages' CSP allows no inline styles. Vite's dev server injects CSS as `<style>` elements (for hot
 * reload) while builds link CSS files, so only the dev server relaxes `style-src`.
 */
const devServerStyles: Plugin = {
  name: 'ringline-dev-server-styles',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';"),
};

/** The renderer's build, shared by the desktop build (electron-vite) and the browser build (`npm run web`). */
export const rendererConfig = {
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [vue(), devServerStyles],
  resolve: { alias: { '@common': resolve(import.meta.dirname, 'electron/common') } },
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    // Vue and vue-i18n features the app does not use (every component is `<script setup>`, i18n runs in
    // composition mode with `useI18n`), left out of the bundle.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: resolve(import.meta.dirname, 'out/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // `.vite/manifest.json`: which chunks each page loads, statically and on demand (checked by
    // tests/e2e/desktop-bundle.spec.ts; a hidden folder, so the app:// handler never serves it).
    manifest: true,
  },
} satisfies UserConfig;

export default defineConfig(rendererConfig);
