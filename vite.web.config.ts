import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type HtmlTagDescriptor, type Plugin, type Rolldown, type UserConfig } from 'vite';
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

/**
 * What the main window's start imports on demand but always needs: without a `modulepreload` (and a
 * stylesheet link for their styles) the browser learns of these only once the entry has run, one more
 * round trip to the server before the first screen. The English text is the likely language (another
 * one costs its 30 kB on top).
 */
function preloadStartChunks(modules: readonly string[]): Plugin {
  return {
    name: 'ringline-preload-start-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle, filename }) {
        if (!bundle || !filename.endsWith('index.html')) return;
        const chunks = Object.values(bundle).filter((output) => output.type === 'chunk');
        const files = new Set<string>();
        const add = (file: string): void => {
          if (files.has(file)) return;
          files.add(file);
          chunks.find((chunk) => chunk.fileName === file)?.imports.forEach(add);
        };
        for (const module of modules)
          for (const chunk of chunks)
            if (chunk.moduleIds.some((id) => id.endsWith(module))) add(chunk.fileName);
        const styles = [...files].flatMap((file) => [
          ...(chunks.find((chunk) => chunk.fileName === file)?.viteMetadata?.importedCss ?? []),
        ]);
        const link = (rel: string, file: string): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel, crossorigin: true, href: `./${file}` },
          injectTo: 'head',
        });
        return [
          ...[...files].filter((file) => !html.includes(file)).map((file) => link('modulepreload', file)),
          ...[...new Set(styles)]
            .filter((file) => !html.includes(file))
            .map((file) => link('stylesheet', file)),
        ];
      },
    },
  };
}

/** The main window's entry (`main.ts`, small) and the app's start it imports on demand (`boot.ts`). */
const ENTRY = resolve(import.meta.dirname, 'renderer/src/main.ts');
const START = resolve(import.meta.dirname, 'renderer/src/boot.ts');

/** `from` and every module it imports statically, directly or not. */
function staticallyImported(
  from: string,
  getModuleInfo: Rolldown.ChunkingContext['getModuleInfo'],
): Set<string> {
  const found = new Set<string>();
  const visit = (id: string): void => {
    if (found.has(id)) return;
    found.add(id);
    getModuleInfo(id)?.importedIds.forEach(visit);
  };
  visit(from);
  return found;
}

/** Per chunking pass (keyed by the start module's info, which a pass reuses): which modules go where. */
const startChunks = new WeakMap<object, { entry: Set<string>; start: Set<string> }>();

/**
 * Where a module of the main window's start goes: what the entry imports statically (the first read,
 * Vite's preload helper) in a small chunk of its own, which the entry waits for; what `boot.ts` imports
 * statically beyond that in the start chunk, which the entry fetches at once but does not wait for.
 * Without the first group, Rolldown merges the modules both share into the start chunk, and the entry
 * would wait for all of it.
 */
function startChunk(id: string, context: Rolldown.ChunkingContext): 'entry' | 'start' | null {
  // A method of the context's (destructured, it loses its `this`).
  const getModuleInfo = (module: string) => context.getModuleInfo(module);
  const startInfo = getModuleInfo(START);
  if (!startInfo) return null;
  let chunks = startChunks.get(startInfo);
  if (!chunks) {
    const entry = staticallyImported(ENTRY, getModuleInfo);
    entry.delete(ENTRY);
    const start = new Set(
      [...staticallyImported(START, getModuleInfo)].filter((module) => !entry.has(module)),
    );
    chunks = { entry, start };
    startChunks.set(startInfo, chunks);
  }
  return chunks.entry.has(id) ? 'entry' : chunks.start.has(id) ? 'start' : null;
}

/** The renderer's build, shared by the desktop build (electron-vite) and the browser build (`npm run web`). */
export const rendererConfig = {
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [vue(), devServerStyles, preloadStartChunks(['renderer/src/boot.ts', 'renderer/src/i18n/en.ts'])],
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
    // Every browser the app supports (Chromium, Electron, current Firefox and Safari) has
    // `modulepreload`; the polyfill would be one more script ahead of the first screen.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: {
          // What the main window runs at start, in one chunk: by default each module that a lazy view
          // shares with the start became a chunk of its own, and the first screen waited for 18 requests
          // (6 at a time over HTTP/1.1) instead of a few. Left out: the pages' entries (so the build
          // manifest still says what each page loads), the desktop's incoming-call window (which
          // imports both languages) and the languages, each its own chunk.
          groups: [
            {
              name: (id, context) =>
                /\.(html|css)$|renderer[\\/]src[\\/](incoming[\\/]|i18n[\\/](en|zh-CN)\.ts)/.test(id)
                  ? null
                  : startChunk(id, context),
            },
          ],
        },
      },
    },
  },
} satisfies UserConfig;

export default defineConfig({
  ...rendererConfig,
  // Only the browser build starts with the browser host; the desktop app never downloads it.
  plugins: [
    vue(),
    devServerStyles,
    preloadStartChunks(['renderer/src/boot.ts', 'renderer/src/i18n/en.ts', 'renderer/src/host/web-host.ts']),
  ],
});
