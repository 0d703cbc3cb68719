import { onScopeDispose, watch } from 'vue';
import { TonePlayer, toneFor } from '../audio/tones';
import { useCallsStore } from '../stores/calls';

/** Rings for incoming calls and plays ringback while an outgoing call rings without early media. */
export function useAlerting(): void {
  const calls = useCallsStore();
  const player = new TonePlayer();
  watch(
    () => toneFor(calls.audible),
    (tone) => (tone ? player.play(tone) : player.stop()),
    { immediate: true },
  );
  onScopeDispose(() => player.stop());
}
