/**
 * The Electron security checklist, checked where a unit test can see it: the sources themselves (every
 * window's webPreferences, what main wires at start-up, what the renderer never does) and the
 * WebContents guards driven through their handlers. docs/security.md lists where each point lives.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { hardenWebContents, trustedOrigins } from '../../../electron/main/security';

const root = join(import.meta.dirname, '../../..');

async function sources(folder: string, pattern: RegExp): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(join(root, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !pattern.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(root, path), await readFile(path, 'utf8'));
  }
  return files;
}

/** The object literal passed as `webPreferences` after each `new BrowserWindow(`. */
function webPreferencesBlocks(source: string): string[] {
  return [...source.matchAll(/new BrowserWindow\(\{[\s\S]*?webPreferences: \{([\s\S]*?)\n\s*\},/g)].map(
    (match) => match[1] ?? '',
  );
}

describe('every BrowserWindow', () => {
  it('is isolated, sandboxed, without Node, webview or relaxed web security', async () => {
    const main = await sources('electron/main', /\.ts$/);
    const windows = [...main].flatMap(([file, source]) =>
      webPreferencesBlocks(source).map((block) => ({ file, block })),
    );
    // main-browser-window.ts (main window) and incoming-window.ts (incoming-call window).
    expect(windows.map((w) => w.file).sort()).toEqual([
      'electron/main/incoming-window.ts',
      'electron/main/main-browser-window.ts',
    ]);
    for (const { file, block } of windows) {
      for (const setting of [
        'contextIsolation: true',
        'sandbox: true',
        'nodeIntegration: false',
        'webSecurity: true',
        'webviewTag: false',
      ]) {
        expect(block, `${file}: ${setting}`).toContain(setting);
      }
      expect(block, file).not.toMatch(
        /allowRunningInsecureContent|experimentalFeatures|nodeIntegrationIn\w+: true/,
      );
    }
    const count = [...main.values()].join('\n').match(/new BrowserWindow\(/g)?.length;
    expect(count).toBe(windows.length);
  });
});

describe('main at start-up', () => {
  it('guards every WebContents, the session, and certificate errors', async () => {
    const index = await readFile(join(root, 'electron/main/index.ts'), 'utf8');
    expect(index).toMatch(
      /app\.on\('web-contents-created', \(_event, contents\) => hardenWebContents\(contents, trusted\)\)/,
    );
    expect(index).toContain('hardenSession(session.defaultSession, trusted)');
    expect(index).toMatch(
      /const onCertificateError = certificateErrorListener\(\{[\s\S]*?certificates\.onCertificateError\(/,
    );
    expect(index).toContain("app.on('certificate-error', onCertificateError);");
    const listener = await readFile(join(root, 'electron/main/certificate-errors.ts'), 'utf8');
    expect(listener).toMatch(
      /return \(event, contents, url, error, certificate, callback\) => \{[\s\S]*?event\.preventDefault\(\);/,
    );
    expect(listener).toContain('callback(fromPhone && options.decide(');
  });

  it('never switches certificate checks off or opens external programs', async () => {
    const code = new Map([
      ...(await sources('electron', /\.ts$/)),
      ...(await sources('renderer/src', /\.(ts|vue)$/)),
    ]);
    for (const [file, source] of code) {
      expect(source, file).not.toMatch(
        /ignore-certificate-errors|allow-insecure-localhost|setCertificateVerifyProc\(|NODE_TLS_REJECT_UNAUTHORIZED/,
      );
      // The gateway starts TLS in one place, which takes Node's refusal into its own decision (chain,
      // identity, the user's pin) so a refused certificate can be reported with its fingerprint.
      if (file !== 'electron/gateway/sip-transport/tls-trust.ts')
        expect(source, file).not.toMatch(/rejectUnauthorized|tls\.connect\(|connect as tlsConnect/);
      // Ringline shows no links to the web; anything that wants one needs a validated verb first.
      if (file === 'electron/gateway/sip-transport/tls-trust.ts') {
        expect(source.match(/rejectUnauthorized/g), file).toHaveLength(1);
        expect(source, file).toMatch(
          /rejectUnauthorized: false,[\s\S]*?secure\.once\('secureConnect', \(\) => \{[\s\S]*?const verdict = tlsVerdict\(\{[\s\S]*?if \(!verdict\.accept\) \{\s+secure\.destroy\(\);/,
        );
      }
      expect(source, file).not.toMatch(/openExternal|shell\./);
    }
  });

  it('exposes one typed API from the preload, never ipcRenderer itself', async () => {
    const preload = await readFile(join(root, 'electron/preload/index.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain("contextBridge.exposeInMainWorld('ringline', api)");
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});

describe('renderer pages', () => {
  it('render no raw HTML, open no windows and embed no webviews', async () => {
    for (const [file, source] of await sources('renderer', /\.(ts|vue|html)$/)) {
      expect(source, file).not.toMatch(/v-html|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      expect(source, file).not.toMatch(/window\.open\(|target="_blank"|<webview/);
      expect(source, file).not.toMatch(/\beval\(|new Function\(/);
    }
  });
});

describe('hardenWebContents', () => {
  type Listener = (event: { url: string; preventDefault(): void }) => void;

  /** Records the handlers hardenWebContents installs, so the test can fire events at them. */
  function recorder() {
    const listeners = new Map<string, Listener>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = {
      setWindowOpenHandler: (handler: typeof openHandler) => {
        openHandler = handler;
      },
      on: (event: string, listener: Listener) => {
        listeners.set(event, listener);
        return contents;
      },
    };
    hardenWebContents(contents as unknown as WebContents, trustedOrigins());
    const fire = (event: string, url: string): boolean => {
      let prevented = false;
      listeners.get(event)?.({ url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    return { open: (url: string) => openHandler?.({ url }).action, fire, listeners };
  }

  it('denies every new window, ours or not', () => {
    const { open } = recorder();
    for (const url of [
      'https://example.com/',
      'app://ringline/index.html',
      'file:///etc/passwd',
      'javascript:1',
    ]) {
      expect(open(url), url).toBe('deny');
    }
  });

  it('keeps navigation and redirects on our pages', () => {
    const { fire } = recorder();
    for (const event of ['will-navigate', 'will-redirect']) {
      expect(fire(event, 'app://ringline/index.html#/history'), event).toBe(false);
      for (const url of [
        'https://evil.example/',
        'file:///tmp/x.html',
        'app://evil/index.html',
        'data:text/html,x',
      ]) {
        expect(fire(event, url), `${event} ${url}`).toBe(true);
      }
    }
  });

  it('refuses to attach a webview', () => {
    const { fire, listeners } = recorder();
    expect(listeners.has('will-attach-webview')).toBe(true);
    expect(fire('will-attach-webview', 'app://ringline/index.html')).toBe(true);
  });
});
