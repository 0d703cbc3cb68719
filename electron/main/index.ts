/**
 * Electron main: wiring only. Each concern lives in its own module with its OS objects injected.
 *
 * Start-up order matters:
 * 1. before `ready`: register the `app:` scheme as privileged, take the single-instance lock, and
 *    listen for links (macOS `open-url` can fire before `ready`);
 * 2. on `ready`: serve `app:`, lock down the session, open the stores, bind IPC, then create the window.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, safeStorage, session } from 'electron';
import { IPC, settingsSchema } from '../common/contract';
import { AccountsStore, accountsFileSchema } from './accounts-store';
import { bindIpcHandlers, createIpcHandlers } from './ipc';
import { JsonFile } from './json-file';
import { LinkQueue, pickDialLinks } from './link-queue';
import { CallNotifications } from './notifications';
import { serveRendererFile } from './renderer-files';
import { createSecretBox } from './safe-storage-box';
import {
  APP_SCHEME,
  APP_START_URL,
  contentSecurityPolicy,
  hardenSession,
  hardenWebContents,
  trustedOrigins,
} from './security';
import { SettingsStore } from './settings-store';

/** Same as `appId` in build/electron-builder.yml: Windows matches toasts to the Start-menu shortcut by it. */
const APP_ID = 'app.ringline.softphone';

function main(): void {
  // Set by `electron-vite dev`. Ignored in a packaged app so the environment cannot point it elsewhere.
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const trusted = trustedOrigins(devServerUrl);

  // Must happen before `ready`. `standard` gives the scheme a real origin (relative URLs, storage),
  // `secure` makes it a secure context (getUserMedia needs one), `supportFetchAPI` and `corsEnabled`
  // let Vite's `<script type="module" crossorigin>` load, `stream` lets <audio> play ringtone files.
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true },
    },
  ]);

  // A second launch (e.g. the OS opening a tel: link) hands its argv to us and exits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let window: BrowserWindow | null = null;
  let started = false;

  const links = new LinkQueue((request) => window?.webContents.send(IPC.linksDialRequest, request));
  for (const link of pickDialLinks(process.argv)) links.push(link);

  function createWindow(): BrowserWindow {
    const created = new BrowserWindow({
      width: 420,
      height: 720,
      minWidth: 360,
      minHeight: 560,
      title: 'Ringline',
      show: false,
      webPreferences: {
        preload: join(import.meta.dirname, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
      },
    });
    created.once('ready-to-show', () => created.show());
    // A reload or navigation drops the renderer's subscription; hold links until it says ready again.
    created.webContents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) links.rendererGone();
    });
    created.webContents.on('render-process-gone', () => links.rendererGone());
    created.on('closed', () => {
      window = null;
      links.rendererGone();
    });
    created.loadURL(devServerUrl ?? APP_START_URL).catch((error: unknown) => {
      console.error('Ringline: could not load the window:', error);
    });
    return created;
  }

  /** Brings the window forward, creating it if it was closed (macOS keeps the app running). */
  function showWindow(): void {
    if (!started) return;
    window ??= createWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  async function start(): Promise<void> {
    if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

    // In dev the page comes from Vite's server, which sets no CSP; this handler serves the build.
    const csp = contentSecurityPolicy();
    const rendererDir = join(import.meta.dirname, '../renderer');
    protocol.handle(APP_SCHEME, (request) => serveRendererFile(rendererDir, request, csp));
    hardenSession(session.defaultSession, trusted);

    const userData = app.getPath('userData');
    const box = await createSecretBox(safeStorage, process.platform);
    const accounts = new AccountsStore({
      file: new JsonFile({
        path: join(userData, 'accounts.json'),
        schema: accountsFileSchema,
        file: 'accounts',
      }),
      box,
    });
    const settings = new SettingsStore(
      new JsonFile({ path: join(userData, 'settings.json'), schema: settingsSchema, file: 'settings' }),
    );
    const notifications = new CallNotifications({
      isSupported: () => Notification.isSupported(),
      create: (options) => new Notification(options),
      showWindow,
    });

    bindIpcHandlers(
      ipcMain,
      createIpcHandlers(
        {
          accounts,
          settings,
          notifications,
          links,
          appInfo: () => ({
            name: app.getName(),
            version: app.getVersion(),
            platform: process.platform,
            host: 'electron',
          }),
        },
        trusted,
      ),
    );

    started = true;
    showWindow();
  }

  // Every WebContents, including ones created later, gets the navigation/window/webview guards.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, trusted));

  app.on('second-instance', (_event, argv) => {
    for (const link of pickDialLinks(argv)) links.push(link);
    showWindow();
  });

  // macOS delivers clicked links here instead of argv, also on a cold start (before `ready`).
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.push(url);
    showWindow();
  });

  // macOS: clicking the Dock icon with no window open.
  app.on('activate', () => showWindow());

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error('Ringline failed to start:', detail);
      dialog.showErrorBox('Ringline could not start', detail);
      app.exit(1);
    });
}

main();
