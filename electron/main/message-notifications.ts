/**
 * Text-message notifications: "Message from Bob" with the start of the text; a click shows the
 * window on that conversation. One per conversation: a newer text replaces the older notice.
 * The renderer asks only while its window is not in front; do-not-disturb silences them here.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { MessageNotice, PhoneCommand } from '../common/contract';
import { desktopStrings, type DesktopLocale } from './desktop-strings';
import type { NotificationLike } from './notifications';

export interface MessageNotificationsOptions {
  /** Electron's `Notification.isSupported()`. */
  isSupported: () => boolean;
  create: (options: NotificationConstructorOptions) => NotificationLike;
  /** Shows, restores and focuses the main window. */
  showWindow: () => void;
  sendCommand: (command: PhoneCommand) => void;
  locale: () => DesktopLocale;
  /** `Settings.doNotDisturb`. */
  doNotDisturb: () => boolean;
}

export function messageNotificationOptions(
  notice: MessageNotice,
  locale: DesktopLocale,
): NotificationConstructorOptions {
  const text = desktopStrings(locale);
  return {
    id: `message-${notice.conversation}`,
    title: text.messageFrom(notice.sender.trim() || text.unknownCaller),
    body: notice.preview,
    timeoutType: 'default',
    urgency: 'normal',
  };
}

export class MessageNotifications {
  readonly #options: MessageNotificationsOptions;
  /** Held so Electron keeps the click handler of a notice still on screen. */
  readonly #open = new Map<string, NotificationLike>();

  constructor(options: MessageNotificationsOptions) {
    this.#options = options;
  }

  notify(notice: MessageNotice): void {
    const { isSupported, create, doNotDisturb, locale } = this.#options;
    if (doNotDisturb() || !isSupported()) return;
    this.#open.get(notice.conversation)?.close();
    const notification = create(messageNotificationOptions(notice, locale()));
    notification.onClick(() => {
      this.#options.showWindow();
      this.#options.sendCommand({ kind: 'open-conversation', conversation: notice.conversation });
    });
    notification.onClose(() => {
      if (this.#open.get(notice.conversation) === notification) this.#open.delete(notice.conversation);
    });
    this.#open.set(notice.conversation, notification);
    notification.show();
  }

  dismissAll(): void {
    for (const notification of [...this.#open.values()]) notification.close();
    this.#open.clear();
  }
}
