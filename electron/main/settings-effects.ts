/**
 * What settings change outside the renderer: the window's close button, start-up, login item, link
 * schemes and global shortcuts. The decisions are pure functions; {@link SettingsEffects} applies a
 * settings object through injected OS calls and only touches what changed since the last one.
 */
import type { PhoneCommand, Settings } from '../common/contract';
import type { ProtocolRegistrar } from './links';

/**
 * What the window's close button does. With close-to-tray on (and a tray to come back from) it hides
 * the window, so calls keep ringing; it really closes when the user quits (tray or app menu, Cmd+Q:
 * `before-quit` sets `quitting`) or the setting is off.
 */
export function closeAction(input: {
  closeToTray: boolean;
  quitting: boolean;
  trayAvailable: boolean;
}): 'hide' | 'close' {
  return input.closeToTray && input.trayAvailable && !input.quitting ? 'hide' : 'close';
}

/**
 * Whether the window appears at start. "Start minimised" keeps it hidden (the renderer still loads
 * and registers, so calls ring), unless a clicked link started the app: the user expects to see it.
 */
export function showWindowOnStart(input: { startMinimized: boolean; linkPending: boolean }): boolean {
  return !input.startMinimized || input.linkPending;
}

export interface ShortcutBinding {
  accelerator: string;
  command: PhoneCommand;
}

/** The global shortcuts to register: none while they are switched off; a repeated accelerator once. */
export function shortcutBindings(shortcuts: Settings['shortcuts']): ShortcutBinding[] {
  if (!shortcuts.enabled) return [];
  const wanted: ShortcutBinding[] = [
    { accelerator: shortcuts.answer, command: { kind: 'answer' } },
    { accelerator: shortcuts.hangup, command: { kind: 'hangup' } },
    { accelerator: shortcuts.mute, command: { kind: 'toggle-mute' } },
  ];
  const seen = new Set<string>();
  return wanted.filter((binding) => {
    const key = binding.accelerator.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Electron's `globalShortcut`, reduced to what we call. */
export interface GlobalShortcutApi {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

/**
 * Our global shortcuts. A shortcut another app already holds, or an accelerator Electron refuses,
 * is logged and skipped: the others still work and the app carries on.
 */
export class GlobalShortcuts {
  readonly #api: GlobalShortcutApi;
  readonly #send: (command: PhoneCommand) => void;
  readonly #warn: (message: string) => void;
  #registered: string[] = [];
  #applied = '';

  constructor(
    api: GlobalShortcutApi,
    send: (command: PhoneCommand) => void,
    warn: (message: string) => void,
  ) {
    this.#api = api;
    this.#send = send;
    this.#warn = warn;
  }

  apply(shortcuts: Settings['shortcuts']): void {
    const bindings = shortcutBindings(shortcuts);
    const key = JSON.stringify(bindings);
    if (key === this.#applied) return;
    this.#applied = key;
    this.clear();
    for (const { accelerator, command } of bindings) {
      let ok = false;
      try {
        ok = this.#api.register(accelerator, () => this.#send(command));
      } catch (error) {
        this.#warn(
          `global shortcut ${accelerator} refused: ${error instanceof Error ? error.message : String(error)}`,
        );
        continue;
      }
      if (ok) this.#registered.push(accelerator);
      else this.#warn(`global shortcut ${accelerator} is taken by another application`);
    }
  }

  /** Unregisters the ones registered here (not `unregisterAll`: other code may hold shortcuts too). */
  clear(): void {
    for (const accelerator of this.#registered) this.#api.unregister(accelerator);
    this.#registered = [];
  }
}

export interface SettingsEffectsOptions {
  protocols: Pick<ProtocolRegistrar, 'apply'>;
  shortcuts: Pick<GlobalShortcuts, 'apply'>;
  /** `app.setLoginItemSettings` (macOS, Windows) or the Linux autostart file. */
  setOpenAtLogin: (open: boolean) => void;
  warn: (message: string) => void;
}

/** Applies settings to the OS; call with the loaded settings and again after every change. */
export class SettingsEffects {
  readonly #options: SettingsEffectsOptions;
  #openAtLogin: boolean | null = null;

  constructor(options: SettingsEffectsOptions) {
    this.#options = options;
  }

  apply(settings: Settings): void {
    this.#options.protocols.apply(settings.linkSchemes);
    this.#options.shortcuts.apply(settings.shortcuts);
    if (settings.startAtLogin !== this.#openAtLogin) {
      this.#openAtLogin = settings.startAtLogin;
      try {
        this.#options.setOpenAtLogin(settings.startAtLogin);
      } catch (error) {
        this.#options.warn(`start at login: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
