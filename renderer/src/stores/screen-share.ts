import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ScreenShareSource } from '@common/contract';
import { useHost } from '../host';
import { captureScreen } from '../media/screen-capture';
import { usePhoneStore } from './phone';

/**
 * Sharing a screen or window into a call. Where the host lists the sources (desktop), our picker is
 * shown first; where it does not (browser), the browser's own picker asks. The capture then goes to
 * the call as its video.
 */
export const useScreenShareStore = defineStore('screen-share', () => {
  const host = useHost();
  const phone = usePhoneStore();
  /** Our picker is open for this call with these sources. */
  const picking = ref<{ callId: string; sources: ScreenShareSource[] } | undefined>();
  /** Why the last attempt failed, for the call it was for; empty when it did not. */
  const failure = ref<{ callId: string; detail: string } | undefined>();

  async function start(callId: string): Promise<void> {
    failure.value = undefined;
    try {
      const sources = await host.screenShare.sources();
      if (sources === null) await share(callId);
      else picking.value = { callId, sources };
    } catch (error) {
      failure.value = { callId, detail: describe(error) };
    }
  }

  async function pick(sourceId: string): Promise<void> {
    const open = picking.value;
    picking.value = undefined;
    if (open) await share(open.callId, sourceId);
  }

  function cancel(): void {
    picking.value = undefined;
  }

  async function share(callId: string, sourceId?: string): Promise<void> {
    try {
      await phone.shareScreen(callId, await captureScreen(host, sourceId));
    } catch (error) {
      // The user closing the browser's picker is a choice, not a failure.
      if (error instanceof DOMException && error.name === 'NotAllowedError') return;
      failure.value = { callId, detail: describe(error) };
    }
  }

  return { picking, failure, start, pick, cancel };
});

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
