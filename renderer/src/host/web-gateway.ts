import type {
  CertificateProblem,
  GatewayAvailability,
  GatewayConnectResult,
  GatewayEvent,
  SipServiceLookup,
  TrustedCertificate,
  WebSocketProbeResult,
} from '@common/contract';
import { GATEWAY_SERVICE_PATH, readGatewayFragment } from '@common/gateway-service-address';
import type { GatewayServiceMessage, GatewayServiceRequest } from '@common/gateway-service-protocol';
import type { Host } from './host';

type Verb = GatewayServiceRequest['verb'];
type Payload<V extends Verb> = Omit<Extract<GatewayServiceRequest, { verb: V }>, 'id' | 'verb'>;

/** How long opening the service's WebSocket may take before the page calls it unreachable. */
const OPEN_TIMEOUT_MS = 5000;

export interface WebGatewayOptions {
  /** The page's address; the service's port and secret are in its fragment (`#gateway=PORT.SECRET`). */
  hash: string;
  /** The certificate the user pinned for the account (the browser build keeps pins with its accounts). */
  pinOf(accountId: string): Promise<TrustedCertificate | undefined>;
  /** A TLS server's certificate was refused: the certificates UI offers to trust it. */
  onCertificateProblem(problem: CertificateProblem): void;
}

/**
 * The browser build's gateway: the local service `npm run web` starts (electron/gateway/service), over
 * one WebSocket. The port and secret come from the page's fragment and are kept in this object only:
 * never stored, never sent anywhere but to that service. Without them, or when the service cannot be
 * reached, direct UDP/TCP/TLS accounts are unavailable and `availability()` says why.
 */
export function createWebGateway(options: WebGatewayOptions): Host['gateway'] {
  const service = readGatewayFragment(options.hash);
  const listeners = new Set<(event: GatewayEvent) => void>();
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  /** Accounts with a connection through the service: told `closed` if the service goes away. */
  const connected = new Set<string>();
  let socket: Promise<WebSocket> | undefined;
  let nextId = 1;

  function emit(event: GatewayEvent): void {
    if (event.kind === 'closed') connected.delete(event.accountId);
    for (const listener of listeners) listener(event);
  }

  function open(): Promise<WebSocket> {
    if (!service)
      return Promise.reject(new Error('this page was not opened with the address `npm run web` prints'));
    socket ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(
        `ws://127.0.0.1:${service.port}${GATEWAY_SERVICE_PATH}?secret=${encodeURIComponent(service.secret)}`,
      );
      const timer = setTimeout(() => ws.close(), OPEN_TIMEOUT_MS);
      ws.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(ws);
      });
      ws.addEventListener('message', (event: MessageEvent<string>) => {
        const message = JSON.parse(event.data) as GatewayServiceMessage;
        if (message.kind === 'event') {
          emit(message.event);
          return;
        }
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiting?.resolve(message.value);
        else waiting?.reject(new Error(message.error));
      });
      ws.addEventListener('close', (event) => {
        clearTimeout(timer);
        socket = undefined;
        const why = `the local gateway service closed the connection (${event.code}${event.reason ? ` ${event.reason}` : ''})`;
        reject(new Error(`the local gateway service at 127.0.0.1:${service.port} cannot be reached`));
        for (const waiting of pending.values()) waiting.reject(new Error(why));
        pending.clear();
        for (const accountId of [...connected]) emit({ kind: 'closed', accountId, reason: why });
      });
    });
    return socket;
  }

  async function call<V extends Verb>(verb: V, payload: Payload<V>): Promise<unknown> {
    const ws = await open();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, verb, ...payload }));
    });
  }

  const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

  return {
    async availability(): Promise<GatewayAvailability> {
      if (!service) return { available: false, reason: 'no-local-service' };
      try {
        await open();
        return { available: true };
      } catch (error) {
        return { available: false, reason: 'service-unreachable', detail: reason(error) };
      }
    },
    async connect(request) {
      const pin = await options.pinOf(request.accountId);
      let result: GatewayConnectResult;
      try {
        result = (await call('connect', {
          request,
          ...(pin ? { trustedCertificate: pin } : {}),
        })) as GatewayConnectResult;
      } catch (error) {
        return { ok: false, error: { kind: 'no-gateway', detail: reason(error) } };
      }
      if (result.ok) connected.add(request.accountId);
      else if (result.error.kind === 'certificate') options.onCertificateProblem(result.error.problem);
      return result;
    },
    async send(request) {
      await call('send', { request });
    },
    async disconnect(accountId) {
      connected.delete(accountId);
      if (socket === undefined) return;
      await call('disconnect', { accountId }).catch(() => undefined);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async lookup(domain) {
      try {
        return (await call('lookup', { domain })) as SipServiceLookup;
      } catch (error) {
        return { domain, targets: [], error: reason(error) };
      }
    },
    async probe(request) {
      try {
        return (await call('probe', { request })) as WebSocketProbeResult;
      } catch (error) {
        return { stage: 'connect', detail: reason(error) };
      }
    },
  };
}
