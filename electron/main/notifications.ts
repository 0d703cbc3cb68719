/**
 * Call notifications, applied from the actions of `notification-policy.ts`.
 *
 * - Incoming call: a native notification titled with the caller, the number in the body, and
 *   **Answer** / **Decline** buttons where Electron supports notification actions (macOS, Windows).
 *   Clicking the body shows the window. Elsewhere (Linux: Electron has no actions there), when
 *   notifications are unsupported, or when showing one fails, the small incoming-call window
 *   (`incoming-windows.ts`) takes its place, so answering never needs the main window.
 *   macOS only shows the buttons for a signed app whose Info.plist sets `NSUserNotificationAlertStyle`
 *   to `alert` (see `build/electron-builder.yml`); otherwise the notification still shows and a click
 *   opens the window.
 * - Missed call: "Missed call from X"; clicking it shows the window on the call history.
 *
 * Main shows these rather than the renderer (Web Notifications would need the `notifications`
 * permission, which we refuse), so they work while the window is hidden in the tray.
 */
import type { Notification, NotificationConstructorOptions } from 'electron';
import type { PhoneCommand, RingingCall } from '../common/contract';
import type { MissedCall, NotificationAction } from '../common/notification-policy';
import { desktopStrings, type DesktopLocale, type DesktopStrings } from './desktop-strings';

/** The part of Electron's `Notification` we use, with one method per event (see {@link wrapNotification}). */
export interface NotificationLike {
  show(): void;
  close(): void;
  onClick(listener: () => void): void;
  onClose(listener: () => void): void;
  /** A button was pressed; `index` into the `actions` option. */
  onAction(listener: (index: number) => void): void;
  /** macOS/Windows: the OS refused to show it (notifications off for the app, no Start-menu shortcut). */
  onFailed(listener: (error: string) => void): void;
}

/** Adapts an Electron `Notification`; `details.actionIndex` replaces the deprecated second argument. */
export function wrapNotification(notification: Notification): NotificationLike {
  return {
    show: () => notification.show(),
    close: () => notification.close(),
    onClick: (listener) => notification.on('click', () => listener()),
    onClose: (listener) => notification.on('close', () => listener()),
    onAction: (listener) => notification.on('action', (details) => listener(details.actionIndex)),
    onFailed: (listener) => notification.on('failed', (_event, error) => listener(error)),
  };
}

/** What the fallback window manager offers (`IncomingWindows`). */
export interface IncomingFallback {
  open(call: RingingCall, locale: DesktopLocale): void;
  close(callId: string): void;
}

export interface CallNotificationsOptions {
  platform: NodeJS.Platform;
  /** Electron's `Notification.isSupported()`: false on Linux without a notification daemon. */
  isSupported: () => boolean;
  create: (options: NotificationConstructorOptions) => NotificationLike;
  fallback: IncomingFallback;
  /** Shows, restores and focuses the main window. */
  showWindow: () => void;
  sendCommand: (command: PhoneCommand) => void;
  locale: () => DesktopLocale;
  warn: (message: string) => void;
}

/** Platforms where Electron's `actions` option puts buttons on the notification. */
export function hasNotificationActions(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

function caller(call: { displayName: string; number: string }, text: DesktopStrings): string {
  return call.displayName.trim() || call.number.trim() || text.unknownCaller;
}

/** The incoming-call notification: caller as title, number in the body, Answer, Decline and Busy. */
export function incomingCallOptions(
  call: RingingCall,
  locale: DesktopLocale,
): NotificationConstructorOptions {
  const text = desktopStrings(locale);
  const name = call.displayName.trim();
  const number = call.number.trim();
  return {
    id: `incoming-${call.callId}`,
    title: name === '' && number === '' ? text.incomingCall : text.incomingCallFrom(caller(call, text)),
    // The number under the name; with only one of them the title already says it.
    body: name === '' && number === '' ? text.unknownCaller : name !== '' ? number : '',
    actions: [
      { type: 'button', text: text.answer },
      { type: 'button', text: text.decline },
      { type: 'button', text: text.busy },
    ],
    // Linux/Windows: stay up while it rings instead of timing out after a few seconds; it is closed
    // when the call stops ringing.
    timeoutType: 'never',
    urgency: 'critical',
  };
}

/** The missed-call notification. */
export function missedCallOptions(
  call: MissedCall,
  count: number,
  locale: DesktopLocale,
): NotificationConstructorOptions {
  const text = desktopStrings(locale);
  const number = call.number.trim();
  const details = [
    number !== '' && call.displayName.trim() !== '' ? number : '',
    count > 1 ? text.missedCalls(count) : '',
  ]
    .filter((line) => line !== '')
    .join('\n');
  return {
    id: 'missed-calls',
    title: text.missedCallFrom(caller(call, text)),
    body: details,
    timeoutType: 'default',
    urgency: 'normal',
  };
}

/** Shows and takes down call notifications; one per ringing call, one for missed calls. */
export class CallNotifications {
  readonly #options: CallNotificationsOptions;
  /**
   * Open notifications by call id. Holding the reference also matters: Electron drops the handlers of
   * a Notification object that was garbage-collected while still on screen.
   */
  readonly #incoming = new Map<string, NotificationLike>();
  #missed: NotificationLike | null = null;

  constructor(options: CallNotificationsOptions) {
    this.#options = options;
  }

  apply(actions: readonly NotificationAction[]): void {
    for (const action of actions) {
      switch (action.kind) {
        case 'show-incoming':
          this.#showIncoming(action.call);
          break;
        case 'dismiss-incoming':
          this.#dismissIncoming(action.callId);
          break;
        case 'show-missed':
          this.#showMissed(action.call, action.count);
          break;
        case 'dismiss-missed':
          this.#dismissMissed();
          break;
      }
    }
  }

  /** Takes everything down (the app is quitting). */
  dismissAll(): void {
    for (const callId of [...this.#incoming.keys()]) this.#dismissIncoming(callId);
    this.#dismissMissed();
  }

  #showIncoming(call: RingingCall): void {
    const { platform, isSupported, fallback, locale } = this.#options;
    this.#dismissIncoming(call.callId);
    if (!hasNotificationActions(platform) || !isSupported()) {
      fallback.open(call, locale());
      return;
    }
    const notification = this.#options.create(incomingCallOptions(call, locale()));
    notification.onClick(() => {
      this.#options.showWindow();
      this.#options.sendCommand({ kind: 'show', view: 'phone' });
    });
    notification.onAction((index) => {
      if (index === 0) this.#options.sendCommand({ kind: 'answer', callId: call.callId });
      if (index === 1) this.#options.sendCommand({ kind: 'decline', callId: call.callId, statusCode: 603 });
      if (index === 2) this.#options.sendCommand({ kind: 'decline', callId: call.callId, statusCode: 486 });
    });
    notification.onClose(() => {
      // A replaced notification may report its close after its successor was registered.
      if (this.#incoming.get(call.callId) === notification) this.#incoming.delete(call.callId);
    });
    notification.onFailed((error) => {
      this.#options.warn(`incoming-call notification failed (${error}); using the incoming-call window`);
      if (this.#incoming.get(call.callId) !== notification) return;
      this.#incoming.delete(call.callId);
      fallback.open(call, locale());
    });
    this.#incoming.set(call.callId, notification);
    notification.show();
  }

  #dismissIncoming(callId: string): void {
    this.#options.fallback.close(callId);
    const notification = this.#incoming.get(callId);
    if (notification === undefined) return;
    this.#incoming.delete(callId);
    notification.close();
  }

  #showMissed(call: MissedCall, count: number): void {
    this.#dismissMissed();
    if (!this.#options.isSupported()) return; // the tray's dot still says so
    const notification = this.#options.create(missedCallOptions(call, count, this.#options.locale()));
    notification.onClick(() => {
      this.#options.showWindow();
      this.#options.sendCommand({ kind: 'show', view: 'history' });
    });
    notification.onClose(() => {
      if (this.#missed === notification) this.#missed = null;
    });
    this.#missed = notification;
    notification.show();
  }

  #dismissMissed(): void {
    const notification = this.#missed;
    this.#missed = null;
    notification?.close();
  }
}
