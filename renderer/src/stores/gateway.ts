import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { GatewayAvailability } from '@common/contract';
import { useHost } from '../host';

/**
 * Whether direct UDP/TCP/TLS accounts can work here (the desktop's gateway, or the browser build's
 * local service), and why not, for the account form.
 */
export const useGatewayStore = defineStore('gateway', () => {
  const host = useHost();
  const availability = ref<GatewayAvailability | undefined>();

  async function refresh(): Promise<GatewayAvailability> {
    const current = await host.gateway.availability().catch((error: unknown): GatewayAvailability => ({
      available: false,
      reason: 'service-unreachable',
      detail: error instanceof Error ? error.message : String(error),
    }));
    availability.value = current;
    return current;
  }

  return { availability, refresh };
});
