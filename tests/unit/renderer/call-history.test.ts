import { afterEach, describe, expect, it } from 'vitest';
import {
  CallHistory,
  historyCsv,
  historyEntryFor,
  outcomeOf,
} from '../../../renderer/src/history/call-history';
import type { CallSnapshot } from '../../../renderer/src/sip/call-state';

const opened: CallHistory[] = [];
function freshHistory(): CallHistory {
  const history = new CallHistory(`ringline-history-test-${crypto.randomUUID()}`);
  opened.push(history);
  return history;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

function call(patch: Partial<CallSnapshot>): CallSnapshot {
  return {
    id: crypto.randomUUID(),
    accountId: 'acc',
    direction: 'incoming',
    state: 'ended',
    remoteUri: 'sip:1010@127.0.0.1',
    remoteDisplayName: 'Legacy Desk',
    remoteNumber: '1010',
    createdAt: 1_000,
    endedAt: 9_000,
    muted: false,
    ...patch,
  };
}

describe('call outcome', () => {
  it.each([
    [{ answeredAt: 2_000, end: { reason: 'remote-hangup' } }, 'answered'],
    [{ end: { reason: 'cancelled' } }, 'missed'],
    [{ end: { reason: 'do-not-disturb', statusCode: 486 } }, 'missed'],
    [{ end: { reason: 'declined-locally', statusCode: 603 } }, 'rejected'],
    [{ end: { reason: 'forwarded', statusCode: 302 } }, 'rejected'],
    [{ direction: 'outgoing', end: { reason: 'busy', statusCode: 486 } }, 'failed'],
    [{ direction: 'outgoing', end: { reason: 'cancelled' } }, 'cancelled'],
  ] as const)('%j -> %s', (patch, outcome) => {
    expect(outcomeOf(call(patch as Partial<CallSnapshot>))).toBe(outcome);
  });
});

describe('call history (real IndexedDB)', () => {
  it('writing the same call twice keeps one entry', async () => {
    const history = freshHistory();
    const snapshot = call({ answeredAt: 2_000, end: { reason: 'local-hangup' } });
    await history.record(snapshot);
    await history.record({ ...snapshot, endedAt: 10_000 });
    const entries = await history.recent();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome: 'answered', durationSeconds: 8, endReason: 'local-hangup' });
  });

  it('counts missed calls until they are seen, newest first', async () => {
    const history = freshHistory();
    await history.record(call({ createdAt: 1_000, end: { reason: 'cancelled' }, remoteNumber: '1' }));
    await history.record(call({ createdAt: 5_000, end: { reason: 'cancelled' }, remoteNumber: '2' }));
    await history.record(call({ createdAt: 3_000, answeredAt: 3_500, end: { reason: 'local-hangup' } }));
    expect(await history.unseenMissed()).toBe(2);
    expect((await history.latestUnseenMissed())?.remoteNumber).toBe('2');
    expect((await history.recent()).map((e) => e.startedAt)).toEqual([5_000, 3_000, 1_000]);
    await history.markAllSeen();
    expect(await history.unseenMissed()).toBe(0);
    expect(await history.latestUnseenMissed()).toBeUndefined();
  });
});

describe('history queries and export', () => {
  it('filters by kind, account and text, newest first', async () => {
    const history = freshHistory();
    await history.record(
      call({ id: 'a', createdAt: 1_000, end: { reason: 'cancelled' }, remoteDisplayName: 'Zhang Wei' }),
    );
    await history.record(
      call({
        id: 'b',
        createdAt: 2_000,
        direction: 'outgoing',
        answeredAt: 2_500,
        end: { reason: 'local-hangup' },
        remoteNumber: '2015550123',
      }),
    );
    await history.record(
      call({
        id: 'c',
        createdAt: 3_000,
        accountId: 'other',
        answeredAt: 3_100,
        end: { reason: 'remote-hangup' },
      }),
    );
    const ids = async (filter: Parameters<CallHistory['query']>[0]) =>
      (await history.query(filter)).map((e) => e.id);
    expect(await ids({})).toEqual(['c', 'b', 'a']);
    expect(await ids({ kind: 'missed' })).toEqual(['a']);
    expect(await ids({ kind: 'outgoing' })).toEqual(['b']);
    expect(await ids({ kind: 'incoming' })).toEqual(['c', 'a']);
    expect(await ids({ accountId: 'other' })).toEqual(['c']);
    expect(await ids({ text: 'zhang' })).toEqual(['a']);
    expect(await ids({ text: '555-0123' })).toEqual(['b']);
    await history.remove('b');
    expect(await ids({})).toEqual(['c', 'a']);
    await history.clearAll();
    expect(await ids({})).toEqual([]);
  });

  it('exports CSV with quoting, and defuses spreadsheet formulas from caller names', () => {
    const entries = [
      historyEntryFor(
        call({ id: 'x', remoteDisplayName: '=HYPERLINK("evil")', end: { reason: 'cancelled' } }),
      ),
      historyEntryFor(
        call({
          id: 'y',
          remoteDisplayName: 'Smith, Alice',
          answeredAt: 2_000,
          end: { reason: 'local-hangup', statusCode: 200 },
        }),
      ),
    ];
    const lines = historyCsv(entries).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'started,direction,outcome,name,number,uri,duration_seconds,end_reason,sip_code,account,codec,mos_average,worst_loss_percent',
    );
    expect(lines[1]).toContain(`"'=HYPERLINK(""evil"")"`);
    expect(lines[2]).toContain('"Smith, Alice"');
    expect(lines[2]).toContain(',7,local-hangup,200,acc');
  });
});
