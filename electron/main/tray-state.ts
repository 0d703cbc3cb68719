/**
 * What the tray shows, derived from the phone's status and the settings. Pure: `tray.ts` hands the
 * result to Electron.
 *
 * Icon, most urgent first: `ringing` (unless do-not-disturb), `in-call`, `dnd`, `registered` (any
 * account), `registering` (any account connecting or registering), `offline`. Missed calls add a dot
 * to whichever icon is shown (`badge`), and a line to the tooltip. Waiting voicemail adds a line to the
 * tooltip and the menu (with new and old counts) once any message is in the mailbox.
 */
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { PhoneStatus, Settings } from '../common/contract';
import { desktopStrings, type DesktopLocale } from './desktop-strings';

export const TRAY_ICONS = ['offline', 'registering', 'registered', 'dnd', 'in-call', 'ringing'] as const;
export type TrayIcon = (typeof TRAY_ICONS)[number];

/** What a tray menu item does when clicked. */
export type TrayAction =
  'toggle-window' | 'toggle-dnd' | 'answer' | 'decline' | 'busy' | 'hangup' | 'toggle-mute' | 'quit';

export type MenuItemModel =
  | { kind: 'action'; action: TrayAction; label: string }
  | { kind: 'checkbox'; action: TrayAction; label: string; checked: boolean }
  /** Shown greyed out: information, not a command (an account and its state). */
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

export type MenuModel = MenuItemModel[];

export interface TrayState {
  icon: TrayIcon;
  /** Unseen missed calls; the icon gets a dot when above 0. */
  badge: number;
  tooltip: string;
  menu: MenuModel;
}

export interface TrayInput {
  status: PhoneStatus;
  settings: Pick<Settings, 'doNotDisturb'>;
  locale: DesktopLocale;
  /** Whether the main window is on screen: the first item says Show or Hide. */
  windowVisible: boolean;
}

export function trayIcon(status: PhoneStatus, doNotDisturb: boolean): TrayIcon {
  const quiet = doNotDisturb || status.doNotDisturb;
  if (status.ringing.length > 0 && !quiet) return 'ringing';
  if (status.activeCalls > 0) return 'in-call';
  if (quiet) return 'dnd';
  if (status.accounts.some((account) => account.state === 'registered')) return 'registered';
  if (status.accounts.some((account) => account.state === 'connecting' || account.state === 'registering')) {
    return 'registering';
  }
  return 'offline';
}

export function trayState(input: TrayInput): TrayState {
  const { status, locale } = input;
  const text = desktopStrings(locale);
  const quiet = input.settings.doNotDisturb || status.doNotDisturb;
  const icon = trayIcon(status, input.settings.doNotDisturb);

  const tooltip = [`Ringline: ${text.tray[icon]}`];
  const caller = status.ringing[0];
  if (caller !== undefined) tooltip.push(text.incomingCallFrom(callerName(caller, text.unknownCaller)));
  if (status.missedCalls > 0) tooltip.push(text.missedCalls(status.missedCalls));
  const voicemail = voicemailLine(status, text);
  if (voicemail) tooltip.push(voicemail);

  const menu: MenuModel = [
    {
      kind: 'action',
      action: 'toggle-window',
      label: input.windowVisible ? text.hideWindow : text.showWindow,
    },
    { kind: 'checkbox', action: 'toggle-dnd', label: text.doNotDisturb, checked: quiet },
    { kind: 'separator' },
  ];
  if (status.accounts.length === 0) menu.push({ kind: 'info', label: text.noAccounts });
  for (const account of status.accounts) {
    menu.push({ kind: 'info', label: `${account.name}: ${text.registration[account.state]}` });
  }
  if (voicemail) menu.push({ kind: 'info', label: voicemail });
  const calls: MenuModel = [];
  if (status.ringing.length > 0) {
    calls.push({ kind: 'action', action: 'answer', label: text.answer });
    calls.push({ kind: 'action', action: 'decline', label: text.decline });
    calls.push({ kind: 'action', action: 'busy', label: text.busy });
  }
  if (status.activeCalls > 0) {
    calls.push({ kind: 'action', action: 'hangup', label: text.hangup });
    calls.push({ kind: 'action', action: 'toggle-mute', label: status.muted ? text.unmute : text.mute });
  }
  if (calls.length > 0) menu.push({ kind: 'separator' }, ...calls);
  menu.push({ kind: 'separator' }, { kind: 'action', action: 'quit', label: text.quit });

  return { icon, badge: status.missedCalls, tooltip: tooltip.join('\n'), menu };
}

function voicemailLine(status: PhoneStatus, text: ReturnType<typeof desktopStrings>): string | undefined {
  const box = status.voicemail;
  if (!box || box.newMessages + box.oldMessages === 0) return undefined;
  return text.voicemail(box.newMessages, box.oldMessages);
}

function callerName(call: { displayName: string; number: string }, unknown: string): string {
  return call.displayName.trim() || call.number.trim() || unknown;
}

/**
 * The icon's file name in `build/icons/tray/`. macOS gets template images (black and alpha only; the
 * `Template` suffix makes Electron mark them so the menu bar tints them for light and dark mode). The
 * `@2x` variants next to each file are picked up by `nativeImage.createFromPath` on HiDPI screens.
 */
export function trayIconFile(icon: TrayIcon, badge: number, platform: NodeJS.Platform): string {
  const missed = badge > 0 ? '-missed' : '';
  return `${icon}${missed}${platform === 'darwin' ? 'Template' : ''}.png`;
}

/**
 * Every file the tray may load, for packaging checks: each icon, with and without the missed-call dot,
 * in colour and as a macOS template, at 1x (16 px) and 2x (32 px).
 */
export function allTrayIconFiles(): { file: string; size: number }[] {
  const files: { file: string; size: number }[] = [];
  for (const icon of TRAY_ICONS) {
    for (const badge of [0, 1]) {
      for (const platform of ['linux', 'darwin'] as const) {
        const file = trayIconFile(icon, badge, platform);
        files.push({ file, size: 16 }, { file: file.replace(/\.png$/, '@2x.png'), size: 32 });
      }
    }
  }
  return files;
}

/** The Electron menu template for a {@link MenuModel}; clicks call `onAction`. */
export function menuTemplate(
  menu: MenuModel,
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return menu.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { label: item.label, enabled: false };
      case 'checkbox':
        return {
          type: 'checkbox',
          label: item.label,
          checked: item.checked,
          click: () => onAction(item.action),
        };
      case 'action':
        return { label: item.label, click: () => onAction(item.action) };
    }
  });
}

/**
 * Where the tray PNGs are: `extraResources` puts them in `<resources>/tray` in a packaged app (see
 * `build/electron-builder.yml`); in development they are read from `build/icons/tray`, two levels up
 * from the bundled main script (`out/main/index.js`), however Electron was started.
 */
export function trayIconDir(where: { isPackaged: boolean; resourcesPath: string; mainDir: string }): string {
  return where.isPackaged
    ? join(where.resourcesPath, 'tray')
    : join(where.mainDir, '..', '..', 'build', 'icons', 'tray');
}
