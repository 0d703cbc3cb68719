/**
 * The phone's keyboard, decided without the DOM: what a key press means given where the focus is and
 * what the calls are doing. `composables/phone-keyboard.ts` feeds it real events and carries out the
 * result; the desktop's global shortcuts (Electron accelerators) are separate and unchanged.
 *
 * | Key                        | Focus                        | Does                                      |
 * |----------------------------|------------------------------|-------------------------------------------|
 * | digit, letter, `* # + @ .` | not in a field               | types it in the number field (focuses it) |
 * | digit, `*`, `#`            | not in a field, call in use  | sends it to the call as a tone (DTMF)     |
 * | Enter                      | nothing focused              | calls what the number field holds         |
 * | Escape                     | not in another text field    | declines the ringing call, else hangs up  |
 * | Escape                     | number field, no call        | clears the number field                   |
 * | `?`                        | not in a field               | shows the keyboard shortcuts              |
 *
 * Keys with Ctrl, Alt or Meta, keys while an input method is composing, and everything inside a modal
 * dialog are left alone. Enter and Space on a focused button keep activating that button.
 */

/** Where the key press happened. */
export type KeyFocus =
  /** Nothing in particular (the page itself, text, a heading). */
  | 'none'
  /** A button, link, checkbox or other control that Enter/Space activate but that takes no text. */
  | 'control'
  /** The phone's own number field. */
  | 'dial-field'
  /** Any other field that takes typed text (search, message, settings, a select's type-ahead). */
  | 'text-field'
  /** Inside a modal dialog, which handles its own keys. */
  | 'dialog';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  /** An input method (Chinese, Japanese...) is composing: its keys are not ours. */
  isComposing: boolean;
}

export interface PhoneKeyState {
  /** An incoming call (or call waiting) is ringing. */
  ringing: boolean;
  /** A call is on a card: dialling, ringing out, connected or held. */
  inCall: boolean;
  /** The call in front is connected and not on hold, so digits can go to it as tones. */
  dtmfReady: boolean;
  /** What the number field holds now. */
  dialTarget: string;
}

export type PhoneKeyAction =
  | { kind: 'type'; text: string }
  | { kind: 'dtmf'; digit: string }
  | { kind: 'call' }
  | { kind: 'decline' }
  | { kind: 'hangup' }
  | { kind: 'clear' }
  | { kind: 'help' };

const DTMF = /^[0-9*#]$/;
/** What a number or SIP address, or a contact's name to search for, can start with. */
const DIALABLE = /^[\p{L}\p{N}*#+@._-]$/u;

export function phoneKeyAction(
  press: KeyPress,
  focus: KeyFocus,
  state: PhoneKeyState,
): PhoneKeyAction | undefined {
  if (press.ctrlKey || press.altKey || press.metaKey || press.isComposing || focus === 'dialog') {
    return undefined;
  }
  if (press.key === 'Escape') {
    if (focus === 'text-field') return undefined;
    if (state.ringing) return { kind: 'decline' };
    if (state.inCall) return { kind: 'hangup' };
    return focus === 'dial-field' && state.dialTarget !== '' ? { kind: 'clear' } : undefined;
  }
  if (focus === 'text-field' || focus === 'dial-field') return undefined;
  if (press.key === 'Enter') {
    return focus === 'none' && state.dialTarget.trim() !== '' ? { kind: 'call' } : undefined;
  }
  if (press.key === '?') return { kind: 'help' };
  if (DTMF.test(press.key) && state.dtmfReady) return { kind: 'dtmf', digit: press.key };
  if (DIALABLE.test(press.key)) return { kind: 'type', text: press.key };
  return undefined;
}
