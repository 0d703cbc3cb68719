/**
 * The main window: its hardened `BrowserWindow`, and what its life means for the rest of main.
 *
 * - Closing it hides it instead when it should stay in the tray (`closeAction`), so calls still ring.
 *   When it does close, the phone signs out first (`signOut`, see phone-sign-out.ts), hidden meanwhile.
 * - A reload, a navigation, a crash or the window closing means the renderer (and its SIP.js) is
 *   gone: `rendererGone` lets main hold links, forget the phone's state and close the gateway's sockets.
 * - It is created on demand (macOS keeps the app running with no window) once main is ready.
 *
 * The window itself is made by `createMainBrowserWindow` (main-browser-window.ts); {@link MainWindow}
 * sees it through {@link BrowserWindowLike}, so this logic is tested without Electron.
 */
/** What {@link MainWindow} uses of a `BrowserWindow`. */
export interface BrowserWindowLike {
  readonly webContents: {
    readonly id: number;
    send(channel: string, ...args: unknown[]): void;
    on(
      event: 'did-start-navigation',
      listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void,
    ): unknown;
    on(event: 'render-process-gone', listener: () => void): unknown;
  };
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'session-end' | 'show' | 'hide' | 'closed', listener: () => void): unknown;
  loadURL(url: string): Promise<void>;
  isDestroyed(): boolean;
  isVisible(): boolean;
  isFocused(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  hide(): void;
  focus(): void;
  close(): void;
}

export interface MainWindowOptions {
  create(): BrowserWindowLike;
  /** The page to load (the built app, or the dev server). */
  url: string;
  /** What closing the window does now: hide it (stay in the tray) or let it close. */
  closeAction(): 'hide' | 'close';
  /** The renderer that ran SIP is gone (reload, navigation, crash, window closed). */
  rendererGone(): void;
  /** Shown or hidden (the tray's menu says which). */
  visibilityChanged(): void;
  /**
   * The window is about to close for good: the renderer signs the phone out. Undefined when there is
   * nothing to sign out; otherwise the close waits (the window hidden) until it resolves.
   */
  signOut(): Promise<void> | undefined;
  /**
   * A close held for {@link signOut} may go on. Electron cancels a quit whose window's close was
   * prevented, so when quitting this quits again; otherwise it closes the window ({@link close}).
   */
  signedOut(): void;
  /** Windows logs off or shuts down without `before-quit`: the app is quitting. */
  sessionEnding(): void;
  error(message: string, detail: unknown): void;
}

export class MainWindow {
  private window: BrowserWindowLike | null = null;
  private ready = false;

  constructor(private readonly options: MainWindowOptions) {}

  /** The window, unless it was closed (or never made). */
  get live(): BrowserWindowLike | null {
    return this.window !== null && !this.window.isDestroyed() ? this.window : null;
  }

  /** The renderer page's `webContents.id`, to recognise IPC from it. */
  get webContentsId(): number | undefined {
    return this.live?.webContents.id;
  }

  /** Creates the window once main is ready; shown at once or kept hidden (start minimised). */
  open(show: boolean): void {
    this.ready = true;
    this.window = this.make(show);
  }

  /** Brings the window forward, making it anew if it was closed. Does nothing before {@link open}. */
  show(): void {
    if (!this.ready) return;
    const current = this.live ?? this.make(true);
    this.window = current;
    if (current.isMinimized()) current.restore();
    current.show();
    current.focus();
  }

  /** Hides the window when it is in front, otherwise brings it forward (a tray click). */
  toggle(): void {
    const current = this.live;
    if (current?.isVisible() && current.isFocused()) current.hide();
    else this.show();
  }

  isVisible(): boolean {
    return this.live?.isVisible() ?? false;
  }

  close(): void {
    this.live?.close();
  }

  /** Sends to the renderer page, if there is one. */
  send(channel: string, ...args: unknown[]): void {
    this.live?.webContents.send(channel, ...args);
  }

  private make(show: boolean): BrowserWindowLike {
    const created = this.options.create();
    if (show) created.once('ready-to-show', () => created.show());
    // A reload or navigation drops the renderer's subscriptions and its SIP.js.
    created.webContents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.options.rendererGone();
    });
    created.webContents.on('render-process-gone', () => this.options.rendererGone());
    let signedOut = false;
    created.on('close', (event) => {
      if (this.options.closeAction() === 'hide') {
        event.preventDefault();
        created.hide();
        return;
      }
      if (signedOut) return;
      const signingOut = this.options.signOut();
      if (!signingOut) return;
      event.preventDefault();
      created.hide();
      void signingOut.then(() => {
        signedOut = true;
        if (!created.isDestroyed()) this.options.signedOut();
      });
    });
    created.on('session-end', () => this.options.sessionEnding());
    created.on('show', () => this.options.visibilityChanged());
    created.on('hide', () => this.options.visibilityChanged());
    created.on('closed', () => {
      if (this.window === created) this.window = null;
      this.options.rendererGone();
    });
    created
      .loadURL(this.options.url)
      .catch((error: unknown) => this.options.error('could not load the window:', error));
    return created;
  }
}
