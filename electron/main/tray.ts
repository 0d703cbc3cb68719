/**
 * The tray icon: a thin adapter from {@link TrayState} to Electron's `Tray` and `Menu`.
 *
 * - Left click toggles the window on Windows and Linux. On macOS a click opens the menu, as menu-bar
 *   items do there, and the missed-call count is also shown as the item's title.
 * - Linux desktops show the icon through StatusNotifierItem/AppIndicator; where none is running
 *   (some tiling window managers) the icon does not appear, and a second launch of Ringline still
 *   brings the window back.
 */
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import { menuTemplate, trayIconFile, type TrayAction, type TrayState } from './tray-state';

export interface AppTrayOptions {
  /** See `trayIconDir`. */
  iconDir: string;
  platform: NodeJS.Platform;
  onAction: (action: TrayAction) => void;
  warn: (message: string) => void;
}

export class AppTray {
  readonly #tray: Tray;
  readonly #options: AppTrayOptions;
  #file = '';

  constructor(initial: TrayState, options: AppTrayOptions) {
    this.#options = options;
    this.#file = trayIconFile(initial.icon, initial.badge, options.platform);
    this.#tray = new Tray(this.#image(this.#file));
    if (options.platform !== 'darwin') this.#tray.on('click', () => options.onAction('toggle-window'));
    this.update(initial);
  }

  update(state: TrayState): void {
    if (this.#tray.isDestroyed()) return;
    const file = trayIconFile(state.icon, state.badge, this.#options.platform);
    if (file !== this.#file) {
      this.#file = file;
      this.#tray.setImage(this.#image(file));
    }
    this.#tray.setToolTip(state.tooltip);
    if (this.#options.platform === 'darwin') this.#tray.setTitle(state.badge > 0 ? String(state.badge) : '');
    this.#tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(state.menu, this.#options.onAction)));
  }

  destroy(): void {
    if (!this.#tray.isDestroyed()) this.#tray.destroy();
  }

  #image(file: string): NativeImage {
    const image = nativeImage.createFromPath(join(this.#options.iconDir, file));
    if (image.isEmpty()) this.#options.warn(`tray icon missing: ${join(this.#options.iconDir, file)}`);
    // The file name ends in "Template" on macOS, which already marks it; say so explicitly as well.
    if (this.#options.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }
}
