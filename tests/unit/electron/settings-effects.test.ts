import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  type LinkScheme,
  type PhoneCommand,
  type Settings,
} from '../../../electron/common/contract';
import {
  GlobalShortcuts,
  SettingsEffects,
  closeAction,
  shortcutBindings,
  showWindowOnStart,
  type GlobalShortcutApi,
} from '../../../electron/main/settings-effects';

describe('closeAction', () => {
  it('hides to the tray unless quitting, switched off, or there is no tray', () => {
    expect(closeAction({ closeToTray: true, quitting: false, trayAvailable: true })).toBe('hide');
    expect(closeAction({ closeToTray: true, quitting: true, trayAvailable: true })).toBe('close');
    expect(closeAction({ closeToTray: false, quitting: false, trayAvailable: true })).toBe('close');
    expect(closeAction({ closeToTray: true, quitting: false, trayAvailable: false })).toBe('close');
  });
});

describe('showWindowOnStart', () => {
  it('stays in the tray when starting minimised, unless a link started the app', () => {
    expect(showWindowOnStart({ startMinimized: false, linkPending: false })).toBe(true);
    expect(showWindowOnStart({ startMinimized: true, linkPending: false })).toBe(false);
    expect(showWindowOnStart({ startMinimized: true, linkPending: true })).toBe(true);
  });
});

const enabled: Settings['shortcuts'] = { ...DEFAULT_SETTINGS.shortcuts, enabled: true };

describe('shortcutBindings', () => {
  it('binds nothing while switched off (the default)', () => {
    expect(shortcutBindings(DEFAULT_SETTINGS.shortcuts)).toEqual([]);
  });

  it('binds answer, hang up and mute', () => {
    expect(shortcutBindings(enabled)).toEqual([
      { accelerator: 'CommandOrControl+Shift+A', command: { kind: 'answer' } },
      { accelerator: 'CommandOrControl+Shift+H', command: { kind: 'hangup' } },
      { accelerator: 'CommandOrControl+Shift+M', command: { kind: 'toggle-mute' } },
    ]);
  });

  it('binds a repeated accelerator once, to the first action', () => {
    expect(
      shortcutBindings({ ...enabled, mute: 'commandorcontrol+shift+a' }).map((b) => b.command.kind),
    ).toEqual(['answer', 'hangup']);
  });
});

/** Stand-in for globalShortcut that can refuse (taken) or throw (bad accelerator). */
function fakeShortcuts(taken: string[] = [], invalid: string[] = []) {
  const active = new Map<string, () => void>();
  const api: GlobalShortcutApi = {
    register: (accelerator, callback) => {
      if (invalid.includes(accelerator)) throw new Error(`Failed to parse accelerator ${accelerator}`);
      if (taken.includes(accelerator)) return false;
      active.set(accelerator, callback);
      return true;
    },
    unregister: (accelerator) => {
      active.delete(accelerator);
    },
  };
  return { api, active };
}

describe('GlobalShortcuts', () => {
  it('registers when enabled, sends the command when pressed, unregisters when disabled', () => {
    const { api, active } = fakeShortcuts();
    const sent: PhoneCommand[] = [];
    const shortcuts = new GlobalShortcuts(
      api,
      (command) => sent.push(command),
      () => undefined,
    );
    shortcuts.apply(enabled);
    expect([...active.keys()]).toEqual([
      'CommandOrControl+Shift+A',
      'CommandOrControl+Shift+H',
      'CommandOrControl+Shift+M',
    ]);
    active.get('CommandOrControl+Shift+M')?.();
    expect(sent).toEqual([{ kind: 'toggle-mute' }]);
    shortcuts.apply({ ...enabled, enabled: false });
    expect(active.size).toBe(0);
  });

  it('moves a shortcut when its accelerator changes', () => {
    const { api, active } = fakeShortcuts();
    const shortcuts = new GlobalShortcuts(
      api,
      () => undefined,
      () => undefined,
    );
    shortcuts.apply(enabled);
    shortcuts.apply({ ...enabled, answer: 'F9' });
    expect([...active.keys()].sort()).toEqual(['CommandOrControl+Shift+H', 'CommandOrControl+Shift+M', 'F9']);
  });

  it('logs a shortcut taken by another app or refused by Electron, and keeps the others', () => {
    const { api, active } = fakeShortcuts(['CommandOrControl+Shift+A'], ['CommandOrControl+Shift+H']);
    const warnings: string[] = [];
    const shortcuts = new GlobalShortcuts(
      api,
      () => undefined,
      (message) => warnings.push(message),
    );
    shortcuts.apply(enabled);
    expect([...active.keys()]).toEqual(['CommandOrControl+Shift+M']);
    expect(warnings).toEqual([
      'global shortcut CommandOrControl+Shift+A is taken by another application',
      'global shortcut CommandOrControl+Shift+H refused: Failed to parse accelerator CommandOrControl+Shift+H',
    ]);
  });
});

describe('SettingsEffects', () => {
  function setup(loginFails = false) {
    const calls: string[] = [];
    const warnings: string[] = [];
    const effects = new SettingsEffects({
      protocols: {
        apply: (schemes: Record<LinkScheme, boolean>) => calls.push(`protocols ${JSON.stringify(schemes)}`),
      },
      shortcuts: {
        apply: (shortcuts: Settings['shortcuts']) => calls.push(`shortcuts ${shortcuts.enabled}`),
      },
      setOpenAtLogin: (open) => {
        calls.push(`login ${open}`);
        if (loginFails) throw new Error('not allowed');
      },
      warn: (message) => warnings.push(message),
    });
    return { effects, calls, warnings };
  }

  it('applies everything at start, the login item again only when it changes', () => {
    const { effects, calls } = setup();
    effects.apply(DEFAULT_SETTINGS);
    effects.apply({ ...DEFAULT_SETTINGS, closeToTray: false });
    effects.apply({ ...DEFAULT_SETTINGS, startAtLogin: true });
    expect(calls.filter((call) => call.startsWith('login'))).toEqual(['login false', 'login true']);
    expect(calls.filter((call) => call.startsWith('protocols'))).toHaveLength(3);
  });

  it('logs a login item the OS refuses and carries on', () => {
    const { effects, calls, warnings } = setup(true);
    effects.apply(DEFAULT_SETTINGS);
    expect(calls).toHaveLength(3);
    expect(warnings).toEqual(['start at login: not allowed']);
  });
});
