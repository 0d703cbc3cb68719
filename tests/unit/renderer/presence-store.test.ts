import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LineSnapshot } from '../../../renderer/src/presence/presence-agent';
import { usePresenceStore } from '../../../renderer/src/stores/presence';

const line = (uri: string, patch: Partial<LineSnapshot> = {}): LineSnapshot => ({
  accountId: 'a',
  uri,
  state: 'idle',
  ...patch,
});

describe('presence store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps lines per account in the watched order and drops unwatched ones', () => {
    const presence = usePresenceStore();
    presence.apply({ kind: 'line', line: line('sip:1002@pbx') });
    presence.apply({ kind: 'line', line: line('sip:1003@pbx', { state: 'ringing' }) });
    presence.apply({ kind: 'line', line: line('sip:1002@pbx', { state: 'in-call' }) });
    expect(Object.values(presence.lines.a ?? {}).map((l) => [l.uri, l.state])).toEqual([
      ['sip:1002@pbx', 'in-call'],
      ['sip:1003@pbx', 'ringing'],
    ]);
    presence.apply({ kind: 'watching', accountId: 'a', uris: ['sip:1003@pbx'] });
    expect(Object.keys(presence.lines.a ?? {})).toEqual(['sip:1003@pbx']);
  });

  it('sums mailboxes over accounts for the tray, and forgets a disconnected account', () => {
    const presence = usePresenceStore();
    expect(presence.voicemailTotal).toBeUndefined();
    const box = { waiting: true, urgentNew: 0, urgentOld: 0 };
    presence.apply({ kind: 'mailbox', mailbox: { ...box, accountId: 'a', newMessages: 2, oldMessages: 8 } });
    presence.apply({ kind: 'mailbox', mailbox: { ...box, accountId: 'b', newMessages: 1, oldMessages: 0 } });
    expect(presence.voicemailTotal).toEqual({ newMessages: 3, oldMessages: 8 });
    presence.forget('b');
    expect(presence.voicemailTotal).toEqual({ newMessages: 2, oldMessages: 8 });
  });

  it('keeps the last good state when a NOTIFY body cannot be read', () => {
    const presence = usePresenceStore();
    presence.apply({ kind: 'line', line: line('sip:1002@pbx', { state: 'ringing' }) });
    presence.apply({ kind: 'unreadable', uri: 'sip:1002@pbx', event: 'dialog', detail: 'malformed XML: x' });
    expect(presence.lines.a?.['sip:1002@pbx']?.state).toBe('ringing');
  });
});
