import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { resolveRendererFile } from '../../electron/main/renderer-files';

/**
 * The split bundle, as the desktop app loads it: `tests/run-e2e.sh` has just built `out/renderer`
 * (electron-vite) and `out/web` (Vite) from the same sources. Electron cannot run here, so this checks
 * the built files against main's own `app://` file handler instead.
 */
const desktop = join(import.meta.dirname, '../../out/renderer');
const web = join(import.meta.dirname, '../../out/web');

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** The build's manifest: which chunks each page and each dynamically imported module needs. */
function readManifest(root: string): Record<string, ManifestChunk> {
  return JSON.parse(readFileSync(join(root, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
}

/** The chunks that load with `entries` before their code runs: their static imports, not those on demand. */
function staticClosure(root: string, entries: string[]): Set<string> {
  const manifest = readManifest(root);
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    chunk.imports?.forEach(visit);
  };
  entries.forEach(visit);
  return files;
}

/** Every file a page can load, from the build's manifest: its chunks, their imports (static and on demand), their styles. */
function referencedFiles(root: string, page: string): Set<string> {
  const manifest = readManifest(root);
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key)) return;
    seen.add(key);
    files.add(chunk.file);
    chunk.css?.forEach((css) => files.add(css));
    [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])].forEach(visit);
  };
  visit(page);
  return files;
}

const withoutHash = (file: string) => file.replace(/-[\w-]{8}(\.\w+)$/, '$1');

test.describe('the desktop build loads the split bundle through app://', () => {
  test("every chunk the windows can load is served by the app:// handler, and it has the browser build's chunks", () => {
    for (const page of ['index.html', 'incoming.html']) {
      const files = referencedFiles(desktop, page);
      // More than the entry: the other views, the SIP stack, the databases are chunks of their own.
      if (page === 'index.html') expect(files.size).toBeGreaterThan(10);
      for (const file of files) {
        expect(existsSync(join(desktop, file)), file).toBe(true);
        const served = resolveRendererFile(desktop, `app://ringline/${file}`);
        expect(served, file).toMatchObject({ kind: 'file', path: join(desktop, file) });
        expect(served.kind === 'file' && served.contentType, file).toMatch(/^text\/(javascript|css);/);
      }
    }
    const chunks = (root: string) =>
      readdirSync(join(root, 'assets'))
        .filter((file) => file.endsWith('.js'))
        .map(withoutHash)
        .sort();
    const desktopChunks = new Set(chunks(desktop));
    expect(chunks(web).filter((chunk) => !desktopChunks.has(chunk))).toEqual([]);
    expect([...referencedFiles(desktop, 'index.html')].map(withoutHash)).toEqual(
      expect.arrayContaining(['assets/engine.js', 'assets/HistoryView.js', 'assets/call-history.js']),
    );
  });
});

test("the browser build's first screen loads neither SIP.js nor zod", () => {
  // What the page needs before its first screen: the page's own chunks, the start chunk its entry
  // imports at once (on demand, so that the entry runs first and starts reading the stored records),
  // the browser host (imported at start where there is no Electron) and one language. SIP.js comes with
  // the first account or connection test, zod with the first record to check or form to validate, both
  // after the first paint.
  const page = readManifest(web)['index.html'];
  expect(page?.dynamicImports ?? []).toHaveLength(1);
  const firstScreen = staticClosure(web, [
    'index.html',
    ...(page?.dynamicImports ?? []),
    'src/host/web-host.ts',
    'src/i18n/en.ts',
  ]);
  const all = readdirSync(join(web, 'assets')).filter((file) => file.endsWith('.js'));
  const holding = (marker: string, files: Iterable<string>) =>
    [...files].filter((file) => readFileSync(join(web, file), 'utf8').includes(marker));
  // The markers: SIP.js's default User-Agent header, zod's error class name.
  for (const marker of ['SIP.js/', 'ZodError']) {
    expect(
      holding(
        marker,
        all.map((file) => `assets/${file}`),
      ),
      marker,
    ).not.toEqual([]);
    expect(holding(marker, firstScreen), marker).toEqual([]);
  }
});

test("the SIP stack that registers an account does not wait for libphonenumber's metadata", () => {
  // About 120 kB that only reading a dialled number needs: the REGISTER leaves without it, and it is
  // fetched meanwhile (see Softphone.connect).
  const engine = staticClosure(web, ['src/sip/engine.ts']);
  const all = readdirSync(join(web, 'assets'))
    .filter((file) => file.endsWith('.js'))
    .map((file) => `assets/${file}`);
  // The marker: a key of libphonenumber's metadata.
  const holding = (files: Iterable<string>) =>
    [...files].filter((file) => readFileSync(join(web, file), 'utf8').includes('country_calling_codes'));
  expect(holding(all)).not.toEqual([]);
  expect(engine.size).toBeGreaterThan(1);
  expect(holding(engine)).toEqual([]);
});
