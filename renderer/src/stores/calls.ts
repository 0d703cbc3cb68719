import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CallSnapshot } from '../sip/call-state';

/**
 * How long a call card stays after its call ended, saying how it ended (announced), before the call is
 * only in recent calls: long enough to read "Busy (486)" twice, short enough not to be in the way.
 */
export const ENDED_CARD_MS = 6000;

/**
 * Live calls and the ones that just ended, as plain snapshots from the SIP engine. Connected calls
 * are "lines"; the focused line is the one the call card shows and the keypad sends digits to.
 */
export const useCallsStore = defineStore('calls', () => {
  const live = ref<CallSnapshot[]>([]);
  /** Calls that ended less than {@link ENDED_CARD_MS} ago, oldest first; their cards show the outcome. */
  const justEnded = ref<CallSnapshot[]>([]);
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
  /**
   * The cards on screen: the line in front, then the calls that just ended. A call keeps its card (and
   * its status element) from its last state to its outcome, so the change is announced in place.
   */
  const cards = computed(() => (focused.value ? [focused.value, ...justEnded.value] : justEnded.value));

  function apply(snapshot: CallSnapshot): void {
    const others = live.value.filter((c) => c.id !== snapshot.id);
    if (snapshot.state === 'ended') {
      live.value = others;
      silenced.value = silenced.value.filter((id) => id !== snapshot.id);
      showEnded(snapshot);
    } else {
      const index = live.value.findIndex((c) => c.id === snapshot.id);
      live.value =
        index === -1 ? [...live.value, snapshot] : live.value.map((c, i) => (i === index ? snapshot : c));
    }
  }

  function showEnded(snapshot: CallSnapshot): void {
    // A later snapshot of the same ended call (its quality summary) updates the card, not its time.
    if (justEnded.value.some((c) => c.id === snapshot.id)) {
      justEnded.value = justEnded.value.map((c) => (c.id === snapshot.id ? snapshot : c));
      return;
    }
    justEnded.value = [...justEnded.value, snapshot];
    setTimeout(() => dismissEnded(snapshot.id), ENDED_CARD_MS);
  }

  function dismissEnded(callId: string): void {
    justEnded.value = justEnded.value.filter((c) => c.id !== callId);
  }

  function focus(callId: string): void {
    focusedId.value = callId;
  }

  function silence(callId: string): void {
    if (!silenced.value.includes(callId)) silenced.value = [...silenced.value, callId];
  }

  return {
    live,
    justEnded,
    silenced,
    incoming,
    current,
    audible,
    focused,
    cards,
    apply,
    focus,
    silence,
    dismissEnded,
  };
});
