import { describe, expect, it } from 'vitest';
import {
  phoneKeyAction,
  type KeyFocus,
  type KeyPress,
  type PhoneKeyState,
} from '../../../renderer/src/keyboard/phone-keys';

const press = (key: string, patch: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  isComposing: false,
  ...patch,
});
const idle: PhoneKeyState = { ringing: false, inCall: false, dtmfReady: false, dialTarget: '' };
const inCall: PhoneKeyState = { ...idle, inCall: true, dtmfReady: true };

describe('typing to dial', () => {
  it('puts digits, dial characters and names into the number field from outside any field', () => {
    for (const focus of ['none', 'control'] as KeyFocus[]) {
      for (const key of ['5', '*', '#', '+', 'a', 'Z', '张', '@', '.'])
        expect(phoneKeyAction(press(key), focus, idle), `${focus} ${key}`).toEqual({
          kind: 'type',
          text: key,
        });
    }
  });

  it('leaves fields, shortcuts of the browser or OS, and input methods alone', () => {
    expect(phoneKeyAction(press('5'), 'text-field', idle)).toBeUndefined();
    expect(phoneKeyAction(press('5'), 'dial-field', idle)).toBeUndefined();
    expect(phoneKeyAction(press('5'), 'dialog', idle)).toBeUndefined();
    expect(phoneKeyAction(press('c', { ctrlKey: true }), 'none', idle)).toBeUndefined();
    expect(phoneKeyAction(press('1', { altKey: true }), 'none', idle)).toBeUndefined();
    expect(phoneKeyAction(press('v', { metaKey: true }), 'none', idle)).toBeUndefined();
    expect(phoneKeyAction(press('z', { isComposing: true }), 'none', idle)).toBeUndefined();
    for (const key of [' ', 'Tab', 'ArrowDown', 'F5', 'Backspace', 'Shift'])
      expect(phoneKeyAction(press(key), 'none', idle), key).toBeUndefined();
  });

  it('sends digits to the call in front as tones, but letters still go to the number field', () => {
    expect(phoneKeyAction(press('7'), 'none', inCall)).toEqual({ kind: 'dtmf', digit: '7' });
    expect(phoneKeyAction(press('#'), 'control', inCall)).toEqual({ kind: 'dtmf', digit: '#' });
    expect(phoneKeyAction(press('b'), 'none', inCall)).toEqual({ kind: 'type', text: 'b' });
    // Held, ringing out or ending: nothing listens for tones, so the digit is dialling text.
    expect(phoneKeyAction(press('7'), 'none', { ...inCall, dtmfReady: false })).toEqual({
      kind: 'type',
      text: '7',
    });
  });
});

describe('Enter calls', () => {
  it('calls what the number field holds when nothing is focused', () => {
    expect(phoneKeyAction(press('Enter'), 'none', { ...idle, dialTarget: '1002' })).toEqual({ kind: 'call' });
    expect(phoneKeyAction(press('Enter'), 'none', { ...idle, dialTarget: '  ' })).toBeUndefined();
  });

  it('keeps activating a focused button, and lets the number field submit itself', () => {
    expect(phoneKeyAction(press('Enter'), 'control', { ...idle, dialTarget: '1002' })).toBeUndefined();
    expect(phoneKeyAction(press('Enter'), 'dial-field', { ...idle, dialTarget: '1002' })).toBeUndefined();
  });
});

describe('Escape ends', () => {
  it('declines a ringing call first, even during another call', () => {
    expect(phoneKeyAction(press('Escape'), 'none', { ...idle, ringing: true })).toEqual({ kind: 'decline' });
    expect(phoneKeyAction(press('Escape'), 'control', { ...inCall, ringing: true })).toEqual({
      kind: 'decline',
    });
  });

  it('hangs up the call in front, from the number field too', () => {
    expect(phoneKeyAction(press('Escape'), 'none', inCall)).toEqual({ kind: 'hangup' });
    expect(phoneKeyAction(press('Escape'), 'dial-field', inCall)).toEqual({ kind: 'hangup' });
  });

  it('clears the number field when there is no call, and leaves other fields and dialogs alone', () => {
    expect(phoneKeyAction(press('Escape'), 'dial-field', { ...idle, dialTarget: '12' })).toEqual({
      kind: 'clear',
    });
    expect(phoneKeyAction(press('Escape'), 'none', idle)).toBeUndefined();
    expect(phoneKeyAction(press('Escape'), 'text-field', inCall)).toBeUndefined();
    expect(phoneKeyAction(press('Escape'), 'dialog', inCall)).toBeUndefined();
  });
});

it('? shows the keyboard shortcuts', () => {
  expect(phoneKeyAction(press('?', {}), 'none', idle)).toEqual({ kind: 'help' });
  expect(phoneKeyAction(press('?'), 'text-field', idle)).toBeUndefined();
});
