import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CallSnapshot } from '../sip/call-state';

/**
 * Live calls and the most recent ended one, as plain snapshots from the SIP engine. Connected calls
 * are "lines"; the focused line is the one the call card shows and the keypad sends digits to.
 */
export const useCallsStore = defineStore('calls', () => {
  const live = ref<CallSnapshot[]>([]);
  const lastEnded = ref<CallSnapshot | undefined>();
  /** Incoming calls left to ring silently (do-not-disturb "silent" mode): no ring, no notification. */
  const silenced = ref<string[]>([]);

  const incoming = computed(() => live.value.filter((c) => c.state === 'incoming'));
  const current = computed(() => live.value.filter((c) => c.state !== 'incoming'));
  const audible = computed(() => live.value.filter((c) => !silenced.value.includes(c.id)));
  const focusedId = ref<string | undefined>();
  /** The line in front of the user: the one chosen last, else one that is not on hold. */
  const focused = computed(
    () =>
      current.value.find((c) => c.id === focusedId.value) ??
      current.value.find((c) => !c.held) ??
      current.value.at(-1),
  );

  function apply(snapshot: CallSnapshot): void {
    const others = live.value.filter((c) => c.id !== snapshot.id);
    if (snapshot.state === 'ended') {
      live.value = others;
      lastEnded.value = snapshot;
      silenced.value = silenced.value.filter((id) => id !== snapshot.id);
    } else {
      const index = live.value.findIndex((c) => c.id === snapshot.id);
      live.value =
        index === -1 ? [...live.value, snapshot] : live.value.map((c, i) => (i === index ? snapshot : c));
    }
  }

  function focus(callId: string): void {
    focusedId.value = callId;
  }

  function silence(callId: string): void {
    if (!silenced.value.includes(callId)) silenced.value = [...silenced.value, callId];
  }

  function dismissLastEnded(): void {
    lastEnded.value = undefined;
  }

  return {
    live,
    lastEnded,
    silenced,
    incoming,
    current,
    audible,
    focused,
    apply,
    focus,
    silence,
    dismissLastEnded,
  };
});
