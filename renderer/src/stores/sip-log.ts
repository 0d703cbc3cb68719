import { defineStore } from 'pinia';
import { computed, markRaw, ref } from 'vue';
import { SipMessageLog, type SipLogEntry } from '../diagnostics/sip-message-log';
import type { CapturedSipMessage } from '../sip/sip-capture';

/**
 * The last SIP messages of every account (at most 2,000 and 1 MiB of text), captured from the start whatever the log level,
 * so the log viewer has the registration that failed before anyone opened it.
 *
 * The ring buffer itself is not reactive (2,000 deep proxies for nothing): a revision counter tells
 * Vue that it changed. Pausing freezes what the viewer shows while capture goes on, so nothing is
 * missing from an export or a ladder made meanwhile.
 */
export const useSipLogStore = defineStore('sip-log', () => {
  const log = markRaw(new SipMessageLog());
  const revision = ref(0);
  const paused = ref(false);
  const arrivedWhilePaused = ref(0);
  let frozen: SipLogEntry[] = [];

  function add(message: CapturedSipMessage): void {
    log.add(message);
    revision.value += 1;
    if (paused.value && message.failed === undefined) arrivedWhilePaused.value += 1;
  }

  /** What the viewer lists: everything kept, or what was there when it was paused. Oldest first. */
  const shown = computed<readonly SipLogEntry[]>(() => {
    void revision.value;
    return paused.value ? frozen : log.entries();
  });

  /** Everything kept, paused or not (export, ladders). */
  const all = computed<readonly SipLogEntry[]>(() => {
    void revision.value;
    return log.entries();
  });

  function setPaused(on: boolean): void {
    if (on === paused.value) return;
    frozen = on ? log.entries() : [];
    arrivedWhilePaused.value = 0;
    paused.value = on;
  }

  function clear(): void {
    log.clear();
    frozen = [];
    arrivedWhilePaused.value = 0;
    revision.value += 1;
  }

  const stats = computed(() => {
    void revision.value;
    return {
      size: log.size,
      capacity: log.capacity,
      textBytes: log.textBytes,
      textBudget: log.textBudget,
      dropped: log.dropped,
    };
  });

  return { add, shown, all, paused, arrivedWhilePaused, setPaused, clear, stats };
});
