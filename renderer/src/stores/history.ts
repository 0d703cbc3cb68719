import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { CallHistory, CallHistoryEntry, HistoryFilter, HistoryRecording } from '../history/call-history';
import { historyBroadcast, type HistoryChange } from '../history/history-broadcast';
import type { HistoryPager } from '../history/history-pager';
import type { CallSnapshot } from '../sip/call-state';

/** Entries read at a time as the list scrolls towards the end of what is loaded. */
const PAGE = 100;
/**
 * A new list's first read: more than the view shows (its list is at most 560 px high, about 10 rows,
 * and the virtual list renders 8 more below them). Nothing more is read until the list is scrolled:
 * a read cannot be called back once IndexedDB has it, so one made "ahead" right after the first screen
 * was still being read and unpacked (about 10 ms at 100,000 calls) when the next search was typed, and
 * held that search up.
 */
const FIRST_SCREEN = 30;
/** How many of the newest calls the phone view lists under the dial pad. */
const RECENT_ON_PHONE = 5;

/** The newest calls of the whole history (a first screen's worth), and whether that is all of it. */
interface NewestCalls {
  page: CallHistoryEntry[];
  complete: boolean;
}

/**
 * Call history from IndexedDB: the filtered list, read a page at a time while its view is open, and the
 * missed-call badge (missed calls not yet seen). Nothing here ever reads the whole history.
 */

export const useHistoryStore = defineStore('history', () => {
  let opened: Promise<CallHistory> | undefined;
  /**
   * The database once loaded: a search then starts its IndexedDB read in the same task as the
   * keystroke, before the view re-renders, instead of after it (an `await` of the loaded database
   * would let the render run first).
   */
  let loaded: CallHistory | undefined;
  /** The database and its search code are loaded with the first use, not with the first screen. */
  const database = (): Promise<CallHistory> =>
    (opened ??= import('../history/call-history').then(({ CallHistory }) => (loaded = new CallHistory())));
  const filter = ref<HistoryFilter>({});
  // shallowRef: pages are appended by replacing the array, never by editing entries in place.
  const entries = shallowRef<CallHistoryEntry[]>([]);
  const unseenMissed = ref(0);
  const lastMissed = ref<CallHistoryEntry | undefined>();
  /** The newest calls, for the phone view: the first page of the unfiltered list, cheap at 100,000 entries. */
  const recentOnPhone = shallowRef<CallHistoryEntry[]>([]);
  /** The list is read only while the history view is open. */
  const listing = ref(false);
  /** The first page of the current list is in (until then, "no calls" would be a lie). */
  const listLoaded = ref(false);
  /** A page is being read: `aria-busy` for the list. */
  const listBusy = ref(false);
  const listComplete = ref(false);
  let pager: HistoryPager | undefined;
  /**
   * The whole history's first screen, kept until anything is written. It is read with the phone's
   * recent calls (at start and after each call), so opening the view shows it without a read of its
   * own, and clearing a search shows it again at once.
   */
  let newest: NewestCalls | undefined;
  /** The read of {@link newest} on its way, and the write count it started at. */
  let newestRead: { since: number; calls: Promise<NewestCalls> } | undefined;
  /** Counts what may have changed the newest calls: a first screen read across one is not kept. */
  let writes = 0;
  function forgetNewest(): void {
    newest = undefined;
    writes += 1;
  }

  /** The `limit` latest calls, newest first, whatever the view's filter, and whether that is all. */
  async function readNewest(limit: number): Promise<NewestCalls> {
    const all = (await database()).pager();
    try {
      return { page: await all.next(limit), complete: all.done };
    } finally {
      all.close();
    }
  }

  /**
   * The newest calls' first screen: from memory, or from the read already on its way (the summary's
   * at start, when the view is opened then), or read now. A read started before a write is not joined.
   */
  async function newestCalls(): Promise<NewestCalls> {
    if (newest) return newest;
    const since = writes;
    if (newestRead?.since !== since) newestRead = { since, calls: readNewest(FIRST_SCREEN) };
    const read = newestRead;
    try {
      const calls = await read.calls;
      if (since === writes) newest = calls;
      return calls;
    } finally {
      if (newestRead === read) newestRead = undefined;
    }
  }

  /** The missed-call badge and the phone's recent calls. */
  async function refreshSummary(): Promise<void> {
    // The newest calls are asked for first: the view, when it is opening, waits for them alone.
    const calls = newestCalls();
    const db = await database();
    const [recent, unseen, latestMissed] = await Promise.all([
      calls,
      db.unseenMissed(),
      db.latestUnseenMissed(),
    ]);
    unseenMissed.value = unseen;
    lastMissed.value = latestMissed;
    recentOnPhone.value = recent.page.slice(0, RECENT_ON_PHONE);
  }

  /**
   * Reads the view's first screen ahead (see {@link newestCalls}), with the database's code and its
   * opening, so that the view shows it without a read. A database that is not there is not created,
   * and one that needs an upgrade (an update's new search keys are written for every call: seconds at
   * 100,000 calls) is left to the first read, which a new user's start work makes when nobody is
   * waiting for the page.
   */
  async function prepare(): Promise<void> {
    const db = await database();
    if (await db.isCurrent()) await newestCalls();
  }

  /**
   * The badge, and the list from its first page when the view is open. The newest calls already read
   * are kept: every write forgets them.
   */
  async function refresh(): Promise<void> {
    await Promise.all([refreshSummary(), listing.value ? restartList() : undefined]);
  }

  /** Reads `count` more entries of `mine` onto the list; false when another list has replaced it. */
  async function append(mine: HistoryPager, count: number): Promise<boolean> {
    const page = await mine.next(count);
    // A filter changed while this page was read: its list has replaced this one.
    if (mine !== pager) return false;
    entries.value = listLoaded.value ? [...entries.value, ...page] : page;
    listLoaded.value = true;
    listComplete.value = mine.done;
    return true;
  }

  /** The next page of `mine`, unless another list replaces it meanwhile. */
  async function readPage(mine: HistoryPager): Promise<void> {
    listBusy.value = true;
    try {
      await append(mine, PAGE);
    } finally {
      if (mine === pager) listBusy.value = false;
    }
  }

  /**
   * A new list's first screen: the newest calls (see {@link newestCalls}) or a search's. The list is
   * busy until it is in, so the view asks for no other page meanwhile.
   */
  async function readFirstScreen(mine: HistoryPager): Promise<void> {
    listBusy.value = true;
    try {
      if (!mine.unfiltered) {
        await append(mine, FIRST_SCREEN);
        return;
      }
      let shown: NewestCalls;
      let since: number;
      // A call written while the read was out may be missing from it (and is not put into a list
      // still loading): the newest calls are read again.
      do {
        since = writes;
        shown = await newestCalls();
      } while (since !== writes && mine === pager);
      if (mine !== pager) return;
      mine.resumeBelow(shown.page);
      entries.value = shown.page;
      listLoaded.value = true;
      listComplete.value = shown.complete;
    } finally {
      if (mine === pager) listBusy.value = false;
    }
  }

  async function restartList(): Promise<void> {
    // The old list stops reading at once, not when the database is at hand.
    pager?.close();
    const db = loaded ?? (await database());
    if (!listing.value) return;
    pager?.close();
    const mine = db.pager(filter.value);
    pager = mine;
    // Shown from memory at once (a cleared search), without waiting for a task.
    const shown = mine.unfiltered ? newest : undefined;
    if (shown) {
      mine.resumeBelow(shown.page);
      entries.value = shown.page;
    }
    listLoaded.value = shown !== undefined;
    listComplete.value = shown?.complete ?? false;
    // A page of the old list may still be on its way: it no longer holds this list up.
    listBusy.value = false;
    if (!shown) await readFirstScreen(mine);
  }

  /** The next page of the list, unless one is on its way or the list is complete. */
  async function loadMore(): Promise<void> {
    if (!listing.value || !pager || listBusy.value || listComplete.value) return;
    await readPage(pager);
  }

  async function openList(): Promise<void> {
    listing.value = true;
    await restartList();
  }

  function closeList(): void {
    listing.value = false;
    listLoaded.value = false;
    listComplete.value = false;
    pager?.close();
    pager = undefined;
    entries.value = [];
  }

  /**
   * Puts a written entry into the open list in place (or takes it out when it no longer matches),
   * instead of reading the list again. An entry older than the pages read so far comes with its page.
   */
  function placeInList(entry: CallHistoryEntry): void {
    forgetNewest();
    if (!listing.value || !listLoaded.value) return;
    const others = entries.value.filter((e) => e.id !== entry.id);
    const oldest = entries.value.at(-1)?.startedAt ?? -Infinity;
    if (!pager?.matches(entry) || (entry.startedAt < oldest && !listComplete.value)) {
      if (others.length !== entries.value.length) entries.value = others;
      return;
    }
    const at = others.findIndex((e) => e.startedAt < entry.startedAt);
    entries.value = at === -1 ? [...others, entry] : [...others.slice(0, at), entry, ...others.slice(at)];
  }

  function removeFromList(id: string): void {
    forgetNewest();
    entries.value = entries.value.filter((e) => e.id !== id);
  }

  /** What another copy of the app (a browser tab) wrote, as if this one had written it. */
  function followChange(change: HistoryChange): void {
    switch (change.kind) {
      case 'placed':
        placeInList(change.entry);
        break;
      case 'removed':
        removeFromList(change.id);
        break;
      case 'seen':
        forgetNewest();
        break;
      case 'cleared':
        forgetNewest();
        void refresh();
        return;
    }
    void refreshSummary();
  }
  const broadcast = historyBroadcast(followChange);
  onScopeDispose(() => broadcast.close());

  // A recording can be saved before its call's history entry exists (it stops as the call ends).
  const pendingRecordings = new Map<string, HistoryRecording>();

  async function record(call: CallSnapshot): Promise<void> {
    const recording = pendingRecordings.get(call.id);
    pendingRecordings.delete(call.id);
    const entry = await (await database()).record(call, recording);
    placeInList(entry);
    broadcast.announce({ kind: 'placed', entry });
    await refreshSummary();
  }

  async function attachRecording(callId: string, recording: HistoryRecording): Promise<void> {
    const entry = await (await database()).attachRecording(callId, recording);
    if (!entry) {
      pendingRecordings.set(callId, recording);
      return;
    }
    placeInList(entry);
    broadcast.announce({ kind: 'placed', entry });
  }

  async function markSeen(): Promise<void> {
    if (unseenMissed.value === 0) return;
    forgetNewest();
    await (await database()).markAllSeen();
    broadcast.announce({ kind: 'seen' });
    await refreshSummary();
  }

  async function remove(id: string): Promise<void> {
    forgetNewest();
    await (await database()).remove(id);
    removeFromList(id);
    broadcast.announce({ kind: 'removed', id });
    await refreshSummary();
  }

  async function clearAll(): Promise<void> {
    await (await database()).clearAll();
    forgetNewest();
    broadcast.announce({ kind: 'cleared' });
    await refresh();
  }

  /** The whole filtered list as CSV, read a page at a time (an explicit export may cover everything). */
  async function csv(): Promise<Blob> {
    const parts: string[] = [];
    for await (const chunk of (await database()).csv(filter.value)) parts.push(chunk);
    return new Blob(parts, { type: 'text/csv;charset=utf-8' });
  }

  watch(filter, () => void (listing.value ? restartList() : undefined), { deep: true });

  return {
    filter,
    /** The latest calls, newest first, whatever the view's filter (for the diagnostics report). */
    recent: async (limit: number) => (await readNewest(limit)).page,
    entries,
    listLoaded,
    listBusy,
    listComplete,
    unseenMissed,
    lastMissed,
    recentOnPhone,
    refresh,
    prepare,
    openList,
    closeList,
    loadMore,
    record,
    attachRecording,
    markSeen,
    remove,
    clearAll,
    csv,
  };
});
