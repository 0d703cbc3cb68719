import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CallHistory,
  historyEntryFor,
  outcomeOf,
  type CallHistoryEntry,
  type HistoryFilter,
} from '../../../renderer/src/history/call-history';
import { historyQuery, searchKeys } from '../../../renderer/src/history/search-terms';
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
    const entries = await history.pager().next(100);
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
    expect((await history.pager().next(100)).map((e) => e.startedAt)).toEqual([5_000, 3_000, 1_000]);
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
    const ids = async (filter: HistoryFilter) => (await history.pager(filter).next(100)).map((e) => e.id);
    expect(await ids({})).toEqual(['c', 'b', 'a']);
    expect(await ids({ kind: 'missed' })).toEqual(['a']);
    expect(await ids({ kind: 'outgoing' })).toEqual(['b']);
    expect(await ids({ kind: 'incoming' })).toEqual(['c', 'a']);
    expect(await ids({ accountId: 'other' })).toEqual(['c']);
    expect(await ids({ accountId: 'other', kind: 'missed' })).toEqual([]);
    expect(await ids({ accountId: 'acc', kind: 'incoming' })).toEqual(['a']);
    expect(await ids({ text: 'zhang' })).toEqual(['a']);
    expect(await ids({ text: '555-0123' })).toEqual(['b']);
    expect(await ids({ text: 'zhang', kind: 'outgoing' })).toEqual([]);
    await history.remove('b');
    expect(await ids({})).toEqual(['c', 'a']);
    expect(await ids({ text: '555-0123' })).toEqual([]);
    await history.clearAll();
    expect(await ids({})).toEqual([]);
  });

  it('exports CSV with quoting, and defuses spreadsheet formulas from caller names', async () => {
    const history = freshHistory();
    await history.record(
      call({
        id: 'x',
        createdAt: 1_000,
        remoteDisplayName: '=HYPERLINK("evil")',
        end: { reason: 'cancelled' },
      }),
    );
    await history.record(
      call({
        id: 'y',
        createdAt: 2_000,
        remoteDisplayName: 'Smith, Alice',
        answeredAt: 2_000,
        end: { reason: 'local-hangup', statusCode: 200 },
      }),
    );
    const lines = (await csvOf(history)).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'started,direction,outcome,name,number,uri,duration_seconds,end_reason,sip_code,account,codec,mos_average,worst_loss_percent',
    );
    expect(lines[1]).toContain('"Smith, Alice"');
    expect(lines[1]).toContain(',7,local-hangup,200,acc');
    expect(lines[2]).toContain(`"'=HYPERLINK(""evil"")"`);
  });
});

/** Every chunk of the streamed export, joined. */
async function csvOf(history: CallHistory, filter: HistoryFilter = {}, pageSize?: number): Promise<string> {
  let text = '';
  for await (const chunk of history.csv(filter, pageSize)) text += chunk;
  return text;
}

/**
 * Writes entries as version 2 of the app stored them: its search keys had number digits in runs of
 * three only, so a whole number typed is found only once the upgrade has written the new keys.
 */
async function writeVersion2(name: string, entries: CallHistoryEntry[]): Promise<void> {
  const v2 = new Dexie(name);
  v2.version(1).stores({ calls: '&id, startedAt, accountId, outcome, seen' });
  v2.version(2).stores({ calls: '&id, startedAt, [seen+startedAt], *search' });
  const threes = (e: CallHistoryEntry): string[] => searchKeys(e).filter((key) => !/^\d{4,} /.test(key));
  await v2.table('calls').bulkPut(entries.map((e) => ({ ...e, search: threes(e) })));
  v2.close();
}

/** Writes entries as version 1 of the app stored them (no search keys), the way an installed copy has them. */
async function writeVersion1(name: string, entries: CallHistoryEntry[]): Promise<void> {
  const v1 = new Dexie(name);
  v1.version(1).stores({ calls: '&id, startedAt, accountId, outcome, seen' });
  await v1.table('calls').bulkPut(entries);
  v1.close();
}

function entry(i: number, patch: Partial<CallHistoryEntry> = {}): CallHistoryEntry {
  return {
    ...historyEntryFor(call({ id: `e${i}`, createdAt: 1_000_000 + i * 1_000, end: { reason: 'cancelled' } })),
    ...patch,
  };
}

describe('history search', () => {
  const callers: [string, string, string][] = [
    ['alice', 'Alice Smith', '2015550123'],
    ['wang', '王小明', '13800138000'],
    ['zoe', 'Zoë Adams', '+442079460000'],
    ['desk', 'Desk 12', '1012'],
    ['named', '', 'bob.jones'],
    ['ouyang', '欧阳娜娜', '8613912345678'],
  ];
  let history: CallHistory;
  beforeEach(async () => {
    history = freshHistory();
    for (const [index, [id, name, number]] of callers.entries())
      await history.record(
        call({
          id,
          createdAt: 10_000 + index,
          remoteDisplayName: name,
          remoteNumber: number,
          end: { reason: 'cancelled' },
        }),
      );
  });
  const found = async (text: string) => (await history.pager({ text }).next(100)).map((e) => e.id).sort();

  it.each([
    ['Alice', ['alice']],
    ['smi', ['alice']],
    ['lic', ['alice']],
    ['alice smith', ['alice']],
    ['SMITH alice', ['alice']],
    ['a', ['alice', 'zoe']],
    ['al', ['alice']],
    ['li', []],
    ['zoe', ['zoe']],
    ['Zoë', ['zoe']],
    ['bob', ['named']],
    ['jones', ['named']],
    ['desk 12', ['desk']],
    ['nobody', []],
  ])('by any part of a name: %s', async (text, ids) => {
    expect(await found(text)).toEqual(ids);
  });

  it.each([
    ['王', ['wang']],
    ['小明', ['wang']],
    ['明', ['wang']],
    ['王小明', ['wang']],
    ['小王', []],
    ['阳娜', ['ouyang']],
    ['欧阳娜娜', ['ouyang']],
    ['阳娜娜', ['ouyang']],
  ])('by Chinese names: %s', async (text, ids) => {
    expect(await found(text)).toEqual(ids);
  });

  it.each([
    ['+1 (201) 555-0123', ['alice']],
    ['201-555-0123', ['alice']],
    ['(201) 555 0123', ['alice']],
    ['2015550123', ['alice']],
    ['5550123', ['alice']],
    ['0123', ['alice']],
    ['20', ['alice']],
    ['0044 20 7946 0000', ['zoe']],
    ['+44 20 7946 0000', ['zoe']],
    ['020 7946 0000', ['zoe']],
    ['7946', ['zoe']],
    ['+86 138 0013 8000', ['wang']],
    ['138-0013-8000', ['wang']],
    ['12', ['desk']],
    ['1012', ['desk']],
    ['+1 (201) 555-9999', []],
    ['555 0123', ['alice']],
    ['55501', ['alice']],
    ['201555012', ['alice']],
    ['2015550124', []],
    ['13912345678', ['ouyang']],
    ['+86 139 1234 5678', ['ouyang']],
    ['1234', ['ouyang']],
  ])('by digits typed in any format: %s', async (text, ids) => {
    expect(await found(text)).toEqual(ids);
  });
});

describe('history paging', () => {
  it('hands out every entry once, newest first, page after page, ties included', async () => {
    const history = freshHistory();
    // 250 calls, with runs of calls that started in the same millisecond.
    const entries = Array.from({ length: 250 }, (_, i) =>
      entry(i, { startedAt: 1_000_000 + Math.floor(i / 3) * 1_000 }),
    );
    await history.calls.bulkPut(entries.map((e) => ({ ...e, search: searchKeys(e) })));
    const pager = history.pager();
    const pages = [await pager.next(100), await pager.next(100), await pager.next(100)];
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pager.done).toBe(true);
    const ids = pages.flat().map((e) => e.id);
    expect(new Set(ids).size).toBe(250);
    const times = pages.flat().map((e) => e.startedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(pages[0]?.[0]).not.toHaveProperty('search');
  });

  it('pages a filtered search the same way: only matches, newest first, none twice', async () => {
    const history = freshHistory();
    const entries = Array.from({ length: 300 }, (_, i) =>
      entry(i, {
        remoteDisplayName: i % 3 === 0 ? 'Needle Person' : 'Hay Stack',
        outcome: i % 2 === 0 ? 'missed' : 'answered',
        startedAt: 5_000_000 + Math.floor(i / 4) * 10,
      }),
    );
    await history.calls.bulkPut(entries.map((e) => ({ ...e, search: searchKeys(e) })));
    const expected = entries
      .filter((e) => e.remoteDisplayName === 'Needle Person' && e.outcome === 'missed')
      .sort((a, b) => b.startedAt - a.startedAt);
    const pager = history.pager({ text: 'needle', kind: 'missed' });
    const got: CallHistoryEntry[] = [];
    while (!pager.done) got.push(...(await pager.next(7)));
    expect(got.map((e) => e.id).sort()).toEqual(expected.map((e) => e.id).sort());
    expect(got.map((e) => e.startedAt)).toEqual(expected.map((e) => e.startedAt));
  });

  it('exports the whole filtered list, page by page', async () => {
    const history = freshHistory();
    const entries = Array.from({ length: 45 }, (_, i) =>
      entry(i, { outcome: i % 5 === 0 ? 'missed' : 'answered', remoteNumber: String(3000 + i) }),
    );
    await history.calls.bulkPut(entries.map((e) => ({ ...e, search: searchKeys(e) })));
    const lines = (await csvOf(history, { kind: 'missed' }, 4)).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 9);
    expect(lines.slice(1).map((line) => line.split(',')[4])).toEqual([
      '3040',
      '3035',
      '3030',
      '3025',
      '3020',
      '3015',
      '3010',
      '3005',
      '3000',
    ]);
  });
});

describe('history search over many entries', () => {
  it('finds the same entries, in the same order, as checking every entry would: common, rare and crossing terms', async () => {
    const history = freshHistory();
    const names = ['Alice Smith', 'Bob Jones', 'Bob Smith', 'Carol Smith', '王小明', '王伟'];
    // Many Alices, Bobs and Smiths, few Bob Smiths (and those the oldest): every path a query can take.
    const entries = Array.from({ length: 1_500 }, (_, i) =>
      entry(i, {
        remoteDisplayName:
          i < 1_480 ? (names[i % 2 === 0 ? 0 : i % 5 === 0 ? 5 : 1] ?? '') : (names[2] ?? ''),
        remoteNumber: String(2015550000 + i),
        outcome: i % 3 === 0 ? 'missed' : 'answered',
        startedAt: 9_000_000 - i * 1_000,
      }),
    );
    await history.calls.bulkPut(entries.map((e) => ({ ...e, search: searchKeys(e) })));
    const filters: HistoryFilter[] = [
      { text: 'alice' },
      { text: 'alice smith' },
      { text: 'bob smith' },
      { text: 'bob s' },
      { text: 'smith', kind: 'missed' },
      { text: 'bob', kind: 'missed' },
      { text: '王' },
      { text: '555' },
      { text: '+1 201 555 0042' },
      { text: '555 0042' },
      { text: '0042' },
      { text: '0042', kind: 'missed' },
      { text: '20155' },
      { text: '5551' },
      { text: '201555' },
      { text: 'jones smith' },
    ];
    for (const filter of filters) {
      const query = historyQuery(filter);
      const expected = entries.filter((e) => query.matches(e)).map((e) => e.id);
      const pager = history.pager(filter);
      const got: string[] = [];
      while (!pager.done) got.push(...(await pager.next(60)).map((e) => e.id));
      expect(got, JSON.stringify(filter)).toEqual(expected);
    }
    expect((await history.pager({ text: 'bob smith' }).next(100)).map((e) => e.remoteDisplayName)).toEqual(
      Array.from({ length: 20 }, () => 'Bob Smith'),
    );
  });

  it('a first guess that turns out sparse gives way to a planned read: nothing twice, nothing lost, ties kept', async () => {
    const history = freshHistory();
    // "bob smith" walks its likeliest rare term ("ith") first: a few Bob Smiths among the newest
    // Alice Smiths are handed out from that walk, then the planner takes over from the newest again.
    // Four calls share each start time, so the hand-over falls inside a tie.
    const entries = Array.from({ length: 800 }, (_, i) =>
      entry(i, {
        remoteDisplayName: i % 37 === 5 || i > 780 ? 'Bob Smith' : i % 2 === 0 ? 'Alice Smith' : 'Bob Jones',
        startedAt: 9_000_000 - Math.floor(i / 4) * 1_000,
      }),
    );
    await history.calls.bulkPut(entries.map((e) => ({ ...e, search: searchKeys(e) })));
    for (const [text, size] of [
      ['bob smith', 7],
      ['bob smith', 60],
      ['smith bob', 100],
      ['alice smith', 60],
    ] as const) {
      const query = historyQuery({ text });
      // Newest first; calls that started together come by id, last first, as IndexedDB's keys sort.
      const expected = entries
        .filter((e) => query.matches(e))
        .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1))
        .map((e) => e.id);
      const pager = history.pager({ text });
      const got: string[] = [];
      while (!pager.done) got.push(...(await pager.next(size)).map((e) => e.id));
      expect(got, `${text} by ${size}`).toEqual(expected);
    }
  });
});

/** 120 calls as an installed copy holds them: one Chinese name, one unseen missed call, numbers in a run. */
function entriesOfAnEarlierVersion(): CallHistoryEntry[] {
  return Array.from({ length: 120 }, (_, i) =>
    entry(i, {
      remoteDisplayName: i === 7 ? '王小明' : 'Support line',
      remoteNumber: String(2015550000 + i),
      seen: i === 119 ? 0 : 1,
      outcome: i === 119 ? 'missed' : 'answered',
    }),
  );
}

describe('history upgrade', () => {
  it('a database written by version 1 upgrades in place: every entry kept, searchable and paged', async () => {
    const name = `ringline-history-upgrade-${crypto.randomUUID()}`;
    const old = entriesOfAnEarlierVersion();
    await writeVersion1(name, old);
    const history = new CallHistory(name);
    opened.push(history);
    const pager = history.pager();
    const all = [...(await pager.next(100)), ...(await pager.next(100))];
    expect(pager.done).toBe(true);
    expect(all.map((e) => e.id)).toEqual([...old].reverse().map((e) => e.id));
    expect(all.find((e) => e.id === 'e7')).toEqual(old[7]);
    expect((await history.pager({ text: '小明' }).next(10)).map((e) => e.id)).toEqual(['e7']);
    expect((await history.pager({ text: '+1 201-555-0042' }).next(10)).map((e) => e.id)).toEqual(['e42']);
    expect(await history.unseenMissed()).toBe(1);
    expect((await history.latestUnseenMissed())?.id).toBe('e119');
    expect(history.verno).toBe(3);
  });

  it('a database written by version 2 upgrades in place: entries kept, numbers found by their new keys', async () => {
    const name = `ringline-history-upgrade-${crypto.randomUUID()}`;
    const old = entriesOfAnEarlierVersion();
    await writeVersion2(name, old);
    const history = new CallHistory(name);
    opened.push(history);
    const pager = history.pager();
    const all = [...(await pager.next(100)), ...(await pager.next(100))];
    expect(all.map((e) => e.id)).toEqual([...old].reverse().map((e) => e.id));
    expect(all.find((e) => e.id === 'e7')).toEqual(old[7]);
    expect((await history.pager({ text: '+1 (201) 555-0042' }).next(10)).map((e) => e.id)).toEqual(['e42']);
    expect((await history.pager({ text: '555 0042' }).next(10)).map((e) => e.id)).toEqual(['e42']);
    expect((await history.pager({ text: '0042' }).next(10)).map((e) => e.id)).toEqual(['e42']);
    expect((await history.pager({ text: '小明' }).next(10)).map((e) => e.id)).toEqual(['e7']);
    expect((await history.pager({ text: 'support' }).next(200)).map((e) => e.id)).toHaveLength(119);
    expect(await history.unseenMissed()).toBe(1);
    expect(history.verno).toBe(3);
    const keys = (await history.calls.get('e42'))?.search ?? [];
    expect(keys).toEqual(
      expect.arrayContaining([expect.stringMatching(/^5550042 /), expect.stringMatching(/^0042 /)]),
    );
  });
});
