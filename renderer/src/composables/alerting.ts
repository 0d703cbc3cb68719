import { onScopeDispose, watch } from 'vue';
import { TonePlayer, toneFor } from '../audio/tones';
import { useCallsStore } from '../stores/calls';
import { useMediaStore } from '../stores/media';

/** Rings for incoming calls and plays ringback while an outgoing call rings without early media. */
export function useAlerting(): void {
  const calls = useCallsStore();
  const media = useMediaStore();
  const player = new TonePlayer();
  // The ringtone goes to the ringing device(s); ringback and call waiting to where the call is heard.
  watch(
    () => JSON.stringify(media.toneOutputs),
    () => player.setOutputs(media.toneOutputs),
    { immediate: true },
  );
  watch(
    () => toneFor(calls.audible),
    (tone) => (tone ? player.play(tone) : player.stop()),
    { immediate: true },
  );
  onScopeDispose(() => player.stop());
}
