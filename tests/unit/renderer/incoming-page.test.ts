import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingAction } from '@common/contract';
import {
  readIncomingQuery,
  renderIncoming,
  type IncomingElements,
} from '../../../renderer/src/incoming/page';

/** The elements of `incoming.html`, built in this page's real DOM. */
function elements(): IncomingElements {
  const root = document.createElement('main');
  const make = <K extends 'p' | 'button'>(tag: K) => root.appendChild(document.createElement(tag));
  const built = {
    root,
    label: make('p'),
    name: make('p'),
    number: make('p'),
    answer: make('button'),
    decline: make('button'),
    busy: make('button'),
  };
  document.body.appendChild(root);
  return built;
}

afterEach(() => document.body.replaceChildren());

describe('the incoming-call window', () => {
  it('offers Answer, Decline (603) and Busy (486) with the same names and tooltips as the main window', () => {
    const page = elements();
    renderIncoming(readIncomingQuery('?callId=c1&name=Bob&number=1002&lang=en'), page, undefined, () => {});
    expect([page.answer, page.decline, page.busy].map((b) => b.textContent)).toEqual([
      'Answer',
      'Decline',
      'Busy',
    ]);
    expect(page.decline.title).toContain('603');
    expect(page.busy.title).toContain('486');
    expect(page.root.getAttribute('aria-label')).toBe('Incoming call from Bob');
  });

  it('says the buttons in Chinese', () => {
    const page = elements();
    renderIncoming(readIncomingQuery('?callId=c1&name=Bob&lang=zh-CN'), page, undefined, () => {});
    expect([page.answer, page.decline, page.busy].map((b) => b.textContent)).toEqual([
      '接听',
      '拒接',
      '忙线',
    ]);
    expect(page.busy.title).toContain('486');
  });

  it('sends the pressed action for its own call and disables all three buttons', async () => {
    const page = elements();
    const sent: IncomingAction[] = [];
    renderIncoming(
      readIncomingQuery('?callId=c7&name=Bob&lang=en'),
      page,
      async (action) => void sent.push(action),
      () => {},
    );
    page.busy.click();
    expect(sent).toEqual([{ callId: 'c7', action: 'busy' }]);
    expect([page.answer, page.decline, page.busy].every((b) => b.disabled)).toBe(true);
  });

  it('gives the buttons back when main refuses (the call stopped ringing meanwhile)', async () => {
    const page = elements();
    const errors: unknown[] = [];
    renderIncoming(
      readIncomingQuery('?callId=c7&lang=en'),
      page,
      () => Promise.reject(new Error('not ringing')),
      (error) => errors.push(error),
    );
    page.decline.click();
    await expect.poll(() => errors.length).toBe(1);
    expect([page.answer, page.decline, page.busy].some((b) => b.disabled)).toBe(false);
  });
});
