/**
 * OS notifications for incoming calls, shown by main so they appear while the window is hidden or
 * minimised (the renderer's Web Notification API would need the `notifications` permission, which we
 * refuse).
 *
 * First cut: title and body only; answer/decline actions come later.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { IncomingCallNotice } from '../common/contract';

/** The part of Electron's `Notification` we use; main passes `(o) => new Notification(o)`. */
export interface NotificationLike {
  show(): void;
  close(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface CallNotificationsOptions {
  /** Electron's `Notification.isSupported()`: false on Linux without a notification daemon. */
  isSupported: () => boolean;
  create: (options: NotificationConstructorOptions) => NotificationLike;
  /** Shows, restores and focuses the main window. */
  showWindow: () => void;
}

/** What the notification says: the caller's name as the title when known, the number in the body. */
export function incomingCallOptions(notice: IncomingCallNotice): NotificationConstructorOptions {
  const name = notice.displayName.trim();
  const number = notice.number.trim();
  return {
    title: name === '' ? 'Incoming call' : `Incoming call from ${name}`,
    body: number === '' ? (name === '' ? 'Unknown caller' : name) : number,
    // Linux/Windows: stay up while it rings instead of timing out after a few seconds; the renderer
    // dismisses it when the call is answered, declined or cancelled.
    timeoutType: 'never',
    urgency: 'critical',
  };
}

/** One OS notification per ringing call, keyed by the renderer's call id. */
export class CallNotifications {
  readonly #options: CallNotificationsOptions;
  /**
   * Open notifications by call id. Holding the reference also matters: Electron drops the `click`
   * handler of a Notification object that was garbage-collected while still on screen.
   */
  readonly #open = new Map<string, NotificationLike>();

  constructor(options: CallNotificationsOptions) {
    this.#options = options;
  }

  /** Shows (or replaces) the notification for a call; clicking it brings the window forward. */
  incomingCall(notice: IncomingCallNotice): void {
    if (!this.#options.isSupported()) return;
    this.dismiss(notice.callId);
    const notification = this.#options.create(incomingCallOptions(notice));
    notification.on('click', () => this.#options.showWindow());
    notification.on('close', () => {
      // A replaced notification may report its close after its successor was registered.
      if (this.#open.get(notice.callId) === notification) this.#open.delete(notice.callId);
    });
    this.#open.set(notice.callId, notification);
    notification.show();
  }

  /** Closes the call's notification, if any. */
  dismiss(callId: string): void {
    const notification = this.#open.get(callId);
    if (notification === undefined) return;
    this.#open.delete(callId);
    notification.close();
  }
}
