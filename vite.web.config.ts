import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type UserConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

/** The renderer's build, shared by the desktop build (electron-vite) and the browser build (`npm run web`). */
export const rendererConfig = {
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [vue()],
  resolve: { alias: { '@common': resolve(import.meta.dirname, 'electron/common') } },
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: resolve(import.meta.dirname, 'out/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
} satisfies UserConfig;

export default defineConfig(rendererConfig);
