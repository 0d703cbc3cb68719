import type { PhoneCommand, PhoneStatus } from '@common/contract';
import { IDLE_PHONE_STATUS } from '@common/contract-defaults';
import { NotificationPlanner, type NotificationAction } from '@common/notification-policy';

/**
 * Incoming and missed call notices with the Web Notifications API, decided by the same policy as the
 * desktop app. Page notifications have no action buttons, so clicking one brings the page forward
 * on the view that matters (the incoming call, or recent calls).
 */
export class WebNotifications {
  private readonly planner = new NotificationPlanner({ status: IDLE_PHONE_STATUS, doNotDisturb: false });
  private readonly open = new Map<string, Notification>();

  constructor(private readonly command: (command: PhoneCommand) => void) {}

  update(next: PhoneStatus): void {
    this.planner
      .update({ status: next, doNotDisturb: next.doNotDisturb })
      .forEach((action) => this.apply(action));
  }

  private apply(action: NotificationAction): void {
    switch (action.kind) {
      case 'show-incoming':
        this.show(
          `incoming:${action.call.callId}`,
          action.call.displayName || action.call.number,
          action.call.number,
          {
            kind: 'show',
            view: 'phone',
          },
        );
        return;
      case 'dismiss-incoming':
        this.close(`incoming:${action.callId}`);
        return;
      case 'show-missed':
        this.show('missed', action.call.displayName || action.call.number, action.call.number, {
          kind: 'show',
          view: 'history',
        });
        return;
      case 'dismiss-missed':
        this.close('missed');
        return;
    }
  }

  private show(key: string, title: string, body: string, onClick: PhoneCommand): void {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    this.close(key);
    const notification = new Notification(title, { body, tag: key, requireInteraction: key !== 'missed' });
    notification.onclick = () => {
      window.focus();
      this.command(onClick);
      notification.close();
    };
    this.open.set(key, notification);
  }

  private close(key: string): void {
    this.open.get(key)?.close();
    this.open.delete(key);
  }
}
