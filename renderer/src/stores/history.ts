import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { CallHistory, historyCsv, type CallHistoryEntry, type HistoryFilter } from '../history/call-history';
import type { CallSnapshot } from '../sip/call-state';

/** Call history from IndexedDB: the filtered list, and the missed-call badge (missed calls not yet seen). */
export const useHistoryStore = defineStore('history', () => {
  const db = new CallHistory();
  const filter = ref<HistoryFilter>({});
  const entries = ref<CallHistoryEntry[]>([]);
  const unseenMissed = ref(0);
  const lastMissed = ref<CallHistoryEntry | undefined>();
  let generation = 0;

  async function refresh(): Promise<void> {
    // A slow query must not overwrite the result of a newer filter.
    const mine = ++generation;
    const [list, unseen, latest] = await Promise.all([
      db.query(filter.value),
      db.unseenMissed(),
      db.latestUnseenMissed(),
    ]);
    if (mine !== generation) return;
    entries.value = list;
    unseenMissed.value = unseen;
    lastMissed.value = latest;
  }

  async function record(call: CallSnapshot): Promise<void> {
    await db.record(call);
    await refresh();
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

  watch(filter, () => void refresh(), { deep: true });

  return {
    filter,
    entries,
    unseenMissed,
    lastMissed,
    refresh,
    record,
    markSeen,
    remove,
    clearAll,
    csv: () => historyCsv(entries.value),
  };
});
