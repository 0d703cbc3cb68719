import type { MessageNotice, PhoneCommand } from '@common/contract';

/**
 * Text-message notices with the Web Notifications API (the browser build). One per conversation, a
 * newer text replacing the older notice. Titled with the sender, like the call notices of
 * `web-notifications.ts`. A click brings the page forward on that conversation.
 */
export class WebMessageNotifications {
  private readonly open = new Map<string, Notification>();

  constructor(private readonly command: (command: PhoneCommand) => void) {}

  notify(notice: MessageNotice): void {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    this.open.get(notice.conversation)?.close();
    const notification = new Notification(notice.sender, {
      body: notice.preview,
      tag: `message:${notice.conversation}`,
    });
    notification.onclick = () => {
      window.focus();
      this.command({ kind: 'open-conversation', conversation: notice.conversation });
      notification.close();
    };
    this.open.set(notice.conversation, notification);
  }
}
