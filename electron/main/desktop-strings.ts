/**
 * The few strings main shows itself (tray, notifications), in English and Simplified Chinese.
 *
 * The renderer has its own messages (vue-i18n); these are kept apart because main never loads the
 * renderer's code. The call buttons say the same as the renderer's `call.answer` / `call.decline` /
 * `control.busy`.
 */
import type { LanguageSetting } from '../common/contract';

export type DesktopLocale = 'en' | 'zh-CN';

/**
 * The language main uses: the setting, or for `system` the OS language (`app.getLocale()`); any
 * Chinese variant gets Simplified Chinese, like the renderer's `resolveLocale`.
 */
export function resolveDesktopLocale(setting: LanguageSetting, systemLocale: string): DesktopLocale {
  if (setting !== 'system') return setting;
  return systemLocale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export interface DesktopStrings {
  showWindow: string;
  hideWindow: string;
  doNotDisturb: string;
  noAccounts: string;
  answer: string;
  decline: string;
  busy: string;
  hangup: string;
  mute: string;
  unmute: string;
  quit: string;
  registration: Record<
    'offline' | 'connecting' | 'registering' | 'registered' | 'reconnecting' | 'failed',
    string
  >;
  tray: Record<'offline' | 'registering' | 'registered' | 'dnd' | 'in-call' | 'ringing', string>;
  incomingCall: string;
  incomingCallFrom: (caller: string) => string;
  unknownCaller: string;
  missedCallFrom: (caller: string) => string;
  missedCalls: (count: number) => string;
  messageFrom: (sender: string) => string;
  /** Voicemail line of the tooltip and menu: new and old message counts. */
  voicemail: (newMessages: number, oldMessages: number) => string;
}

const en: DesktopStrings = {
  showWindow: 'Show Ringline',
  hideWindow: 'Hide Ringline',
  doNotDisturb: 'Do not disturb',
  noAccounts: 'No accounts',
  answer: 'Answer',
  decline: 'Decline',
  busy: 'Busy',
  hangup: 'Hang up',
  mute: 'Mute',
  unmute: 'Unmute',
  quit: 'Quit Ringline',
  registration: {
    offline: 'Offline',
    connecting: 'Connecting…',
    registering: 'Registering…',
    registered: 'Registered',
    reconnecting: 'Reconnecting…',
    failed: 'Not registered',
  },
  tray: {
    offline: 'Offline',
    registering: 'Registering…',
    registered: 'Ready for calls',
    dnd: 'Do not disturb',
    'in-call': 'In a call',
    ringing: 'Incoming call',
  },
  incomingCall: 'Incoming call',
  incomingCallFrom: (caller) => `Incoming call from ${caller}`,
  unknownCaller: 'Unknown caller',
  missedCallFrom: (caller) => `Missed call from ${caller}`,
  missedCalls: (count) => (count === 1 ? '1 missed call' : `${count} missed calls`),
  messageFrom: (sender) => `Message from ${sender}`,
  voicemail: (newMessages, oldMessages) => `Voicemail: ${newMessages} new, ${oldMessages} old`,
};

const zhCN: DesktopStrings = {
  showWindow: '显示 Ringline',
  hideWindow: '隐藏 Ringline',
  doNotDisturb: '免打扰',
  noAccounts: '没有账户',
  answer: '接听',
  decline: '拒接',
  busy: '忙线',
  hangup: '挂断',
  mute: '静音',
  unmute: '取消静音',
  quit: '退出 Ringline',
  registration: {
    offline: '离线',
    connecting: '正在连接…',
    registering: '正在注册…',
    registered: '已注册',
    reconnecting: '正在重新连接…',
    failed: '未注册',
  },
  tray: {
    offline: '离线',
    registering: '正在注册…',
    registered: '可以通话',
    dnd: '免打扰',
    'in-call': '通话中',
    ringing: '来电',
  },
  incomingCall: '来电',
  incomingCallFrom: (caller) => `来自 ${caller} 的来电`,
  unknownCaller: '未知来电者',
  missedCallFrom: (caller) => `来自 ${caller} 的未接来电`,
  missedCalls: (count) => `${count} 个未接来电`,
  messageFrom: (sender) => `来自 ${sender} 的消息`,
  voicemail: (newMessages, oldMessages) => `语音信箱：${newMessages} 条新留言，${oldMessages} 条旧留言`,
};

export function desktopStrings(locale: DesktopLocale): DesktopStrings {
  return locale === 'zh-CN' ? zhCN : en;
}
