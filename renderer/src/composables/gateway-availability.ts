import { onMounted, shallowRef } from 'vue';
import type { GatewayAvailability } from '@common/contract';
import { useHost } from '../host';

/**
 * Whether SIP over UDP, TCP and TLS can work here (the gateway: Electron main, or the browser build's
 * local service), asked once when the component mounts. Undefined until the host answered.
 */
export function useGatewayAvailability() {
  const host = useHost();
  const availability = shallowRef<GatewayAvailability>();
  onMounted(async () => {
    availability.value = await host.gateway.availability().catch((error: unknown) => ({
      available: false as const,
      reason: 'service-unreachable' as const,
      detail: String(error),
    }));
  });
  return availability;
}
