/**
 * What the browser build's page and its local gateway service (`electron/gateway/service`) say to each
 * other over their WebSocket: the gateway verbs of the contract as numbered requests with one reply
 * each, and the gateway's events. The page is the browser build's account store, so a connect request
 * carries the certificate the user pinned for that account (the desktop reads it from main's store).
 *
 * How the page finds the service: `npm run web` prints the app's URL with `#gateway=PORT.SECRET`.
 * A fragment never reaches a server; the page keeps it in memory and presents the secret when it
 * opens `ws://127.0.0.1:PORT/gateway?secret=SECRET`.
 *
 * Free of Electron and Node imports: the renderer bundles it.
 */
import { z } from 'zod';
import {
  accountIdSchema,
  domainSchema,
  gatewayConnectRequestSchema,
  gatewaySendRequestSchema,
  trustedCertificateSchema,
  webSocketProbeRequestSchema,
  type GatewayEvent,
} from './contract';

export { GATEWAY_FRAGMENT_PARAM, GATEWAY_SERVICE_PATH, readGatewayFragment } from './gateway-service-address';

export const gatewayServiceRequestSchema = z.discriminatedUnion('verb', [
  z
    .object({
      id: z.number().int().nonnegative(),
      verb: z.literal('connect'),
      request: gatewayConnectRequestSchema,
      trustedCertificate: trustedCertificateSchema.optional(),
    })
    .strict(),
  z
    .object({
      id: z.number().int().nonnegative(),
      verb: z.literal('send'),
      request: gatewaySendRequestSchema,
    })
    .strict(),
  z
    .object({ id: z.number().int().nonnegative(), verb: z.literal('disconnect'), accountId: accountIdSchema })
    .strict(),
  z.object({ id: z.number().int().nonnegative(), verb: z.literal('lookup'), domain: domainSchema }).strict(),
  z
    .object({
      id: z.number().int().nonnegative(),
      verb: z.literal('probe'),
      request: webSocketProbeRequestSchema,
    })
    .strict(),
]);
export type GatewayServiceRequest = z.infer<typeof gatewayServiceRequestSchema>;

export type GatewayServiceMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'event'; event: GatewayEvent };
