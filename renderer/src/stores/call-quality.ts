import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { CallQualitySnapshot } from '../sip/call-quality';

/** Live quality of each connected call, as the engine measures it once a second. */
export const useCallQualityStore = defineStore('call-quality', () => {
  // shallowRef: each second's snapshot replaces the call's entry whole.
  const byCall = shallowRef<Readonly<Record<string, CallQualitySnapshot>>>({});

  function apply(callId: string, quality: CallQualitySnapshot | undefined): void {
    const { [callId]: _ended, ...others } = byCall.value;
    byCall.value = quality ? { ...others, [callId]: quality } : others;
  }

  return { byCall, apply };
});
