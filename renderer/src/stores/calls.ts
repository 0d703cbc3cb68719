import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CallSnapshot } from '../sip/call-state';

/** Live calls and the most recent ended one, as plain snapshots from the SIP engine. */
export const useCallsStore = defineStore('calls', () => {
  const live = ref<CallSnapshot[]>([]);
  const lastEnded = ref<CallSnapshot | undefined>();
  /** Incoming calls left to ring silently (do-not-disturb "silent" mode): no ring, no notification. */
  const silenced = ref<string[]>([]);

  const incoming = computed(() => live.value.filter((c) => c.state === 'incoming'));
  const current = computed(() => live.value.filter((c) => c.state !== 'incoming'));
  const audible = computed(() => live.value.filter((c) => !silenced.value.includes(c.id)));

  function apply(snapshot: CallSnapshot): void {
    const others = live.value.filter((c) => c.id !== snapshot.id);
    if (snapshot.state === 'ended') {
      live.value = others;
      lastEnded.value = snapshot;
      silenced.value = silenced.value.filter((id) => id !== snapshot.id);
    } else {
      const index = live.value.findIndex((c) => c.id === snapshot.id);
      live.value = index === -1 ? [...live.value, snapshot] : live.value.map((c, i) => (i === index ? snapshot : c));
    }
  }

  function silence(callId: string): void {
    if (!silenced.value.includes(callId)) silenced.value = [...silenced.value, callId];
  }

  function dismissLastEnded(): void {
    lastEnded.value = undefined;
  }

  return { live, lastEnded, silenced, incoming, current, audible, apply, silence, dismissLastEnded };
});
