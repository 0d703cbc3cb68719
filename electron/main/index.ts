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
 * notifications from it and sends commands back (`IPC.phoneCommand`). Main runs no SIP stack: SIP.js in
 * the renderer does, and main's gateway (`electron/gateway`) only carries its messages over UDP, TCP
 * or TLS for accounts without a WebSocket server.
 */
import { join } from 'node:path';
import {
  app,
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
import { certificateErrorListener } from './certificate-errors';
import { CertificateTrust } from './certificate-trust';
import { DesktopGateway } from './desktop-gateway';
import { resolveDesktopLocale, type DesktopLocale } from './desktop-strings';
import { incomingWindowFactory } from './incoming-window';
import { IncomingWindows } from './incoming-windows';
import { bindIpcHandlers, createIpcHandlers, type SenderWindow } from './ipc';
import { pickFolder } from './folder-dialog';
import { JsonFile } from './json-file';
import { LinkQueue } from './link-queue';
import { linkParseOptions, pickLinkArgs, protocolClientArgs, ProtocolRegistrar } from './links';
import { KnownSecrets } from '../common/log-redaction';
import { AppLog } from './logging';
import { loginItemSetter } from './login-item';
import { createMainBrowserWindow } from './main-browser-window';
import { MainWindow } from './main-window';
import { MessageNotifications } from './message-notifications';
import { CallNotifications, wrapNotification } from './notifications';
import { PhoneSignOut } from './phone-sign-out';
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
import { fetchProvisioningText } from '../common/provisioning-fetch';
import { AppTray } from './tray';
import { trayActions } from './tray-actions';
import { trayIconDir, trayState } from './tray-state';

/** Same as `appId` in build/electron-builder.yml: Windows matches toasts to the Start-menu shortcut by it. */
const APP_ID = 'app.ringline.softphone';

function main(): void {
  // Set by `electron-vite dev`. Ignored in a packaged app so the environment cannot point it elsewhere.
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const trusted = trustedOrigins(devServerUrl);
  const preload = join(import.meta.dirname, '../preload/index.cjs');

  // The gateway's media bridge (electron/gateway/media-bridge) listens for the page's WebRTC on
  // 127.0.0.1 only; Chromium gathers no loopback candidates without this switch, and ICE with the
  // bridge would then depend on the machine having another interface up. Must be set before `ready`.
  app.commandLine.appendSwitch('allow-loopback-in-peer-connection');

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

  let tray: AppTray | null = null;
  let quitting = false;
  let settings: Settings = DEFAULT_SETTINGS;
  let accounts: Account[] = [];
  let status: PhoneStatus = IDLE_PHONE_STATUS;
  /** Set once the gateway exists (on `ready`): the renderer's connections close when it goes. */
  let gateway: DesktopGateway | null = null;

  const phoneSignOut = new PhoneSignOut({ send: (command) => sendCommand(command), status: () => status });
  const mainWindow = new MainWindow({
    create: () => createMainBrowserWindow(preload),
    url: devServerUrl ?? APP_START_URL,
    closeAction: () =>
      closeAction({ closeToTray: settings.closeToTray, quitting, trayAvailable: tray !== null }),
    rendererGone: () => onRendererGone(),
    visibilityChanged: () => refreshTray(),
    signOut: () => (phoneSignOut.needed() ? phoneSignOut.run() : undefined),
    signedOut: () => (quitting ? app.quit() : mainWindow.close()),
    sessionEnding: () => {
      quitting = true;
    },
    error: (message, detail) => log.error(message, detail),
  });

  /** Commands go to the main window's phone; with no renderer there is nobody to act on them. */
  function sendCommand(command: PhoneCommand): void {
    mainWindow.send(IPC.phoneCommand, command);
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
    mainWindow.send(IPC.linksLink, request);
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
    showWindow: () => mainWindow.show(),
    sendCommand,
    locale,
    warn,
  });
  const planner = new NotificationPlanner({ status, doNotDisturb: settings.doNotDisturb });
  const messageNotifications = new MessageNotifications({
    isSupported: () => Notification.isSupported(),
    create: (options) => wrapNotification(new Notification(options)),
    showWindow: () => mainWindow.show(),
    sendCommand,
    locale,
    doNotDisturb: () => settings.doNotDisturb || status.doNotDisturb,
  });

  function refreshTray(): void {
    tray?.update(trayState({ status, settings, locale: locale(), windowVisible: mainWindow.isVisible() }));
  }

  function onStatus(next: PhoneStatus): void {
    status = next;
    notifications.apply(planner.update({ status, doNotDisturb: settings.doNotDisturb }));
    refreshTray();
  }

  /** The renderer reloaded or crashed: its calls and SIP connections are gone, but missed calls stay unseen. */
  function onRendererGone(): void {
    phoneSignOut.done();
    links.rendererGone();
    void gateway?.rendererGone();
    onStatus({ ...IDLE_PHONE_STATUS, missedCalls: status.missedCalls, lastMissed: status.lastMissed });
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
        gateway?.accountsChanged(next);
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
      report: (problem) => mainWindow.send(IPC.certificatesProblem, problem),
      warn,
    });
    const onCertificateError = certificateErrorListener({
      phoneContentsId: () => mainWindow.webContentsId,
      decide: (presented) => certificates.onCertificateError(presented),
    });
    // electronegativity flags every handler of this event; this one accepts only an exact pinned SHA-256.
    app.on('certificate-error', onCertificateError); // eng-disable CERTIFICATE_ERROR_EVENT_JS_CHECK

    // SIP over UDP/TCP/TLS for accounts without a WebSocket server (issue 12).
    gateway = new DesktopGateway({
      accounts: () => accounts,
      certificateProblem: (problem) => certificates.report(problem),
      send: (event) => mainWindow.send(IPC.gatewayEvent, event),
      log: appLog.scope('gateway'),
    });

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
      setOpenAtLogin: loginItemSetter({
        platform: process.platform,
        setLoginItemSettings: (loginItem) => app.setLoginItemSettings(loginItem),
        configHome: app.getPath('appData'),
        appImage: process.env['APPIMAGE'],
        execPath: process.execPath,
        defaultApp: process.defaultApp === true,
        argv: process.argv,
        warn: (message, detail) => log.warn(message, detail),
      }),
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

    const onTrayAction = trayActions({
      toggleWindow: () => mainWindow.toggle(),
      showWindow: () => mainWindow.show(),
      sendCommand,
      doNotDisturb: () => settings.doNotDisturb || status.doNotDisturb,
      saveDoNotDisturb: async (on) => {
        await settingsStore.update({ doNotDisturb: on });
      },
      quit: () => {
        quitting = true;
        app.quit();
      },
      error: (message, detail) => log.error(message, detail),
    });

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
      if (mainWindow.webContentsId === webContentsId) return { kind: 'main' };
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
          phone: { reportStatus: onStatus, signedOut: () => phoneSignOut.done() },
          links,
          incoming,
          recordings: new RecordingsStore({
            folderSetting: async () => (await settingsStore.get()).settings.recordingsFolder,
            defaultFolder: join(app.getPath('music'), 'Ringline recordings'),
            pickFolder,
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
          gateway: gateway.api,
          // Chromium's network stack: the OS's trusted certificates and proxy settings, as for the page.
          provisioning: {
            fetch: (link) => fetchProvisioningText(link, (url, init) => net.fetch(String(url), init)),
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

    // Without a tray there would be no way back to a hidden window.
    const show = showWindowOnStart({
      startMinimized: settings.startMinimized,
      linkPending: links.hasPending,
    });
    mainWindow.open(show || tray === null);
    refreshTray();
    log.info(`started ${app.getName()} ${app.getVersion()} on ${process.platform}`);
  }

  // Every WebContents, including ones created later, gets the navigation/window/webview guards.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, trusted));

  app.on('second-instance', (_event, argv) => {
    for (const link of pickLinkArgs(argv)) links.push(link);
    mainWindow.show();
  });

  // macOS delivers clicked links here instead of argv, also on a cold start (before `ready`).
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.push(url);
    mainWindow.show();
  });

  // macOS: clicking the Dock icon with no window open.
  app.on('activate', () => mainWindow.show());

  app.on('before-quit', () => {
    quitting = true;
  });

  app.on('will-quit', () => {
    notifications.dismissAll();
    messageNotifications.dismissAll();
    incoming.closeAll();
    globalShortcut.unregisterAll();
    tray?.destroy();
    void gateway?.rendererGone();
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
