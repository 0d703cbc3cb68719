import { describe, expect, it } from 'vitest';
import type { NotificationConstructorOptions } from 'electron';
import type { PhoneCommand } from '../../../electron/common/contract';
import {
  MessageNotifications,
  messageNotificationOptions,
} from '../../../electron/main/message-notifications';
import type { NotificationLike } from '../../../electron/main/notifications';

/** A notification that records what happens to it and lets the test click it, as the OS would. */
function fakeNotifications() {
  type Shown = { options: NotificationConstructorOptions; closed: boolean; click: () => void };
  const shown: Shown[] = [];
  const create = (options: NotificationConstructorOptions): NotificationLike => {
    const record: Shown = { options, closed: false, click: () => undefined };
    const onClose: (() => void)[] = [];
    shown.push(record);
    return {
      show: () => undefined,
      close: () => {
        record.closed = true;
        onClose.forEach((listener) => listener());
      },
      onClick: (listener) => (record.click = listener),
      onClose: (listener) => onClose.push(listener),
      onAction: () => undefined,
      onFailed: () => undefined,
    };
  };
  return { shown, create };
}

function setup(doNotDisturb = false, supported = true) {
  const { shown, create } = fakeNotifications();
  const commands: PhoneCommand[] = [];
  let windowShown = 0;
  const notifications = new MessageNotifications({
    isSupported: () => supported,
    create,
    showWindow: () => (windowShown += 1),
    sendCommand: (command) => commands.push(command),
    locale: () => 'en',
    doNotDisturb: () => doNotDisturb,
  });
  return { notifications, shown, commands, windowShown: () => windowShown };
}

const notice = { conversation: 'a1|1002@pbx', sender: 'Bob', preview: 'Lunch at 12?' };

describe('message notifications', () => {
  it('titles with the sender in the active language, the text as body', () => {
    expect(messageNotificationOptions(notice, 'en')).toMatchObject({
      title: 'Message from Bob',
      body: 'Lunch at 12?',
    });
    expect(messageNotificationOptions(notice, 'zh-CN').title).toBe('来自 Bob 的消息');
    expect(messageNotificationOptions({ ...notice, sender: ' ' }, 'en').title).toBe(
      'Message from Unknown caller',
    );
  });

  it('a click shows the window on the conversation; a newer text replaces the notice', () => {
    const { notifications, shown, commands, windowShown } = setup();
    notifications.notify(notice);
    notifications.notify({ ...notice, preview: 'Or 1?' });
    expect(shown.map((n) => n.closed)).toEqual([true, false]);
    shown[1]?.click();
    expect(windowShown()).toBe(1);
    expect(commands).toEqual([{ kind: 'open-conversation', conversation: 'a1|1002@pbx' }]);
    notifications.dismissAll();
    expect(shown[1]?.closed).toBe(true);
  });

  it('shows nothing during do-not-disturb or where notifications are unsupported', () => {
    const quiet = setup(true);
    quiet.notifications.notify(notice);
    expect(quiet.shown).toEqual([]);
    const unsupported = setup(false, false);
    unsupported.notifications.notify(notice);
    expect(unsupported.shown).toEqual([]);
  });
});
