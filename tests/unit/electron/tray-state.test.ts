import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDLE_PHONE_STATUS, type PhoneStatus } from '../../../electron/common/contract';
import { resolveDesktopLocale } from '../../../electron/main/desktop-strings';
import {
  allTrayIconFiles,
  menuTemplate,
  trayIcon,
  trayIconDir,
  trayIconFile,
  trayState,
  type TrayAction,
  type TrayInput,
} from '../../../electron/main/tray-state';

function status(overrides: Partial<PhoneStatus> = {}): PhoneStatus {
  return { ...IDLE_PHONE_STATUS, ...overrides };
}

const registered = status({ accounts: [{ id: 'a1', name: 'Work', state: 'registered' }] });
const ringing = status({ ...registered, ringing: [{ callId: 'c1', displayName: 'Bob', number: '1002' }] });

function input(overrides: Partial<TrayInput> = {}): TrayInput {
  return {
    status: registered,
    settings: { doNotDisturb: false },
    locale: 'en',
    windowVisible: true,
    ...overrides,
  };
}

describe('trayIcon', () => {
  it.each([
    ['offline without accounts', status(), false, 'offline'],
    [
      'offline when every account failed',
      status({ accounts: [{ id: 'a', name: 'A', state: 'failed' }] }),
      false,
      'offline',
    ],
    [
      'registering while one connects',
      status({
        accounts: [
          { id: 'a', name: 'A', state: 'failed' },
          { id: 'b', name: 'B', state: 'connecting' },
        ],
      }),
      false,
      'registering',
    ],
    [
      'registered when any account is',
      status({
        accounts: [
          { id: 'a', name: 'A', state: 'registering' },
          { id: 'b', name: 'B', state: 'registered' },
        ],
      }),
      false,
      'registered',
    ],
    ['dnd from the settings', registered, true, 'dnd'],
    ['dnd from the status', status({ ...registered, doNotDisturb: true }), false, 'dnd'],
    ['in a call', status({ ...registered, activeCalls: 1 }), false, 'in-call'],
    ['in a call, over dnd', status({ ...registered, activeCalls: 1 }), true, 'in-call'],
    ['ringing, over a call', status({ ...ringing, activeCalls: 1 }), false, 'ringing'],
    ['not ringing while dnd', ringing, true, 'dnd'],
  ] as const)('%s', (_label, phone, dnd, expected) => {
    expect(trayIcon(phone, dnd)).toBe(expected);
  });
});

describe('trayState', () => {
  it('builds the idle menu: window, dnd, accounts, quit', () => {
    const state = trayState(input());
    expect(state).toMatchObject({ icon: 'registered', badge: 0, tooltip: 'Ringline: Ready for calls' });
    expect(state.menu).toEqual([
      { kind: 'action', action: 'toggle-window', label: 'Hide Ringline' },
      { kind: 'checkbox', action: 'toggle-dnd', label: 'Do not disturb', checked: false },
      { kind: 'separator' },
      { kind: 'info', label: 'Work: Registered' },
      { kind: 'separator' },
      { kind: 'action', action: 'quit', label: 'Quit Ringline' },
    ]);
  });

  it('offers Show when the window is hidden, and says when there are no accounts', () => {
    const state = trayState(input({ windowVisible: false, status: status() }));
    expect(state.menu[0]).toMatchObject({ label: 'Show Ringline' });
    expect(state.menu).toContainEqual({ kind: 'info', label: 'No accounts' });
  });

  it('offers Answer, Decline and Busy while ringing, Hang up and Mute in a call', () => {
    const actions = (phone: PhoneStatus): TrayAction[] =>
      trayState(input({ status: phone })).menu.flatMap((item) =>
        item.kind === 'action' ? [item.action] : [],
      );
    expect(actions(ringing)).toEqual(['toggle-window', 'answer', 'decline', 'busy', 'quit']);
    expect(actions(status({ ...registered, activeCalls: 1 }))).toEqual([
      'toggle-window',
      'hangup',
      'toggle-mute',
      'quit',
    ]);
    expect(actions(status({ ...ringing, activeCalls: 1 }))).toEqual([
      'toggle-window',
      'answer',
      'decline',
      'busy',
      'hangup',
      'toggle-mute',
      'quit',
    ]);
    const muted = trayState(input({ status: status({ ...registered, activeCalls: 1, muted: true }) }));
    expect(muted.menu).toContainEqual({ kind: 'action', action: 'toggle-mute', label: 'Unmute' });
  });

  it('checks do not disturb when the settings or the status say so', () => {
    const checked = (overrides: Partial<TrayInput>) =>
      trayState(input(overrides)).menu.find((item) => item.kind === 'checkbox');
    expect(checked({ settings: { doNotDisturb: true } })).toMatchObject({ checked: true });
    expect(checked({ status: status({ ...registered, doNotDisturb: true }) })).toMatchObject({
      checked: true,
    });
  });

  it('counts missed calls in the badge and the tooltip, and names the caller while ringing', () => {
    const state = trayState(input({ status: status({ ...ringing, missedCalls: 2 }) }));
    expect(state.badge).toBe(2);
    expect(state.tooltip).toBe('Ringline: Incoming call\nIncoming call from Bob\n2 missed calls');
  });

  it('speaks Simplified Chinese', () => {
    const state = trayState(input({ locale: 'zh-CN', status: status({ ...ringing, missedCalls: 1 }) }));
    expect(state.tooltip).toBe('Ringline: 来电\n来自 Bob 的来电\n1 个未接来电');
    expect(state.menu.map((item) => ('label' in item ? item.label : '-'))).toEqual([
      '隐藏 Ringline',
      '免打扰',
      '-',
      'Work: 已注册',
      '-',
      '接听',
      '拒接',
      '忙线',
      '-',
      '退出 Ringline',
    ]);
  });
});

describe('resolveDesktopLocale', () => {
  it('follows the setting, or the OS language for "system"', () => {
    expect(resolveDesktopLocale('en', 'zh-CN')).toBe('en');
    expect(resolveDesktopLocale('zh-CN', 'en-US')).toBe('zh-CN');
    expect(resolveDesktopLocale('system', 'zh-TW')).toBe('zh-CN');
    expect(resolveDesktopLocale('system', 'de')).toBe('en');
  });
});

describe('menuTemplate', () => {
  it('maps the model to Electron menu items whose clicks report the action', () => {
    const clicked: TrayAction[] = [];
    const template = menuTemplate(trayState(input({ status: ringing })).menu, (action) =>
      clicked.push(action),
    );
    expect(template[0]).toMatchObject({ label: 'Hide Ringline' });
    expect(template[1]).toMatchObject({ type: 'checkbox', checked: false });
    expect(template[2]).toEqual({ type: 'separator' });
    expect(template[3]).toEqual({ label: 'Work: Registered', enabled: false });
    for (const item of template) (item.click as (() => void) | undefined)?.();
    expect(clicked).toEqual(['toggle-window', 'toggle-dnd', 'answer', 'decline', 'busy', 'quit']);
  });
});

describe('tray icon files', () => {
  it('names colour icons, missed-call variants and macOS template images', () => {
    expect(trayIconFile('registered', 0, 'linux')).toBe('registered.png');
    expect(trayIconFile('registered', 3, 'win32')).toBe('registered-missed.png');
    expect(trayIconFile('in-call', 0, 'darwin')).toBe('in-callTemplate.png');
    expect(trayIconFile('dnd', 1, 'darwin')).toBe('dnd-missedTemplate.png');
  });

  it('lists every file at 16 and 32 px', () => {
    const files = allTrayIconFiles();
    expect(files).toHaveLength(6 * 2 * 2 * 2);
    expect(files).toContainEqual({ file: 'ringing-missedTemplate@2x.png', size: 32 });
    expect(files).toContainEqual({ file: 'offline.png', size: 16 });
  });

  it('finds them in resources when packaged, in build/icons/tray in development', () => {
    expect(trayIconDir({ isPackaged: true, resourcesPath: '/opt/Ringline/resources', mainDir: '/x' })).toBe(
      join('/opt/Ringline/resources', 'tray'),
    );
    expect(trayIconDir({ isPackaged: false, resourcesPath: '/r', mainDir: '/src/ringline/out/main' })).toBe(
      join('/src/ringline/build/icons/tray'),
    );
  });
});
