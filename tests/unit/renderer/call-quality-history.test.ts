import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { CallHistory, type CallHistoryEntry } from '../../../renderer/src/history/call-history';
import type { CallSnapshot } from '../../../renderer/src/sip/call-state';

const opened: CallHistory[] = [];
function freshHistory(name = `ringline-history-quality-${crypto.randomUUID()}`): CallHistory {
  const history = new CallHistory(name);
  opened.push(history);
  return history;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

const answered: CallSnapshot = {
  id: 'q1',
  accountId: 'acc',
  direction: 'outgoing',
  state: 'ended',
  remoteUri: 'sip:1010@127.0.0.1',
  remoteDisplayName: 'Legacy Desk',
  remoteNumber: '1010',
  createdAt: 1_000,
  answeredAt: 2_000,
  endedAt: 32_000,
  end: { reason: 'local-hangup' },
  muted: false,
  quality: { codec: 'PCMU', averageMos: 4.36, worstLoss: 0.025, measuredSeconds: 29 },
};

describe('call quality in the history (real IndexedDB)', () => {
  it('stores the summary with the entry and keeps it when the call is written again', async () => {
    const history = freshHistory();
    await history.record(answered);
    const { quality: _dropped, ...withoutQuality } = answered;
    await history.record(withoutQuality, { fileName: 'rec.webm', location: 'rec.webm' });
    const [entry] = await history.pager().next(100);
    expect(entry?.quality).toEqual(answered.quality);
    expect(entry?.recording?.fileName).toBe('rec.webm');
  });

  it('reads and exports entries written before quality was recorded', async () => {
    const name = `ringline-history-quality-${crypto.randomUUID()}`;
    const old: CallHistoryEntry = {
      id: 'old',
      accountId: 'acc',
      direction: 'incoming',
      remoteUri: 'sip:1002@127.0.0.1',
      remoteDisplayName: 'Bob',
      remoteNumber: '1002',
      startedAt: 500,
      answeredAt: 600,
      endedAt: 9_600,
      durationSeconds: 9,
      endReason: 'remote-hangup',
      outcome: 'answered',
      seen: 1,
    };
    // Written by version 1 of the history database, before quality existed.
    const v1 = new Dexie(name);
    v1.version(1).stores({ calls: '&id, startedAt, accountId, outcome, seen' });
    await v1.table('calls').put(old);
    v1.close();
    const history = freshHistory(name);
    await history.record(answered);
    const entries = await history.pager().next(100);
    expect(entries.map((e) => e.id)).toEqual(['q1', 'old']);
    expect(entries[1]?.quality).toBeUndefined();
    let csv = '';
    for await (const chunk of history.csv()) csv += chunk;
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]?.endsWith(',codec,mos_average,worst_loss_percent')).toBe(true);
    expect(lines[1]?.endsWith(',acc,PCMU,4.36,2.5')).toBe(true);
    expect(lines[2]?.endsWith(',acc,,,')).toBe(true);
  });
});
