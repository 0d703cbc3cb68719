import { describe, expect, it } from 'vitest';
import { IDLE_PHONE_STATUS, phoneStatusSchema, type PhoneStatus } from '../../../electron/common/contract';
import { trayState, type TrayInput } from '../../../electron/main/tray-state';

const registered: PhoneStatus = {
  ...IDLE_PHONE_STATUS,
  accounts: [{ id: 'a1', name: 'Work', state: 'registered' }],
};

function input(status: PhoneStatus, locale: TrayInput['locale'] = 'en'): TrayInput {
  return { status, settings: { doNotDisturb: false }, locale, windowVisible: true };
}

describe('tray voicemail (message waiting)', () => {
  it('shows new and old counts in the tooltip and as a menu line', () => {
    const state = trayState(input({ ...registered, voicemail: { newMessages: 2, oldMessages: 8 } }));
    expect(state.tooltip).toBe('Ringline: Ready for calls\nVoicemail: 2 new, 8 old');
    expect(state.menu).toContainEqual({ kind: 'info', label: 'Voicemail: 2 new, 8 old' });
  });

  it('says nothing about an empty mailbox or one never reported', () => {
    for (const status of [registered, { ...registered, voicemail: { newMessages: 0, oldMessages: 0 } }]) {
      const state = trayState(input(status));
      expect(state.tooltip).toBe('Ringline: Ready for calls');
      expect(state.menu.some((item) => item.kind === 'info' && item.label.startsWith('Voicemail'))).toBe(
        false,
      );
    }
  });

  it('lists old messages alone too, in Simplified Chinese', () => {
    const state = trayState(input({ ...registered, voicemail: { newMessages: 0, oldMessages: 3 } }, 'zh-CN'));
    expect(state.tooltip).toContain('语音信箱：0 条新留言，3 条旧留言');
  });

  it('is optional in the contract, and refuses negative counts', () => {
    expect(phoneStatusSchema.safeParse(registered).success).toBe(true);
    expect(
      phoneStatusSchema.safeParse({ ...registered, voicemail: { newMessages: 1, oldMessages: 0 } }).success,
    ).toBe(true);
    expect(
      phoneStatusSchema.safeParse({ ...registered, voicemail: { newMessages: -1, oldMessages: 0 } }).success,
    ).toBe(false);
  });
});
