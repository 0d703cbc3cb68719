import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import {
  CallHistory,
  historyCsv,
  historyMatcher,
  type CallHistoryEntry,
  type HistoryRecording,
  type HistoryFilter,
} from '../history/call-history';
import type { CallSnapshot } from '../sip/call-state';

const FIRST_PAGE = 100;
/** How many of the newest calls the phone view lists under the dial pad. */
const RECENT_ON_PHONE = 5;

/** Call history from IndexedDB: the filtered list, and the missed-call badge (missed calls not yet seen). */
export const useHistoryStore = defineStore('history', () => {
  const db = new CallHistory();
  const filter = ref<HistoryFilter>({});
  // shallowRef: 100,000 entries are replaced whole, never edited in place, so no deep proxies.
  const entries = shallowRef<CallHistoryEntry[]>([]);
  const unseenMissed = ref(0);
  const lastMissed = ref<CallHistoryEntry | undefined>();
  /** The newest calls, for the phone view: read by index, so cheap at 100,000 entries too. */
  const recent = shallowRef<CallHistoryEntry[]>([]);
  /** The list is read only while the history view is open: start-up never scans 100,000 entries. */
  const listing = ref(false);
  /** The list has been read at least once since the view opened (until then, "no calls" would be a lie). */
  const listLoaded = ref(false);
  /** True until the whole list is in memory (the first page shows before): `aria-busy` for the list. */
  const listBusy = ref(false);
  let generation = 0;

  async function refresh(): Promise<void> {
    everything = undefined;
    const [unseen, latest, newest] = await Promise.all([
      db.unseenMissed(),
      db.latestUnseenMissed(),
      db.recent(RECENT_ON_PHONE),
    ]);
    unseenMissed.value = unseen;
    lastMissed.value = latest;
    recent.value = newest;
    if (listing.value) await loadEntries();
  }

  /** Every entry, newest first, read once per change: filters then run in memory (ms at 100,000). */
  let everything: Promise<CallHistoryEntry[]> | undefined;

  async function loadEntries(): Promise<void> {
    // A slow read must not overwrite the result of a newer one.
    const mine = ++generation;
    if (everything === undefined) {
      listBusy.value = true;
      // First what fills the screen; only then the whole list (reading it blocks the page for a moment).
      const loading = db.query(filter.value, FIRST_PAGE).then((first) => {
        if (mine === generation) {
          entries.value = first;
          listLoaded.value = true;
        }
        return db.all();
      });
      everything = loading;
      await loading.catch(() => undefined);
    }
    const all = await everything;
    if (mine !== generation) return;
    entries.value = all.filter(historyMatcher(filter.value));
    listLoaded.value = true;
    listBusy.value = false;
  }

  async function openList(): Promise<void> {
    listing.value = true;
    await loadEntries();
  }

  function closeList(): void {
    listing.value = false;
    listLoaded.value = false;
    entries.value = [];
    everything = undefined;
  }

  // A recording can be saved before its call's history entry exists (it stops as the call ends).
  const pendingRecordings = new Map<string, HistoryRecording>();

  async function record(call: CallSnapshot): Promise<void> {
    const recording = pendingRecordings.get(call.id);
    pendingRecordings.delete(call.id);
    await db.record(call, recording);
    await refresh();
  }

  async function attachRecording(callId: string, recording: HistoryRecording): Promise<void> {
    if (await db.attachRecording(callId, recording)) await refresh();
    else pendingRecordings.set(callId, recording);
  }

  async function markSeen(): Promise<void> {
    if (unseenMissed.value === 0) return;
    await db.markAllSeen();
    await refresh();
  }

  async function remove(id: string): Promise<void> {
    await db.remove(id);
    await refresh();
  }

  async function clearAll(): Promise<void> {
    await db.clearAll();
    await refresh();
  }

  watch(filter, () => void (listing.value ? loadEntries() : undefined), { deep: true });

  return {
    filter,
    entries,
    listLoaded,
    listBusy,
    unseenMissed,
    lastMissed,
    recent,
    refresh,
    openList,
    closeList,
    record,
    attachRecording,
    markSeen,
    remove,
    clearAll,
    csv: () => historyCsv(entries.value),
  };
});
