/**
 * "Start at login" on Linux. Electron's `app.setLoginItemSettings` covers macOS and Windows only, so on
 * Linux we write the XDG autostart entry ourselves: `$XDG_CONFIG_HOME/autostart/<name>.desktop`
 * (`~/.config/autostart` by default), which GNOME, KDE, Xfce and most session managers read.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One argument for a desktop entry's `Exec` key: quoted when it holds a space or a reserved
 * character, with `"`, `` ` ``, `$` and `\` escaped, and `%` doubled (Desktop Entry Spec, "The Exec key").
 */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * The autostart entry's content. `command` is what to run: the AppImage path when running from one
 * (`$APPIMAGE`: `process.execPath` points inside its temporary mount), otherwise the executable.
 */
export function autostartEntry(name: string, command: readonly string[]): string {
  const exec = command.map(quoteExecArg).join(' ');
  const safeName = name.replace(/[\r\n]/g, ' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${safeName}`,
    `Exec=${exec}`,
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface LinuxAutostartOptions {
  /** `$XDG_CONFIG_HOME`, or `~/.config`. */
  configHome: string;
  /** File name without `.desktop`, e.g. `ringline`. */
  id: string;
  name: string;
  command: readonly string[];
}

/** Writes or removes the autostart entry. Rejects when the file system refuses. */
export async function setLinuxAutostart(options: LinuxAutostartOptions, open: boolean): Promise<void> {
  const dir = join(options.configHome, 'autostart');
  const file = join(dir, `${options.id}.desktop`);
  if (!open) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, autostartEntry(options.name, options.command), { encoding: 'utf8', mode: 0o644 });
}

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  /** Electron's `app.setLoginItemSettings` (macOS, Windows). */
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
  /** `app.getPath('appData')`: `$XDG_CONFIG_HOME` or `~/.config` on Linux. */
  configHome: string;
  /** `$APPIMAGE` when running from an AppImage. */
  appImage: string | undefined;
  execPath: string;
  /** `process.defaultApp`: run as `electron path/to/app`, whose path must follow. */
  defaultApp: boolean;
  argv: readonly string[];
  warn(message: string, detail: unknown): void;
}

/** "Start at login" for this platform: Electron's own setting, or the XDG autostart entry on Linux. */
export function loginItemSetter(options: LoginItemOptions): (open: boolean) => void {
  return (open) => {
    if (options.platform !== 'linux') {
      options.setLoginItemSettings({ openAtLogin: open });
      return;
    }
    const command = options.appImage ?? options.execPath;
    const args = options.defaultApp && options.argv[1] !== undefined ? [options.argv[1]] : [];
    setLinuxAutostart(
      { configHome: options.configHome, id: 'ringline', name: 'Ringline', command: [command, ...args] },
      open,
    ).catch((error: unknown) => options.warn('start at login:', error));
  };
}
