import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { baseCompile } from '@intlify/message-compiler';
import vue from '@vitejs/plugin-vue';
import { defineConfig, transformWithOxc, type HtmlTagDescriptor, type Plugin, type UserConfig } from 'vite';
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
 * What the main window's start imports on demand but always needs: without a `modulepreload` the
 * browser learns of these only once the entry has run, one more round trip to the server before the
 * first screen. The English text is the likely language (another one costs its 30 kB on top).
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
        return [...files]
          .filter((file) => !html.includes(file))
          .map((file): HtmlTagDescriptor => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
            injectTo: 'head',
          }));
      },
    },
  };
}

/** The import query that asks for a UI language's messages precompiled. */
const PRECOMPILED = '?precompiled';

interface MessageTree {
  [key: string]: unknown;
}

/** Every message string of `tree` replaced by vue-i18n's message AST; a message it cannot parse throws. */
function compileTree(tree: MessageTree, path: string[] = []): MessageTree {
  const out: MessageTree = {};
  for (const [key, value] of Object.entries(tree)) {
    const at = [...path, key];
    if (typeof value === 'string') {
      const errors: string[] = [];
      // The form vue-i18n's runtime takes in place of a string (`isMessageAST`): what its own build
      // plugin (@intlify/unplugin-vue-i18n) emits in JIT mode, without source locations.
      const { ast } = baseCompile(value, {
        jit: true,
        location: false,
        minify: true,
        onError: (error) => errors.push(error.message),
      });
      if (errors.length > 0) throw new Error(`message ${at.join('.')}: ${errors.join('; ')}`);
      out[key] = ast;
    } else if (typeof value === 'object' && value !== null) {
      out[key] = compileTree(value as MessageTree, at);
    } else {
      throw new Error(`message ${at.join('.')} is neither text nor a group of messages`);
    }
  }
  return out;
}

/**
 * UI text compiled at build time: `import messages from './en.ts?precompiled'` is the language file's
 * one exported object with each message already parsed. vue-i18n otherwise parses every message the
 * first time it is shown (the first screen's few dozen took tens of ms on a loaded machine), and the
 * app's bundle can leave vue-i18n's message compiler out (`__INTLIFY_DROP_MESSAGE_COMPILER__`).
 *
 * Plain imports of the same file still get the text: the desktop's incoming-call window fills its
 * `{caller}` itself, and the tests compare against it. We do not use @intlify/unplugin-vue-i18n for
 * this: it reads only JSON/YAML or JavaScript with a default export, and turns every import of the
 * file into the compiled form.
 */
export function precompiledMessages(): Plugin {
  return {
    name: 'ringline-precompiled-messages',
    enforce: 'pre',
    load: {
      filter: { id: /\?precompiled$/ },
      async handler(id) {
        const file = id.slice(0, -PRECOMPILED.length);
        this.addWatchFile(file);
        const { code } = await transformWithOxc(await readFile(file, 'utf8'), file);
        // A language file is data: its only imports are types, erased above, so it runs on its own.
        const module = (await import(
          `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
        )) as Record<string, unknown>;
        const exported = Object.values(module);
        const [messages] = exported;
        if (exported.length !== 1 || typeof messages !== 'object' || messages === null)
          throw new Error(`${file} must export exactly one object of messages`);
        // V8 loads a large object quicker from JSON.parse of a string than from the same object literal.
        const json = JSON.stringify(compileTree(messages as MessageTree));
        return `export default JSON.parse(${JSON.stringify(json)});`;
      },
    },
  };
}

/** The renderer's build, shared by the desktop build (electron-vite) and the browser build (`npm run web`). */
export const rendererConfig = {
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [
    vue(),
    precompiledMessages(),
    devServerStyles,
    preloadStartChunks(['renderer/src/i18n/en.ts?precompiled']),
  ],
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
    // The app's messages come parsed (`precompiledMessages` above): no message compiler is shipped.
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'true',
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
              name: (id) =>
                /\.(html|css)$|renderer[\\/]src[\\/](main\.ts|incoming[\\/]|i18n[\\/](en|zh-CN)\.ts)/.test(id)
                  ? null
                  : 'start',
              tags: ['$initial'],
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
    precompiledMessages(),
    devServerStyles,
    preloadStartChunks(['renderer/src/i18n/en.ts?precompiled', 'renderer/src/host/web-host.ts']),
  ],
});
