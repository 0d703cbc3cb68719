/**
 * Electron main: wiring only. Each concern lives in its own module with its OS objects injected.
 *
 * Start-up order matters:
 * 1. before `ready`: register the `app:` scheme as privileged, take the single-instance lock, and
 *    listen for links (macOS `open-url` can fire before `ready`; argv links are queued at once);
 * 2. on `ready`: serve `app:`, lock down the session, open the stores, apply the settings (link
 *    schemes, shortcuts, login item), create the tray, bind IPC, then create the window (hidden when
 *    starting minimised; the renderer loads either way so calls ring).
 *
 * The renderer reports the phone's state (`phone.reportStatus`); main derives the tray and the
 * notifications from it and sends commands back (`IPC.phoneCommand`). Main never runs SIP itself.
 */
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  desktopCapturer,
  dialog,
  globalShortcut,
  ipcMain,
  net,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
} from 'electron';
import type { OpenDialogOptions } from 'electron';
import {
  DEFAULT_SETTINGS,
  IDLE_PHONE_STATUS,
  IPC,
  settingsSchema,
  type Account,
  type PhoneCommand,
  type PhoneStatus,
  type Settings,
} from '../common/contract';
import { parseLink } from '../common/links';
import { NotificationPlanner } from '../common/notification-policy';
import { AccountsStore, accountsFileSchema } from './accounts-store';
import { CertificateTrust } from './certificate-trust';
import { resolveDesktopLocale, type DesktopLocale } from './desktop-strings';
import { incomingWindowFactory } from './incoming-window';
import { IncomingWindows } from './incoming-windows';
import { bindIpcHandlers, createIpcHandlers, type SenderWindow } from './ipc';
import { JsonFile } from './json-file';
import { LinkQueue } from './link-queue';
import { linkParseOptions, pickLinkArgs, protocolClientArgs, ProtocolRegistrar } from './links';
import { KnownSecrets } from '../common/log-redaction';
import { AppLog } from './logging';
import { setLinuxAutostart } from './login-item';
import { MessageNotifications } from './message-notifications';
import { CallNotifications, wrapNotification } from './notifications';
import { RecordingsStore } from './recordings';
import { ScreenSharePicker } from './screen-share';
import { serveRendererFile } from './renderer-files';
import { createSecretBox } from './safe-storage-box';
import {
  APP_ORIGIN,
  APP_SCHEME,
  APP_START_URL,
  contentSecurityPolicy,
  hardenSession,
  hardenWebContents,
  trustedOrigins,
} from './security';
import { closeAction, GlobalShortcuts, SettingsEffects, showWindowOnStart } from './settings-effects';
import { SettingsStore } from './settings-store';
import { watchSystemEvents } from './system-events';
import { AppTray } from './tray';
import { trayIconDir, trayState, type TrayAction } from './tray-state';

/** Same as `appId` in build/electron-builder.yml: Windows matches toasts to the Start-menu shortcut by it. */
const APP_ID = 'app.ringline.softphone';

function main(): void {
  // Set by `electron-vite dev`. Ignored in a packaged app so the environment cannot point it elsewhere.
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const trusted = trustedOrigins(devServerUrl);
  const preload = join(import.meta.dirname, '../preload/index.cjs');

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

  const secrets = new KnownSecrets();
  const appLog = new AppLog({
    file: () => join(app.getPath('logs'), 'main.log'),
    secrets,
    consoleLevel: app.isPackaged ? 'warn' : 'info',
  });
  const log = appLog.scope('main');
  const warn = (message: string): void => log.warn(message);

  let window: BrowserWindow | null = null;
  let tray: AppTray | null = null;
  let started = false;
  let quitting = false;
  let settings: Settings = DEFAULT_SETTINGS;
  let accounts: Account[] = [];
  let status: PhoneStatus = IDLE_PHONE_STATUS;

  function liveWindow(): BrowserWindow | null {
    return window !== null && !window.isDestroyed() ? window : null;
  }

  /** Commands go to the main window's phone; with no renderer there is nobody to act on them. */
  function sendCommand(command: PhoneCommand): void {
    liveWindow()?.webContents.send(IPC.phoneCommand, command);
  }

  function locale(): DesktopLocale {
    return resolveDesktopLocale(settings.language, app.getLocale());
  }

  const links = new LinkQueue((link) => {
    const request = parseLink(link, linkParseOptions(settings, accounts));
    // The reason only: the link itself is a phone number or address, which has no place in a log.
    log.info(
      request.kind === 'dial' ? `link: dial ${request.target.kind}` : `link rejected: ${request.reason}`,
    );
    liveWindow()?.webContents.send(IPC.linksLink, request);
  });
  for (const link of pickLinkArgs(process.argv)) links.push(link);

  const incoming = new IncomingWindows({
    create: incomingWindowFactory(preload),
    pageBase: devServerUrl ?? APP_ORIGIN,
    sendCommand,
  });
  const notifications = new CallNotifications({
    platform: process.platform,
    isSupported: () => Notification.isSupported(),
    create: (options) => wrapNotification(new Notification(options)),
    fallback: incoming,
    showWindow,
    sendCommand,
    locale,
    warn,
  });
  const planner = new NotificationPlanner({ status, doNotDisturb: settings.doNotDisturb });
  const messageNotifications = new MessageNotifications({
    isSupported: () => Notification.isSupported(),
    create: (options) => wrapNotification(new Notification(options)),
    showWindow,
    sendCommand,
    locale,
    doNotDisturb: () => settings.doNotDisturb || status.doNotDisturb,
  });

  function refreshTray(): void {
    tray?.update(
      trayState({ status, settings, locale: locale(), windowVisible: liveWindow()?.isVisible() ?? false }),
    );
  }

  function onStatus(next: PhoneStatus): void {
    status = next;
    notifications.apply(planner.update({ status, doNotDisturb: settings.doNotDisturb }));
    refreshTray();
  }

  /** The renderer reloaded or crashed: its calls are gone, but missed calls stay unseen. */
  function onRendererGone(): void {
    links.rendererGone();
    onStatus({ ...IDLE_PHONE_STATUS, missedCalls: status.missedCalls, lastMissed: status.lastMissed });
  }

  function createWindow(show: boolean): BrowserWindow {
    const created = new BrowserWindow({
      width: 420,
      height: 720,
      minWidth: 360,
      minHeight: 560,
      title: 'Ringline',
      show: false,
      webPreferences: {
        // Written out in full in each window (not spread from a helper) so static checks such as
        // electronegativity can see them. The preload is our one typed contextBridge API.
        preload, // eng-disable PRELOAD_JS_CHECK
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
        // Middle-click would open a link in a new window, past the will-navigate guard.
        disableBlinkFeatures: 'Auxclick',
        // A phone hidden in the tray must keep its SIP timers (registration refresh, keep-alives)
        // and ring on time; Chromium would otherwise throttle a hidden page's timers to once a minute.
        backgroundThrottling: false,
      },
    });
    if (show) created.once('ready-to-show', () => created.show());
    // A reload or navigation drops the renderer's subscriptions; hold links until it says ready again.
    created.webContents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) onRendererGone();
    });
    created.webContents.on('render-process-gone', () => onRendererGone());
    created.on('close', (event) => {
      if (
        closeAction({ closeToTray: settings.closeToTray, quitting, trayAvailable: tray !== null }) === 'hide'
      ) {
        event.preventDefault();
        created.hide();
      }
    });
    // Windows logs off or shuts down without `before-quit`: do not hold the session up by hiding.
    created.on('session-end', () => {
      quitting = true;
    });
    created.on('show', refreshTray);
    created.on('hide', refreshTray);
    created.on('closed', () => {
      window = null;
      onRendererGone();
    });
    created.loadURL(devServerUrl ?? APP_START_URL).catch((error: unknown) => {
      log.error('could not load the window:', error);
    });
    return created;
  }

  /** Brings the window forward, creating it if it was closed (macOS keeps the app running). */
  function showWindow(): void {
    if (!started) return;
    const current = liveWindow() ?? createWindow(true);
    window = current;
    if (current.isMinimized()) current.restore();
    current.show();
    current.focus();
  }

  function toggleWindow(): void {
    const current = liveWindow();
    if (current?.isVisible() && current.isFocused()) current.hide();
    else showWindow();
  }

  async function start(): Promise<void> {
    if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

    // In dev the page comes from Vite's server, which sets no CSP; this handler serves the build.
    const csp = contentSecurityPolicy();
    const rendererDir = join(import.meta.dirname, '../renderer');
    protocol.handle(APP_SCHEME, (request) => serveRendererFile(rendererDir, request, csp));
    hardenSession(session.defaultSession, trusted);
    const screenShare = new ScreenSharePicker(desktopCapturer);
    // Grants exactly the source the user picked in our picker, once; anything else is refused.
    session.defaultSession.setDisplayMediaRequestHandler((_request, callback) => {
      const source = screenShare.take();
      callback(source ? { video: source } : null);
    });

    const userData = app.getPath('userData');
    const box = await createSecretBox(safeStorage, process.platform);
    const accountsStore = new AccountsStore({
      file: new JsonFile({
        path: join(userData, 'accounts.json'),
        schema: accountsFileSchema,
        file: 'accounts',
      }),
      box,
      onSecret: (password) => secrets.add(password),
      onChange: (next) => {
        accounts = next;
      },
    });
    const settingsStore = new SettingsStore(
      new JsonFile({ path: join(userData, 'settings.json'), schema: settingsSchema, file: 'settings' }),
    );
    settings = (await settingsStore.get()).settings;
    accounts = (await accountsStore.list()).accounts;

    const certificates = new CertificateTrust({
      accounts: () => accounts,
      pin: (id, pin) => accountsStore.pinCertificate(id, pin),
      report: (problem) => liveWindow()?.webContents.send(IPC.certificatesProblem, problem),
      warn,
    });
    // Chromium refused a server certificate (the OS does not trust it). Never ignored by default: only
    // the main window's page (the one running SIP) may use a certificate the user pinned.
    const onCertificateError = (
      event: Electron.Event,
      contents: Electron.WebContents,
      url: string,
      error: string,
      certificate: Electron.Certificate,
      callback: (isTrusted: boolean) => void,
    ): void => {
      event.preventDefault();
      const fromPhone = contents.id === liveWindow()?.webContents.id;
      callback(fromPhone && certificates.onCertificateError({ url, pem: certificate.data, error }));
    };
    // electronegativity flags every handler of this event; this one accepts only an exact pinned SHA-256.
    app.on('certificate-error', onCertificateError); // eng-disable CERTIFICATE_ERROR_EVENT_JS_CHECK

    const effects = new SettingsEffects({
      protocols: new ProtocolRegistrar(
        app,
        protocolClientArgs({
          defaultApp: process.defaultApp === true,
          execPath: process.execPath,
          argv: process.argv,
        }),
        warn,
      ),
      shortcuts: new GlobalShortcuts(globalShortcut, sendCommand, warn),
      setOpenAtLogin: (open) => {
        if (process.platform !== 'linux') {
          app.setLoginItemSettings({ openAtLogin: open });
          return;
        }
        const command = process.env['APPIMAGE'] ?? process.execPath;
        const args = process.defaultApp === true && process.argv[1] !== undefined ? [process.argv[1]] : [];
        setLinuxAutostart(
          {
            configHome: app.getPath('appData'),
            id: 'ringline',
            name: 'Ringline',
            command: [command, ...args],
          },
          open,
        ).catch((error: unknown) => log.warn('start at login:', error));
      },
      warn,
    });
    effects.apply(settings);
    appLog.setFileLevel(settings.logLevel);
    settingsStore.subscribe((next) => {
      settings = next;
      appLog.setFileLevel(next.logLevel);
      try {
        effects.apply(next);
      } catch (error) {
        log.error('applying settings failed:', error);
      }
      notifications.apply(planner.update({ status, doNotDisturb: next.doNotDisturb }));
      refreshTray();
    });

    function onTrayAction(action: TrayAction): void {
      switch (action) {
        case 'toggle-window':
          toggleWindow();
          break;
        case 'toggle-dnd': {
          const on = !(settings.doNotDisturb || status.doNotDisturb);
          settingsStore
            .update({ doNotDisturb: on })
            .then(() => sendCommand({ kind: 'set-do-not-disturb', on }))
            .catch((error: unknown) => log.error('do not disturb:', error));
          break;
        }
        case 'answer':
          sendCommand({ kind: 'answer' });
          showWindow();
          break;
        case 'decline':
          sendCommand({ kind: 'decline', statusCode: 603 });
          break;
        case 'busy':
          sendCommand({ kind: 'decline', statusCode: 486 });
          break;
        case 'hangup':
          sendCommand({ kind: 'hangup' });
          break;
        case 'toggle-mute':
          sendCommand({ kind: 'toggle-mute' });
          break;
        case 'quit':
          quitting = true;
          app.quit();
          break;
      }
    }

    try {
      tray = new AppTray(trayState({ status, settings, locale: locale(), windowVisible: false }), {
        iconDir: trayIconDir({
          isPackaged: app.isPackaged,
          resourcesPath: process.resourcesPath,
          mainDir: import.meta.dirname,
        }),
        platform: process.platform,
        onAction: onTrayAction,
        warn,
      });
      log.info('tray: ready');
    } catch (error) {
      log.warn('no tray icon:', error);
    }

    function identify(webContentsId: number): SenderWindow {
      if (liveWindow()?.webContents.id === webContentsId) return { kind: 'main' };
      const callId = incoming.callIdOf(webContentsId);
      return callId === null ? { kind: 'unknown' } : { kind: 'incoming', callId };
    }

    const ipcLog = appLog.scope('ipc');
    bindIpcHandlers(
      ipcMain,
      createIpcHandlers(
        {
          accounts: accountsStore,
          settings: settingsStore,
          phone: { reportStatus: onStatus },
          links,
          incoming,
          recordings: new RecordingsStore({
            folderSetting: async () => (await settingsStore.get()).settings.recordingsFolder,
            defaultFolder: join(app.getPath('music'), 'Ringline recordings'),
            pickFolder: async (current) => {
              const options: OpenDialogOptions = {
                defaultPath: current,
                properties: ['openDirectory', 'createDirectory'],
              };
              const focused = BrowserWindow.getFocusedWindow();
              const result = focused
                ? await dialog.showOpenDialog(focused, options)
                : await dialog.showOpenDialog(options);
              return result.canceled ? null : (result.filePaths[0] ?? null);
            },
            saveFolderSetting: (folder) => settingsStore.update({ recordingsFolder: folder }),
          }),
          log: appLog,
          messages: messageNotifications,
          appInfo: () => ({
            name: app.getName(),
            version: app.getVersion(),
            platform: process.platform,
            host: 'electron',
          }),
          certificates,
          screenShare: {
            sources: () => screenShare.sources(),
            choose: async (sourceId) => screenShare.choose(sourceId),
          },
          // Until electron/gateway is wired in (issue 12), direct transports report themselves unavailable.
          gateway: {
            availability: async () => ({ available: false, reason: 'no-local-service' }),
            connect: async () => ({ ok: false, error: { kind: 'no-gateway', detail: 'not built yet' } }),
            send: async () => {
              throw new Error('no gateway');
            },
            disconnect: async () => undefined,
            lookup: async (domain) => ({ domain, targets: [], error: 'no gateway' }),
            probe: async () => ({ stage: 'connect', detail: 'no gateway' }),
          },
        },
        trusted,
      ),
      identify,
      (error) => ipcLog.warn(error),
    );

    watchSystemEvents({
      powerMonitor,
      isOnline: () => net.isOnline(),
      send: sendCommand,
      setInterval: (callback, ms) => setInterval(callback, ms),
    });

    started = true;
    // Without a tray there would be no way back to a hidden window.
    const show = showWindowOnStart({
      startMinimized: settings.startMinimized,
      linkPending: links.hasPending,
    });
    window = createWindow(show || tray === null);
    refreshTray();
    log.info(`started ${app.getName()} ${app.getVersion()} on ${process.platform}`);
  }

  // Every WebContents, including ones created later, gets the navigation/window/webview guards.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, trusted));

  app.on('second-instance', (_event, argv) => {
    for (const link of pickLinkArgs(argv)) links.push(link);
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

  app.on('before-quit', () => {
    quitting = true;
  });

  app.on('will-quit', () => {
    notifications.dismissAll();
    messageNotifications.dismissAll();
    incoming.closeAll();
    globalShortcut.unregisterAll();
    tray?.destroy();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log.error('Ringline failed to start:', detail);
      dialog.showErrorBox('Ringline could not start', detail);
      app.exit(1);
    });
}

main();
