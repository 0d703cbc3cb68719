import { defineStore } from 'pinia';
import { ref } from 'vue';
import { CallHistory, type CallHistoryEntry } from '../history/call-history';
import type { CallSnapshot } from '../sip/call-state';

/** Recent calls from IndexedDB and the missed-call badge (missed calls the user has not looked at). */
export const useHistoryStore = defineStore('history', () => {
  const db = new CallHistory();
  const recent = ref<CallHistoryEntry[]>([]);
  const unseenMissed = ref(0);
  const lastMissed = ref<CallHistoryEntry | undefined>();

  async function refresh(): Promise<void> {
    const [entries, unseen, latest] = await Promise.all([
      db.recent(),
      db.unseenMissed(),
      db.latestUnseenMissed(),
    ]);
    recent.value = entries;
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

  return { recent, unseenMissed, lastMissed, refresh, record, markSeen };
});
