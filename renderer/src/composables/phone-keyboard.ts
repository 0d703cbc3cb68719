import { nextTick, onScopeDispose, type Ref } from 'vue';
import { phoneKeyAction, type KeyFocus } from '../keyboard/phone-keys';
import { useCallsStore } from '../stores/calls';
import { useDialerStore } from '../stores/dialer';
import { usePhoneStore } from '../stores/phone';
import type { AppView } from './desktop-bridge';

/** The id of the phone's number field; `DialPanel.vue` puts it on its input. */
export const DIAL_FIELD_ID = 'dial-target';

/** Input types that take typed text (a checkbox or a button does not). */
const TEXT_INPUTS = new Set([
  'text',
  'search',
  'tel',
  'url',
  'email',
  'password',
  'number',
  'date',
  'time',
  'datetime-local',
  'month',
  'week',
]);

function focusOf(target: EventTarget | null): KeyFocus {
  if (!(target instanceof Element)) return 'none';
  if (target.closest('dialog[open], [aria-modal="true"]')) return 'dialog';
  if (target.id === DIAL_FIELD_ID) return 'dial-field';
  if (target instanceof HTMLInputElement) return TEXT_INPUTS.has(target.type) ? 'text-field' : 'control';
  // A select takes typed letters to pick an option.
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return 'text-field';
  if (target instanceof HTMLElement && target.isContentEditable) return 'text-field';
  if (target.closest('button, a[href], summary, [role="button"], [role="link"], [role="tab"]')) {
    return 'control';
  }
  return 'none';
}

/**
 * The window's keyboard (see `keyboard/phone-keys.ts`): typing dials, Enter calls, Escape declines or
 * hangs up, digits during a call are tones. `openHelp` shows the list of shortcuts.
 */
export function usePhoneKeyboard(view: Ref<AppView>, openHelp: () => void): void {
  const calls = useCallsStore();
  const dialer = useDialerStore();
  const phone = usePhoneStore();

  function dialField(): HTMLInputElement | null {
    const field = document.getElementById(DIAL_FIELD_ID);
    return field instanceof HTMLInputElement ? field : null;
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.defaultPrevented) return;
    const focused = calls.focused;
    const action = phoneKeyAction(event, focusOf(event.target), {
      ringing: calls.incoming.length > 0,
      inCall: focused !== undefined,
      dtmfReady: focused?.state === 'active' && !focused.held && !focused.ending,
      dialTarget: dialer.target,
    });
    if (!action) return;
    // Before the first account there is no number field (the window asks for the account instead).
    if ((action.kind === 'type' || action.kind === 'call') && !dialField()) return;
    event.preventDefault();
    switch (action.kind) {
      case 'type':
        dialer.target += action.text;
        view.value = 'phone';
        // The field may only now be shown (another view was open); the next keys go to it directly.
        void nextTick(() => dialField()?.focus());
        return;
      case 'dtmf':
        if (focused) void phone.sendDtmf(focused.id, action.digit);
        return;
      case 'call':
        view.value = 'phone';
        void nextTick(() => dialField()?.form?.requestSubmit());
        return;
      case 'decline': {
        const ringing = calls.incoming[0];
        if (ringing) void phone.decline(ringing.id, 603);
        return;
      }
      case 'hangup':
        if (focused) void phone.hangup(focused.id);
        return;
      case 'clear':
        dialer.target = '';
        return;
      case 'help':
        openHelp();
        return;
    }
  }

  window.addEventListener('keydown', onKeyDown);
  onScopeDispose(() => window.removeEventListener('keydown', onKeyDown));
}
