/**
 * The main window's `BrowserWindow` (see `main-window.ts` for what its life means to main).
 */
import { BrowserWindow } from 'electron';

/** The main window with every security setting written out, as electronegativity checks them. */
export function createMainBrowserWindow(preload: string): BrowserWindow {
  return new BrowserWindow({
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
}
