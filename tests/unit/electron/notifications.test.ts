import { describe, expect, it } from 'vitest';
import type { NotificationConstructorOptions } from 'electron';
import type { PhoneCommand, RingingCall } from '../../../electron/common/contract';
import type { DesktopLocale } from '../../../electron/main/desktop-strings';
import {
  CallNotifications,
  hasNotificationActions,
  incomingCallOptions,
  missedCallOptions,
  type IncomingFallback,
  type NotificationLike,
} from '../../../electron/main/notifications';

/** Stand-in for Electron's Notification that records what happened to it. */
class RecordingNotification implements NotificationLike {
  readonly events: string[] = [];
  #click = (): void => undefined;
  #close = (): void => undefined;
  #action: (index: number) => void = () => undefined;
  #failed: (error: string) => void = () => undefined;
  constructor(readonly options: NotificationConstructorOptions) {}
  show(): void {
    this.events.push('show');
  }
  close(): void {
    this.events.push('close');
    this.#close();
  }
  onClick(listener: () => void): void {
    this.#click = listener;
  }
  onClose(listener: () => void): void {
    this.#close = listener;
  }
  onAction(listener: (index: number) => void): void {
    this.#action = listener;
  }
  onFailed(listener: (error: string) => void): void {
    this.#failed = listener;
  }
  click(): void {
    this.#click();
  }
  userClosed(): void {
    this.#close();
  }
  press(index: number): void {
    this.#action(index);
  }
  fail(error: string): void {
    this.#failed(error);
  }
}

const bob: RingingCall = { callId: 'c1', displayName: 'Bob', number: '+12015550123' };

function setup(options: { platform?: NodeJS.Platform; supported?: boolean; locale?: DesktopLocale } = {}) {
  const created: RecordingNotification[] = [];
  const commands: PhoneCommand[] = [];
  const fallbackEvents: string[] = [];
  const warnings: string[] = [];
  let windowShown = 0;
  const fallback: IncomingFallback = {
    open: (call, locale) => fallbackEvents.push(`open:${call.callId}:${locale}`),
    close: (callId) => fallbackEvents.push(`close:${callId}`),
  };
  const notifications = new CallNotifications({
    platform: options.platform ?? 'darwin',
    isSupported: () => options.supported ?? true,
    create: (notificationOptions) => {
      const notification = new RecordingNotification(notificationOptions);
      created.push(notification);
      return notification;
    },
    fallback,
    showWindow: () => {
      windowShown += 1;
    },
    sendCommand: (command) => commands.push(command),
    locale: () => options.locale ?? 'en',
    warn: (message) => warnings.push(message),
  });
  return { notifications, created, commands, fallbackEvents, warnings, windowShown: () => windowShown };
}

describe('incomingCallOptions', () => {
  it('names the caller, shows the number and offers Answer, Decline and Busy', () => {
    expect(incomingCallOptions(bob, 'en')).toMatchObject({
      title: 'Incoming call from Bob',
      body: '+12015550123',
      actions: [
        { type: 'button', text: 'Answer' },
        { type: 'button', text: 'Decline' },
        { type: 'button', text: 'Busy' },
      ],
      timeoutType: 'never',
    });
    expect(incomingCallOptions(bob, 'zh-CN')).toMatchObject({
      title: '来自 Bob 的来电',
      actions: [{ text: '接听' }, { text: '拒接' }, { text: '忙线' }],
    });
  });

  it('copes with a missing name or number', () => {
    expect(incomingCallOptions({ callId: 'c', displayName: ' ', number: '1002' }, 'en')).toMatchObject({
      title: 'Incoming call from 1002',
      body: '',
    });
    expect(incomingCallOptions({ callId: 'c', displayName: 'Bob', number: '' }, 'en')).toMatchObject({
      title: 'Incoming call from Bob',
      body: '',
    });
    expect(incomingCallOptions({ callId: 'c', displayName: '', number: '' }, 'en')).toMatchObject({
      title: 'Incoming call',
      body: 'Unknown caller',
    });
  });
});

describe('missedCallOptions', () => {
  it('says who called, and how many calls were missed when more than one', () => {
    expect(missedCallOptions(bob, 1, 'en')).toMatchObject({
      title: 'Missed call from Bob',
      body: '+12015550123',
    });
    expect(missedCallOptions(bob, 3, 'en').body).toBe('+12015550123\n3 missed calls');
    expect(missedCallOptions({ ...bob, displayName: '' }, 2, 'zh-CN')).toMatchObject({
      title: '来自 +12015550123 的未接来电',
      body: '2 个未接来电',
    });
  });
});

describe('hasNotificationActions', () => {
  it('is true where Electron puts buttons on notifications', () => {
    expect(hasNotificationActions('darwin')).toBe(true);
    expect(hasNotificationActions('win32')).toBe(true);
    expect(hasNotificationActions('linux')).toBe(false);
  });
});

describe('CallNotifications', () => {
  it('shows a notification whose buttons answer, decline (603) or refuse as busy (486) that call', () => {
    const { notifications, created, commands } = setup();
    notifications.apply([{ kind: 'show-incoming', call: bob }]);
    expect(created).toHaveLength(1);
    expect(created[0]?.events).toEqual(['show']);
    created[0]?.press(0);
    created[0]?.press(1);
    created[0]?.press(2);
    expect(commands).toEqual([
      { kind: 'answer', callId: 'c1' },
      { kind: 'decline', callId: 'c1', statusCode: 603 },
      { kind: 'decline', callId: 'c1', statusCode: 486 },
    ]);
  });

  it('shows the window on the phone view when the body is clicked', () => {
    const { notifications, created, commands, windowShown } = setup({ platform: 'win32' });
    notifications.apply([{ kind: 'show-incoming', call: bob }]);
    created[0]?.click();
    expect(windowShown()).toBe(1);
    expect(commands).toEqual([{ kind: 'show', view: 'phone' }]);
  });

  it('uses the incoming-call window on Linux and where notifications are unsupported', () => {
    for (const options of [
      { platform: 'linux' as const },
      { platform: 'darwin' as const, supported: false },
    ]) {
      const { notifications, created, fallbackEvents } = setup({ ...options, locale: 'zh-CN' });
      notifications.apply([{ kind: 'show-incoming', call: bob }]);
      notifications.apply([{ kind: 'dismiss-incoming', callId: 'c1' }]);
      expect(created).toEqual([]);
      expect(fallbackEvents).toEqual(['close:c1', 'open:c1:zh-CN', 'close:c1']);
    }
  });

  it('falls back to the incoming-call window when the OS refuses the notification', () => {
    const { notifications, created, fallbackEvents, warnings } = setup({ platform: 'win32' });
    notifications.apply([{ kind: 'show-incoming', call: bob }]);
    created[0]?.fail('no shortcut');
    expect(fallbackEvents).toEqual(['close:c1', 'open:c1:en']);
    expect(warnings[0]).toMatch(/no shortcut/);
  });

  it('takes the notification down once when the call stops ringing', () => {
    const { notifications, created } = setup();
    notifications.apply([{ kind: 'show-incoming', call: bob }]);
    notifications.apply([{ kind: 'dismiss-incoming', callId: 'c1' }]);
    notifications.apply([
      { kind: 'dismiss-incoming', callId: 'c1' },
      { kind: 'dismiss-incoming', callId: 'x' },
    ]);
    expect(created[0]?.events).toEqual(['show', 'close']);
  });

  it('replaces the notification when the same call is announced again', () => {
    const { notifications, created } = setup();
    notifications.apply([{ kind: 'show-incoming', call: bob }]);
    notifications.apply([{ kind: 'show-incoming', call: { ...bob, displayName: 'Bob B.' } }]);
    expect(created[0]?.events).toEqual(['show', 'close']);
    notifications.apply([{ kind: 'dismiss-incoming', callId: 'c1' }]);
    expect(created[1]?.events).toEqual(['show', 'close']);
  });

  it('forgets a notification the user closed', () => {
    const { notifications, created } = setup();
    notifications.apply([{ kind: 'show-incoming', call: bob }]);
    created[0]?.userClosed();
    notifications.apply([{ kind: 'dismiss-incoming', callId: 'c1' }]);
    expect(created[0]?.events).toEqual(['show']);
  });

  it('shows one missed-call notice that opens the history, and takes it down when seen', () => {
    const { notifications, created, commands, windowShown } = setup({ platform: 'linux' });
    notifications.apply([{ kind: 'show-missed', call: bob, count: 1 }]);
    notifications.apply([{ kind: 'show-missed', call: { ...bob, callId: 'c2' }, count: 2 }]);
    expect(created.map((n) => n.events)).toEqual([['show', 'close'], ['show']]);
    created[1]?.click();
    expect(windowShown()).toBe(1);
    expect(commands).toEqual([{ kind: 'show', view: 'history' }]);
    notifications.apply([{ kind: 'dismiss-missed' }]);
    expect(created[1]?.events).toEqual(['show', 'close']);
  });

  it('shows no missed-call notice where notifications are unsupported', () => {
    const { notifications, created } = setup({ supported: false });
    notifications.apply([{ kind: 'show-missed', call: bob, count: 1 }]);
    expect(created).toEqual([]);
  });

  it('takes everything down on quit', () => {
    const { notifications, created, fallbackEvents } = setup();
    notifications.apply([
      { kind: 'show-incoming', call: bob },
      { kind: 'show-missed', call: bob, count: 1 },
    ]);
    notifications.dismissAll();
    expect(created.map((n) => n.events)).toEqual([
      ['show', 'close'],
      ['show', 'close'],
    ]);
    expect(fallbackEvents).toEqual(['close:c1', 'close:c1']);
  });
});
