import { describe, expect, it } from 'vitest';
import type { NotificationConstructorOptions } from 'electron';
import {
  CallNotifications,
  incomingCallOptions,
  type NotificationLike,
} from '../../../electron/main/notifications';

/** Stand-in for Electron's Notification that records what happened to it. */
class RecordingNotification implements NotificationLike {
  readonly events: string[] = [];
  readonly #listeners = new Map<string, () => void>();
  constructor(readonly options: NotificationConstructorOptions) {}
  show(): void {
    this.events.push('show');
  }
  close(): void {
    this.events.push('close');
    this.#listeners.get('close')?.();
  }
  on(event: 'click' | 'close', listener: () => void): this {
    this.#listeners.set(event, listener);
    return this;
  }
  emit(event: 'click' | 'close'): void {
    this.#listeners.get(event)?.();
  }
}

function setup(supported = true) {
  const created: RecordingNotification[] = [];
  let windowShown = 0;
  const notifications = new CallNotifications({
    isSupported: () => supported,
    create: (options) => {
      const notification = new RecordingNotification(options);
      created.push(notification);
      return notification;
    },
    showWindow: () => {
      windowShown += 1;
    },
  });
  return { notifications, created, windowShown: () => windowShown };
}

describe('incomingCallOptions', () => {
  it('names the caller and shows the number', () => {
    expect(incomingCallOptions({ callId: 'c', displayName: 'Bob', number: '+1 555 0100' })).toMatchObject({
      title: 'Incoming call from Bob',
      body: '+1 555 0100',
    });
  });

  it('copes with a missing name or number', () => {
    expect(incomingCallOptions({ callId: 'c', displayName: ' ', number: '1002' })).toMatchObject({
      title: 'Incoming call',
      body: '1002',
    });
    expect(incomingCallOptions({ callId: 'c', displayName: 'Bob', number: '' })).toMatchObject({
      body: 'Bob',
    });
    expect(incomingCallOptions({ callId: 'c', displayName: '', number: '' })).toMatchObject({
      body: 'Unknown caller',
    });
  });
});

describe('CallNotifications', () => {
  it('shows a notification and focuses the window on click', () => {
    const { notifications, created, windowShown } = setup();
    notifications.incomingCall({ callId: 'c1', displayName: 'Bob', number: '1002' });
    expect(created).toHaveLength(1);
    expect(created[0]?.events).toEqual(['show']);
    created[0]?.emit('click');
    expect(windowShown()).toBe(1);
  });

  it('dismiss closes the call’s notification once', () => {
    const { notifications, created } = setup();
    notifications.incomingCall({ callId: 'c1', displayName: 'Bob', number: '1002' });
    notifications.dismiss('c1');
    notifications.dismiss('c1');
    notifications.dismiss('unknown');
    expect(created[0]?.events).toEqual(['show', 'close']);
  });

  it('replaces the notification when the same call is announced again', () => {
    const { notifications, created } = setup();
    notifications.incomingCall({ callId: 'c1', displayName: 'Bob', number: '1002' });
    notifications.incomingCall({ callId: 'c1', displayName: 'Bob B.', number: '1002' });
    expect(created[0]?.events).toEqual(['show', 'close']);
    notifications.dismiss('c1');
    expect(created[1]?.events).toEqual(['show', 'close']);
  });

  it('forgets a notification the user closed', () => {
    const { notifications, created } = setup();
    notifications.incomingCall({ callId: 'c1', displayName: 'Bob', number: '1002' });
    created[0]?.emit('close');
    notifications.dismiss('c1');
    expect(created[0]?.events).toEqual(['show']);
  });

  it('does nothing where notifications are unsupported', () => {
    const { notifications, created } = setup(false);
    notifications.incomingCall({ callId: 'c1', displayName: 'Bob', number: '1002' });
    expect(created).toEqual([]);
  });
});
