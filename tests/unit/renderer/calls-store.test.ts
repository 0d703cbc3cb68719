import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallSnapshot } from '../../../renderer/src/sip/call-state';
import { useCallsStore } from '../../../renderer/src/stores/calls';

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
    expect(calls.lastEnded?.id).toBe('1');
  });
});
