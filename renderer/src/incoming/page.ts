/**
 * The incoming-call window's page logic, kept apart from `main.ts` (which wires it to the document and
 * the preload bridge) so it can be tested with a plain DOM.
 *
 * Everything shown comes from the page's query (`?callId=…&name=…&number=…&lang=…`, written by main)
 * and is set with `textContent`, never as HTML: a SIP display name is chosen by whoever calls.
 */
import type { IncomingAction } from '@common/contract';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';

export interface IncomingCall {
  callId: string;
  name: string;
  number: string;
  lang: 'en' | 'zh-CN';
}

/** Reads the call from the page's query string; unknown languages fall back to English. */
export function readIncomingQuery(search: string): IncomingCall {
  const params = new URLSearchParams(search);
  return {
    callId: params.get('callId') ?? '',
    name: (params.get('name') ?? '').trim(),
    number: (params.get('number') ?? '').trim(),
    lang: params.get('lang') === 'zh-CN' ? 'zh-CN' : 'en',
  };
}

/** `{name}` placeholders of the shared vue-i18n messages, filled as plain text. */
export function fillMessage(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export interface IncomingElements {
  root: HTMLElement;
  label: HTMLElement;
  name: HTMLElement;
  number: HTMLElement;
  answer: HTMLButtonElement;
  decline: HTMLButtonElement;
  busy: HTMLButtonElement;
}

/**
 * Shows the caller and wires the buttons. `act` is the bridge's `incoming.act`; after a press the
 * buttons are disabled (main closes the window). If main refuses (the call stopped ringing
 * meanwhile), `onError` is told and the window stays until main closes it.
 */
export function renderIncoming(
  call: IncomingCall,
  elements: IncomingElements,
  act: ((action: IncomingAction) => Promise<void>) | undefined,
  onError: (error: unknown) => void,
): void {
  const messages = call.lang === 'zh-CN' ? zhCN : en;
  const caller = call.name || call.number || messages.call.unknownCaller;
  document.documentElement.lang = call.lang;
  document.title = fillMessage(messages.call.incomingLabel, { caller });
  elements.label.textContent = messages.call.incoming;
  elements.name.textContent = caller;
  // The number on its own line only when the name is shown above it.
  elements.number.textContent = call.name !== '' ? call.number : '';
  elements.number.hidden = elements.number.textContent === '';
  elements.root.setAttribute('aria-label', fillMessage(messages.call.incomingLabel, { caller }));
  elements.answer.textContent = messages.call.answer;
  // The same pair, names and tooltips as the main window's incoming call.
  elements.decline.textContent = messages.call.decline;
  elements.decline.title = messages.control.declineTitle;
  elements.busy.textContent = messages.control.busy;
  elements.busy.title = messages.control.busyTitle;

  const buttons = [elements.answer, elements.decline, elements.busy];
  const press = (action: IncomingAction['action']) => () => {
    if (act === undefined || call.callId === '') return;
    for (const button of buttons) button.disabled = true;
    act({ callId: call.callId, action }).catch((error: unknown) => {
      for (const button of buttons) button.disabled = false;
      onError(error);
    });
  };
  elements.answer.addEventListener('click', press('answer'));
  elements.decline.addEventListener('click', press('decline'));
  elements.busy.addEventListener('click', press('busy'));
  // Focus is on Answer when the user switches to this window, but the window itself is shown
  // without taking focus (see incoming-window.ts), so typing elsewhere cannot answer.
  elements.answer.focus({ preventScroll: true });
}
