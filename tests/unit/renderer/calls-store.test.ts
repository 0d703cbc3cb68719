import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallSnapshot } from '../../../renderer/src/sip/call-state';
import { ENDED_CARD_MS, useCallsStore } from '../../../renderer/src/stores/calls';

const snapshot = (id: string, patch: Partial<CallSnapshot> = {}): CallSnapshot => ({
  id,
  accountId: 'a',
  direction: 'outgoing',
  state: 'active',
  remoteUri: `sip:${id}@pbx`,
  remoteDisplayName: '',
  remoteNumber: id,
  createdAt: 0,
  muted: false,
  ...patch,
});

describe('calls store: lines', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('focuses the chosen line, else one not on hold, and moves on when it ends', () => {
    const calls = useCallsStore();
    calls.apply(snapshot('1', { held: true }));
    calls.apply(snapshot('2'));
    calls.apply(snapshot('3', { state: 'incoming', direction: 'incoming' }));
    expect(calls.current.map((c) => c.id)).toEqual(['1', '2']);
    expect(calls.focused?.id).toBe('2');
    calls.focus('1');
    expect(calls.focused?.id).toBe('1');
    calls.apply(snapshot('1', { state: 'ended' }));
    expect(calls.focused?.id).toBe('2');
    expect(calls.live.map((c) => c.id)).toEqual(['2', '3']);
  });
});

describe('calls store: a call that ends keeps its card for a moment', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('shows the ended call on its card, after the line in front, then lets it go', () => {
    const calls = useCallsStore();
    calls.apply(snapshot('1'));
    calls.apply(snapshot('2', { held: true }));
    expect(calls.cards.map((c) => c.id)).toEqual(['1']);

    const ended = snapshot('1', { state: 'ended', end: { reason: 'remote-hangup' } });
    calls.apply(ended);
    expect(calls.cards.map((c) => [c.id, c.state])).toEqual([
      ['2', 'active'],
      ['1', 'ended'],
    ]);
    vi.advanceTimersByTime(ENDED_CARD_MS - 1);
    expect(calls.justEnded.map((c) => c.id)).toEqual(['1']);
    vi.advanceTimersByTime(1);
    expect(calls.cards.map((c) => c.id)).toEqual(['2']);
  });

  it('says how a call that only rang ended too (declined, missed, forwarded)', () => {
    const calls = useCallsStore();
    calls.apply(snapshot('9', { state: 'incoming', direction: 'incoming' }));
    expect(calls.cards).toEqual([]);
    calls.apply(snapshot('9', { state: 'ended', direction: 'incoming', end: { reason: 'cancelled' } }));
    expect(calls.incoming).toEqual([]);
    expect(calls.cards.map((c) => c.id)).toEqual(['9']);
  });

  it('never lists one call twice, and each ended card leaves on its own time', () => {
    const calls = useCallsStore();
    calls.apply(snapshot('1', { state: 'ended' }));
    vi.advanceTimersByTime(ENDED_CARD_MS / 2);
    calls.apply(snapshot('2', { state: 'ended' }));
    calls.apply(snapshot('2', { state: 'ended' }));
    expect(calls.justEnded.map((c) => c.id)).toEqual(['1', '2']);
    vi.advanceTimersByTime(ENDED_CARD_MS / 2);
    expect(calls.justEnded.map((c) => c.id)).toEqual(['2']);
    vi.advanceTimersByTime(ENDED_CARD_MS / 2);
    expect(calls.justEnded).toEqual([]);
  });
});
