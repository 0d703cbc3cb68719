import Dexie from 'dexie';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
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

/** Every app (Pinia) a test made: each store hears the others' history changes until disposed. */
const apps: Pinia[] = [];
function newApp(): Pinia {
  const pinia = createPinia();
  apps.push(pinia);
  return pinia;
}

/** The store opens the app's own database; each test starts it afresh. */
beforeEach(async () => {
  await Dexie.delete('ringline-history');
  setActivePinia(newApp());
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const pinia of apps.splice(0)) useHistoryStore(pinia).$dispose();
});

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
  it('shows the first screen of the newest calls, reads a page more on demand, and never more than asked', async () => {
    await seed(150);
    const history = useHistoryStore();
    await history.openList();
    expect(history.entries.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => `c${149 - i}`));
    expect(history.listComplete).toBe(false);
    await history.loadMore();
    expect(history.entries).toHaveLength(130);
    await history.loadMore();
    expect(history.entries.map((e) => e.id)).toEqual(Array.from({ length: 150 }, (_, i) => `c${149 - i}`));
    expect(history.listComplete).toBe(true);
    history.closeList();
    expect(history.entries).toEqual([]);
  });

  it('reads only what a list shows first: a list replaced by a search reads nothing more', async () => {
    await seed(150);
    const history = useHistoryStore();
    const counts: number[] = [];
    const next = HistoryPager.prototype.next;
    vi.spyOn(HistoryPager.prototype, 'next').mockImplementation(function (this: HistoryPager, count) {
      counts.push(count);
      return next.call(this, count);
    });
    await history.openList();
    expect(counts).toEqual([30]);
    expect(history.listBusy).toBe(false);
    // Typed at once: the newest calls' list asks for nothing after its first screen.
    history.filter = { text: 'odd' };
    await vi.waitFor(() => expect(history.entries[0]?.remoteDisplayName).toBe('Odd Caller'));
    await vi.waitFor(() => expect(history.listBusy).toBe(false));
    expect(counts).toEqual([30, 30]);
    expect(history.entries).toHaveLength(30);
    // Scrolled: the search's own next page.
    await history.loadMore();
    expect(counts).toEqual([30, 30, 100]);
    expect(history.entries).toHaveLength(75);
    expect(history.entries.every((e) => e.remoteDisplayName === 'Odd Caller')).toBe(true);
    expect(history.listComplete).toBe(true);
  });

  it("opens on the newest calls read for the phone's recent calls: one read serves both, none when they are in", async () => {
    await seed(150);
    const history = useHistoryStore();
    const counts: number[] = [];
    const next = HistoryPager.prototype.next;
    vi.spyOn(HistoryPager.prototype, 'next').mockImplementation(function (this: HistoryPager, count) {
      counts.push(count);
      return next.call(this, count);
    });
    // As at the app's start when the view is opened at once: the list joins the summary's read.
    await Promise.all([history.refresh(), history.openList()]);
    expect(counts).toEqual([30]);
    expect(history.recentOnPhone.map((e) => e.id)).toEqual(['c149', 'c148', 'c147', 'c146', 'c145']);
    expect(history.entries.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => `c${149 - i}`));
    history.closeList();
    await history.openList();
    expect(counts).toEqual([30]);
    expect(history.entries).toHaveLength(30);
    // A call written while the list is closed: the newest calls are read again, with it on top.
    history.closeList();
    await history.record(call(200));
    await history.openList();
    expect(counts).toEqual([30, 30]);
    expect(history.entries[0]?.id).toBe('c200');
    expect(history.recentOnPhone[0]?.id).toBe('c200');
    await history.loadMore();
    expect(history.entries).toHaveLength(130);
    expect(new Set(history.entries.map((e) => e.id)).size).toBe(130);
  });

  it('a call written while the newest calls are being read for the list is not missed', async () => {
    await seed(150);
    const history = useHistoryStore();
    let releaseRead = (): void => undefined;
    const readHeld = new Promise<void>((resolve) => (releaseRead = resolve));
    const next = HistoryPager.prototype.next;
    const spy = vi.spyOn(HistoryPager.prototype, 'next').mockImplementation(function (
      this: HistoryPager,
      count,
    ) {
      // The first read sees the history before the call below is written, and is handed over after it.
      if (spy.mock.calls.length === 1)
        return next.call(this, count).then(async (page) => (await readHeld, page));
      return next.call(this, count);
    });
    const opened = history.openList();
    await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(1));
    const recorded = history.record(call(200));
    await vi.waitFor(() => expect(spy.mock.calls.length).toBeGreaterThan(1));
    releaseRead();
    await Promise.all([opened, recorded]);
    expect(history.entries[0]?.id).toBe('c200');
    expect(history.entries).toHaveLength(30);
  });

  it("a search typed while a page of the old list is read: that page never joins the search's list, nor holds it up", async () => {
    await seed(150);
    const history = useHistoryStore();
    await history.openList();
    let releasePage = (): void => undefined;
    const pageHeld = new Promise<void>((resolve) => (releasePage = resolve));
    let oldPage: Promise<CallHistoryEntry[]> | undefined;
    const next = HistoryPager.prototype.next;
    const spy = vi.spyOn(HistoryPager.prototype, 'next').mockImplementation(function (
      this: HistoryPager,
      count,
    ) {
      if (spy.mock.calls.length !== 1) return next.call(this, count);
      // Read at once, handed over late: the old list's page arrives after the search's first screen.
      oldPage = next.call(this, count).then(async (page) => (await pageHeld, page));
      return oldPage;
    });
    void history.loadMore();
    await vi.waitFor(() => expect(oldPage).toBeDefined());
    expect(history.listBusy).toBe(true);
    history.filter = { text: 'odd' };
    await vi.waitFor(() => {
      expect(history.entries[0]?.id).toBe('c149');
      expect(history.listBusy).toBe(false);
    });
    // The search pages on while the old page is still out.
    await history.loadMore();
    expect(history.entries).toHaveLength(75);
    releasePage();
    expect(await oldPage).toHaveLength(100);
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
    await vi.waitFor(() => expect(history.listBusy).toBe(false));
    const oddOnly = () => {
      expect(history.entries).toHaveLength(30);
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
    expect(history.entries).toHaveLength(130);
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
    // The search's read, replaced while out, does not keep the list busy.
    await history.loadMore();
    await history.loadMore();
    expect(history.entries).toHaveLength(150);
    expect(history.listComplete).toBe(true);

    // A call written since: the newest calls are read again, with it on top.
    history.filter = { text: 'odd' };
    await vi.waitFor(() =>
      expect(history.entries.every((e) => e.remoteDisplayName === 'Odd Caller')).toBe(true),
    );
    await history.record(call(200, { remoteDisplayName: 'Even Later' }));
    history.filter = {};
    await vi.waitFor(() => {
      expect(history.entries[0]?.id).toBe('c200');
      expect(history.listBusy).toBe(false);
    });
    expect(history.entries).toHaveLength(30);
  });

  it("reads the view's first screen ahead from a current database, but creates none and upgrades none", async () => {
    const version = async () =>
      (await indexedDB.databases()).find((info) => info.name === 'ringline-history')?.version;
    const counts: number[] = [];
    const next = HistoryPager.prototype.next;
    vi.spyOn(HistoryPager.prototype, 'next').mockImplementation(function (this: HistoryPager, count) {
      counts.push(count);
      return next.call(this, count);
    });
    // A new user's: there is none, and none is made.
    await useHistoryStore().prepare();
    expect(await version()).toBeUndefined();
    expect(counts).toEqual([]);
    // Version 1's (Dexie's version 1 is IndexedDB's 10): its upgrade is left to the first read.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('ringline-history', 10);
      request.onupgradeneeded = () => request.result.createObjectStore('calls', { keyPath: 'id' });
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error);
    });
    setActivePinia(createPinia());
    await useHistoryStore().prepare();
    expect(await version()).toBe(10);
    expect(counts).toEqual([]);
    // A current one: the newest calls are read, and the view and the start's summary read nothing more.
    await Dexie.delete('ringline-history');
    await seed(40);
    setActivePinia(createPinia());
    const history = useHistoryStore();
    await history.prepare();
    expect(counts).toEqual([30]);
    await Promise.all([history.refresh(), history.openList()]);
    expect(counts).toEqual([30]);
    expect(history.entries.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => `c${39 - i}`));
    expect(history.recentOnPhone[0]?.id).toBe('c39');
  });

  it("clearing the history empties the open list and the phone's recent calls, not shown again from memory", async () => {
    await seed(10);
    const history = useHistoryStore();
    await Promise.all([history.refresh(), history.openList()]);
    expect(history.entries).toHaveLength(10);
    await history.clearAll();
    expect(history.entries).toEqual([]);
    expect(history.listLoaded).toBe(true);
    expect(history.recentOnPhone).toEqual([]);
    history.closeList();
    await history.openList();
    expect(history.entries).toEqual([]);
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

  it("follows another tab's calls: its history, badge and recent calls", async () => {
    await seed(40);
    const here = useHistoryStore();
    const there = useHistoryStore(newApp());
    await here.openList();
    await there.refresh();
    expect(here.entries[0]?.id).toBe('c39');

    await there.record(call(100, { answeredAt: undefined, end: { reason: 'cancelled' } }));
    await vi.waitFor(() => {
      expect(here.entries[0]?.id).toBe('c100');
      expect(here.recentOnPhone[0]?.id).toBe('c100');
      expect(here.unseenMissed).toBe(1);
    });
    expect(here.entries).toHaveLength(31);

    // A search cleared here shows the newest calls with the other tab's call, not the ones kept before.
    here.filter = { text: 'odd' };
    await vi.waitFor(() => expect(here.entries[0]?.remoteDisplayName).toBe('Odd Caller'));
    here.filter = {};
    await vi.waitFor(() => expect(here.entries[0]?.id).toBe('c100'));

    // Another shape (an older copy of the app) changes nothing.
    const stranger = new BroadcastChannel('ringline-call-history');
    stranger.postMessage({ kind: 'placed', entry: { id: 42 } });
    stranger.postMessage({ kind: 'renamed' });
    stranger.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(here.entries.map((e) => e.id).slice(0, 2)).toEqual(['c100', 'c39']);

    await there.markSeen();
    await vi.waitFor(() => expect(here.unseenMissed).toBe(0));
    await there.remove('c100');
    await vi.waitFor(() => {
      expect(here.entries[0]?.id).toBe('c39');
      expect(here.recentOnPhone[0]?.id).toBe('c39');
    });
    await there.clearAll();
    await vi.waitFor(() => {
      expect(here.entries).toEqual([]);
      expect(here.recentOnPhone).toEqual([]);
    });
  });
});
