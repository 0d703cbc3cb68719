/**
 * Where the browser build's page finds its local gateway service (see `gateway-service-protocol.ts`),
 * in a module without zod: the page reads it at start, before its first screen, while the request
 * schema is for the service.
 */

/** The path the service upgrades; anything else is refused. */
export const GATEWAY_SERVICE_PATH = '/gateway';

/** The URL fragment parameter `npm run web` puts the service's port and secret in. */
export const GATEWAY_FRAGMENT_PARAM = 'gateway';

/** `PORT.SECRET` as found in the fragment, or undefined when it is not one. */
export function readGatewayFragment(hash: string): { port: number; secret: string } | undefined {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get(GATEWAY_FRAGMENT_PARAM);
  const match = /^(\d{1,5})\.([A-Za-z0-9_-]{32,128})$/.exec(value ?? '');
  const port = Number(match?.[1]);
  if (!match?.[2] || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { port, secret: match[2] };
}
