/**
 * The Electron side of the fallback incoming-call window (see `incoming-windows.ts`): a small frameless
 * always-on-top `BrowserWindow` in the bottom-right corner of the primary screen.
 *
 * Same hardening as the main window (sandbox, context isolation, the same preload; CSP comes with the
 * page from the `app:` protocol), and it may not navigate at all. It is shown without taking focus, so
 * a key pressed in another app cannot answer the call by accident.
 */
import { BrowserWindow, screen } from 'electron';
import type { IncomingWindowFactory } from './incoming-windows';

const WIDTH = 360;
const HEIGHT = 128;
const MARGIN = 16;

export function incomingWindowFactory(preload: string): IncomingWindowFactory {
  return (url, slot) => {
    const area = screen.getPrimaryDisplay().workArea;
    const window = new BrowserWindow({
      width: WIDTH,
      height: HEIGHT,
      x: Math.round(area.x + area.width - WIDTH - MARGIN),
      y: Math.round(Math.max(area.y, area.y + area.height - (HEIGHT + MARGIN) * (slot + 1))),
      frame: false,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      alwaysOnTop: true,
      skipTaskbar: true,
      show: false,
      title: 'Ringline',
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
        spellcheck: false,
      },
    });
    window.setAlwaysOnTop(true, 'pop-up-menu');
    window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    window.once('ready-to-show', () => window.showInactive());
    // The page has two buttons and nowhere to go.
    window.webContents.on('will-navigate', (event) => event.preventDefault());
    const webContentsId = window.webContents.id;
    window.loadURL(url).catch(() => {
      if (!window.isDestroyed()) window.close();
    });
    return {
      webContentsId,
      close: () => {
        if (!window.isDestroyed()) window.close();
      },
      onClosed: (listener) => {
        window.once('closed', listener);
      },
    };
  };
}
