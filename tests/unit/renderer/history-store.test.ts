import Dexie from 'dexie';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CallHistory,
  historyEntryFor,
  type CallHistoryEntry,
} from '../../../renderer/src/history/call-history';
import { HistoryPager } from '../../../renderer/src/history/history-pager';
import { searchKeys } from '../../../renderer/src/history/search-terms';
import type { CallSnapshot } from '../../../renderer/src/sip/call-state';
import { useHistoryStore } from '../../../renderer/src/stores/history';

/** The store opens the app's own database; each test starts it afresh. */
beforeEach(async () => {
  await Dexie.delete('ringline-history');
  setActivePinia(createPinia());
});
afterEach(() => vi.restoreAllMocks());

function call(i: number, patch: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    id: `c${i}`,
    accountId: 'acc',
    direction: 'incoming',
    state: 'ended',
    remoteUri: `sip:${3000 + i}@pbx.example.com`,
    remoteDisplayName: i % 2 === 0 ? 'Even Caller' : 'Odd Caller',
    remoteNumber: String(3000 + i),
    createdAt: 1_000_000 + i * 1_000,
    answeredAt: 1_000_500 + i * 1_000,
    endedAt: 1_000_900 + i * 1_000,
    end: { reason: 'remote-hangup' },
    muted: false,
    ...patch,
  };
}

async function seed(count: number): Promise<void> {
  const db = new CallHistory();
  const entries = Array.from({ length: count }, (_, i) => historyEntryFor(call(i)));
  await db.calls.bulkPut(entries.map((entry) => ({ ...entry, search: searchKeys(entry) })));
  db.close();
}

describe('history store', () => {
  it('shows the newest page, reads the next one on demand, and never more than asked', async () => {
    await seed(150);
    const history = useHistoryStore();
    await history.openList();
    expect(history.entries).toHaveLength(100);
    expect(history.entries[0]?.id).toBe('c149');
    expect(history.listComplete).toBe(false);
    await history.loadMore();
    expect(history.entries.map((e) => e.id)).toEqual(Array.from({ length: 150 }, (_, i) => `c${149 - i}`));
    expect(history.listComplete).toBe(true);
    history.closeList();
    expect(history.entries).toEqual([]);
  });

  it("shows a list's first screen before the rest of its first page is read, busy until the page is whole", async () => {
    await seed(150);
    const history = useHistoryStore();
    // The second read (the rest of the first page) is held until the first screen has been checked.
    let releaseRest = (): void => undefined;
    const restHeld = new Promise<void>((resolve) => (releaseRest = resolve));
    let restAsked = (): void => undefined;
    const restAskedFor = new Promise<void>((resolve) => (restAsked = resolve));
    const counts: number[] = [];
    const next = HistoryPager.prototype.next;
    vi.spyOn(HistoryPager.prototype, 'next').mockImplementation(function (this: HistoryPager, count) {
      counts.push(count);
      if (counts.length !== 2) return next.call(this, count);
      restAsked();
      return restHeld.then(() => next.call(this, count));
    });
    const opened = history.openList();
    await restAskedFor;
    expect(history.listLoaded).toBe(true);
    expect(history.entries.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => `c${149 - i}`));
    expect(history.listBusy).toBe(true);
    expect(history.listComplete).toBe(false);
    // The view asks for more as soon as it shows the first screen: nothing is read while the page fills.
    await history.loadMore();
    expect(counts).toEqual([30, 70]);
    releaseRest();
    await opened;
    expect(history.entries.map((e) => e.id)).toEqual(Array.from({ length: 100 }, (_, i) => `c${149 - i}`));
    expect(history.listBusy).toBe(false);
    await history.loadMore();
    expect(counts).toEqual([30, 70, 100]);
    expect(history.entries).toHaveLength(150);
    expect(history.listComplete).toBe(true);
  });

  it("a search typed while the rest of the first page is read: that rest never joins the search's list", async () => {
    await seed(150);
    const history = useHistoryStore();
    let releaseRest = (): void => undefined;
    const restHeld = new Promise<void>((resolve) => (releaseRest = resolve));
    let restRead: Promise<CallHistoryEntry[]> | undefined;
    const next = HistoryPager.prototype.next;
    const spy = vi.spyOn(HistoryPager.prototype, 'next').mockImplementation(function (
      this: HistoryPager,
      count,
    ) {
      if (spy.mock.calls.length !== 2) return next.call(this, count);
      // Read at once, handed over late: the old list's rest arrives after the search's page.
      restRead = next.call(this, count).then(async (page) => (await restHeld, page));
      return restRead;
    });
    void history.openList();
    await vi.waitFor(() => expect(restRead).toBeDefined());
    history.filter = { text: 'odd' };
    await vi.waitFor(() => {
      expect(history.entries[0]?.id).toBe('c149');
      expect(history.listBusy).toBe(false);
    });
    releaseRest();
    expect(await restRead).toHaveLength(70);
    await nextTick();
    expect(history.entries).toHaveLength(75);
    expect(history.entries.every((e) => e.remoteDisplayName === 'Odd Caller')).toBe(true);
    expect(history.listComplete).toBe(true);
  });

  it('puts a finished call on top of the open list, and keeps it out of a list it does not match', async () => {
    await seed(30);
    const history = useHistoryStore();
    await history.openList();
    await history.record(call(40, { remoteDisplayName: 'New Caller' }));
    expect(history.entries[0]?.remoteDisplayName).toBe('New Caller');
    expect(history.entries).toHaveLength(31);

    history.filter = { text: 'odd' };
    await vi.waitFor(() =>
      expect(history.entries.every((e) => e.remoteDisplayName === 'Odd Caller')).toBe(true),
    );
    expect(history.entries).toHaveLength(15);
    await history.record(call(41, { remoteDisplayName: 'Even Later' }));
    expect(history.entries[0]?.id).toBe('c29');
    await history.record(call(43, { remoteDisplayName: 'Odd Later' }));
    expect(history.entries[0]?.id).toBe('c43');

    await history.remove('c43');
    expect(history.entries[0]?.id).toBe('c29');
  });

  it('a search typed on before the last one was read shows the newer search, never the older', async () => {
    await seed(300);
    const history = useHistoryStore();
    await history.openList();
    // The first search's page is held back until the second's is shown: the older answer comes last.
    let releaseFirst = (): void => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const reads: Promise<CallHistoryEntry[]>[] = [];
    const next = HistoryPager.prototype.next;
    vi.spyOn(HistoryPager.prototype, 'next').mockImplementation(function (this: HistoryPager, count) {
      const read = next.call(this, count);
      const handed = reads.length === 0 ? read.then(async (page) => (await firstHeld, page)) : read;
      reads.push(handed);
      return handed;
    });
    history.filter = { text: 'e' };
    // The filter's watcher has started the first search's read when the second search is typed.
    await nextTick();
    expect(reads).toHaveLength(1);
    history.filter = { text: 'odd' };
    await nextTick();
    expect(reads).toHaveLength(2);
    await reads[1];
    // The newer search's page is whole (its first screen, then the rest) once the list is not busy.
    await vi.waitFor(() => expect(history.listBusy).toBe(false));
    const oddOnly = () => {
      expect(history.entries).toHaveLength(100);
      expect(history.entries.every((e) => e.remoteDisplayName === 'Odd Caller')).toBe(true);
    };
    oddOnly();
    releaseFirst();
    await reads[0];
    await nextTick();
    oddOnly();
  });

  it('clearing a search shows the newest calls again without reading them, and goes on below them', async () => {
    await seed(150);
    const history = useHistoryStore();
    await history.openList();
    const newest = history.entries;
    history.filter = { text: 'odd' };
    await vi.waitFor(() =>
      expect(history.entries.every((e) => e.remoteDisplayName === 'Odd Caller')).toBe(true),
    );
    const realNext = HistoryPager.prototype.next;
    const next = vi.spyOn(HistoryPager.prototype, 'next');
    history.filter = {};
    await nextTick();
    expect(next).not.toHaveBeenCalled();
    expect(history.entries).toEqual(newest);
    await history.loadMore();
    expect(history.entries.map((e) => e.id)).toEqual(Array.from({ length: 150 }, (_, i) => `c${149 - i}`));
    expect(history.listComplete).toBe(true);

    // Cleared while the search's page is still being read: the list still pages on below the newest.
    history.closeList();
    await history.openList();
    let releaseSearch = (): void => undefined;
    const searchHeld = new Promise<void>((resolve) => (releaseSearch = resolve));
    let searchRead: Promise<unknown> = Promise.resolve();
    next.mockImplementationOnce(function (this: HistoryPager, count) {
      const read = searchHeld.then(() => realNext.call(this, count));
      searchRead = read;
      return read;
    });
    history.filter = { text: 'even' };
    await nextTick();
    history.filter = {};
    await nextTick();
    releaseSearch();
    await searchRead;
    await history.loadMore();
    expect(history.entries).toHaveLength(150);
    expect(history.listComplete).toBe(true);

    // A call written since: the newest calls are read again, with it on top.
    history.filter = { text: 'odd' };
    await vi.waitFor(() => expect(history.entries).toHaveLength(75));
    await history.record(call(200, { remoteDisplayName: 'Even Later' }));
    history.filter = {};
    await vi.waitFor(() => {
      expect(history.entries[0]?.id).toBe('c200');
      expect(history.listBusy).toBe(false);
    });
    expect(history.entries).toHaveLength(100);
  });

  it('counts missed calls until the list has been seen', async () => {
    const history = useHistoryStore();
    await history.refresh();
    expect(history.unseenMissed).toBe(0);
    await history.record(call(1, { answeredAt: undefined, end: { reason: 'cancelled' } }));
    await history.record(call(2, { answeredAt: undefined, end: { reason: 'cancelled' } }));
    expect(history.unseenMissed).toBe(2);
    expect(history.lastMissed?.id).toBe('c2');
    await history.markSeen();
    expect(history.unseenMissed).toBe(0);
    expect(history.lastMissed).toBeUndefined();
  });
});
