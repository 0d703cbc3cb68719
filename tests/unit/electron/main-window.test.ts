import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  MainWindow,
  type BrowserWindowLike,
  type MainWindowOptions,
} from '../../../electron/main/main-window';

/** A window as main sees it: events fired by the test as Electron would fire them. */
class FakeWindow extends EventEmitter implements BrowserWindowLike {
  static nextId = 1;
  readonly contents = new EventEmitter();
  readonly sent: unknown[][] = [];
  readonly webContents = {
    id: FakeWindow.nextId++,
    send: (channel: string, ...args: unknown[]) => void this.sent.push([channel, ...args]),
    on: (event: string, listener: (...args: never[]) => void) =>
      this.contents.on(event, listener as (...args: unknown[]) => void),
  };
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;
  loaded: string[] = [];
  loadURL = async (url: string): Promise<void> => void this.loaded.push(url);
  isDestroyed = () => this.destroyed;
  isVisible = () => this.visible;
  isFocused = () => this.focused;
  isMinimized = () => this.minimized;
  restore = () => void (this.minimized = false);
  show = () => void ((this.visible = true), (this.focused = true));
  hide = () => void ((this.visible = false), (this.focused = false));
  focus = () => void (this.focused = true);
  close = () => this.userClose();
  /** The user closes it: `close` may be prevented, otherwise it is destroyed and `closed` follows. */
  userClose(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    this.emit('closed');
  }
}

function setup(action: 'hide' | 'close' = 'hide', signOut?: () => Promise<void> | undefined) {
  const windows: FakeWindow[] = [];
  const options: MainWindowOptions = {
    create: () => {
      const window = new FakeWindow();
      windows.push(window);
      return window;
    },
    url: 'app://ringline/index.html',
    closeAction: () => action,
    rendererGone: vi.fn(),
    visibilityChanged: vi.fn(),
    signOut: signOut ?? (() => undefined),
    signedOut: vi.fn(() => main.close()),
    sessionEnding: vi.fn(),
    error: vi.fn(),
  };
  const main = new MainWindow(options);
  return { main, windows, options };
}

describe('MainWindow', () => {
  it('does nothing before main is ready, then loads the app, shown when asked', () => {
    const { main, windows } = setup();
    main.show();
    expect(windows).toHaveLength(0);
    main.open(true);
    expect(windows[0]?.loaded).toEqual(['app://ringline/index.html']);
    expect(windows[0]?.visible).toBe(false);
    windows[0]?.emit('ready-to-show');
    expect(windows[0]?.visible).toBe(true);
  });

  it('starting minimised keeps the window hidden while the renderer loads (calls still ring)', () => {
    const { main, windows } = setup();
    main.open(false);
    windows[0]?.emit('ready-to-show');
    expect(windows[0]?.visible).toBe(false);
    expect(windows[0]?.loaded).toHaveLength(1);
  });

  it('closing hides the window while it should stay in the tray, and the renderer stays', () => {
    const { main, windows, options } = setup('hide');
    main.open(true);
    const window = windows[0] as FakeWindow;
    window.show();
    window.userClose();
    expect(window.destroyed).toBe(false);
    expect(window.visible).toBe(false);
    expect(options.rendererGone).not.toHaveBeenCalled();
  });

  it('a closed window means the renderer is gone; show() makes a new one', () => {
    const { main, windows, options } = setup('close');
    main.open(true);
    windows[0]?.userClose();
    expect(options.rendererGone).toHaveBeenCalledTimes(1);
    expect(main.live).toBeNull();
    main.show();
    expect(windows).toHaveLength(2);
    expect(windows[1]?.visible).toBe(true);
  });

  it('a window closing for good waits, hidden, until the phone has signed out, then closes', async () => {
    let signedOut = (): void => undefined;
    const signOut = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          signedOut = resolve;
        }),
    );
    const { main, windows, options } = setup('close', signOut);
    main.open(true);
    const window = windows[0] as FakeWindow;
    window.show();
    window.userClose();
    expect(signOut).toHaveBeenCalledTimes(1);
    expect(window.visible).toBe(false);
    expect(window.destroyed).toBe(false);
    expect(options.rendererGone).not.toHaveBeenCalled();

    signedOut();
    await vi.waitFor(() => expect(window.destroyed).toBe(true));
    // The close goes on once: the sign-out is not asked for again.
    expect(options.signedOut).toHaveBeenCalledTimes(1);
    expect(signOut).toHaveBeenCalledTimes(1);
    expect(options.rendererGone).toHaveBeenCalledTimes(1);
  });

  it('a window closing for good with nothing to sign out closes at once', () => {
    const { main, windows, options } = setup('close', () => undefined);
    main.open(true);
    windows[0]?.userClose();
    expect(windows[0]?.destroyed).toBe(true);
    expect(options.signedOut).not.toHaveBeenCalled();
  });

  it('a reload or crash of the page is the renderer going away; in-page navigation is not', () => {
    const { main, windows, options } = setup();
    main.open(true);
    const window = windows[0] as FakeWindow;
    window.contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    window.contents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(options.rendererGone).not.toHaveBeenCalled();
    window.contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    window.contents.emit('render-process-gone');
    expect(options.rendererGone).toHaveBeenCalledTimes(2);
  });

  it('toggle hides a window in front and brings back a hidden or minimised one', () => {
    const { main, windows, options } = setup();
    main.open(true);
    const window = windows[0] as FakeWindow;
    window.show();
    main.toggle();
    expect(window.visible).toBe(false);
    window.minimized = true;
    main.toggle();
    expect(window.visible).toBe(true);
    expect(window.minimized).toBe(false);
    window.emit('show');
    window.emit('hide');
    expect(options.visibilityChanged).toHaveBeenCalledTimes(2);
  });

  it('sends to the page and knows its webContents id, only while it exists', () => {
    const { main, windows } = setup('close');
    main.send('x', 1);
    main.open(true);
    main.send('ringline:phone.command', { kind: 'hangup' });
    expect(windows[0]?.sent).toEqual([['ringline:phone.command', { kind: 'hangup' }]]);
    expect(main.webContentsId).toBe(windows[0]?.webContents.id);
    windows[0]?.userClose();
    expect(main.webContentsId).toBeUndefined();
  });

  it('a session ending (Windows log-off) tells main the app is quitting', () => {
    const { main, windows, options } = setup();
    main.open(true);
    windows[0]?.emit('session-end');
    expect(options.sessionEnding).toHaveBeenCalled();
  });
});
