/**
 * The gateway as a local service for the browser build (`npm run web`): a WebSocket on 127.0.0.1
 * through which the page uses the same {@link SipGateway} the desktop app runs in Electron main.
 *
 * A local service that sends packets is a target for every web page the user opens, so before any
 * gateway work a connection must show, all at once:
 * - `Host: 127.0.0.1:PORT` (a DNS-rebinding page would send its own host name),
 * - `Origin:` exactly the app's origin (browsers set it; other pages cannot fake it),
 * - the secret made at this start, which only the app's URL carries (in its fragment);
 * anything else gets `403 Forbidden` and the socket is closed: no gateway is created, nothing is sent
 * on the network. Plain HTTP requests get 403 too.
 *
 * Each page connection gets its own gateway: its accounts' sockets close when the page goes (reload,
 * tab closed) or says disconnect. The page is the browser build's account store (IndexedDB), so the
 * server it names for an account, and the certificate pinned for it, come with its connect request;
 * from there the address policy holds as on the desktop: SIP goes only where that server resolves.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  GATEWAY_FRAGMENT_PARAM,
  GATEWAY_SERVICE_PATH,
  gatewayServiceRequestSchema,
  type GatewayServiceMessage,
  type GatewayServiceRequest,
} from '../../common/gateway-service-protocol';
import type { TrustedCertificate } from '../../common/contract';
import { MediaBridge } from '../media-bridge/media-bridge';
import type { MediaReport } from '../media-bridge/media-report';
import { SipGateway, type SipGatewayOptions } from '../sip-gateway';
import type { GatewayLogger } from '../sip-transport/flow';

/** Largest message a page may send: a SIP message (64 KiB in the contract) in JSON. */
const MAX_PAYLOAD = 256 * 1024;

export interface GatewayServiceOptions {
  log: GatewayLogger;
  /** The app's exact origin, e.g. `http://127.0.0.1:5173`; may be set later with `allowOrigin`. */
  origin?: string;
  /** Port to listen on; default a free one. */
  port?: number;
  /** Everything of the gateway but where servers come from (the page says) and the media hook. */
  gateway?: Omit<SipGatewayOptions, 'serversOf' | 'log' | 'mediaHook'> &
    Partial<Pick<SipGatewayOptions, 'mediaHook'>>;
}

export interface GatewayService {
  port: number;
  /** `PORT.SECRET`, for the app URL's `#gateway=` fragment. */
  fragment: string;
  /** The app's origin, once known (the web server picks its port after this service). */
  allowOrigin(origin: string): void;
  /** Pages connected right now. */
  connections(): number;
  /** What the media bridge is doing for each live call (packets, SRTP, latency): for diagnostics and tests. */
  mediaReports(): MediaReport[];
  close(): Promise<void>;
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startGatewayService(options: GatewayServiceOptions): Promise<GatewayService> {
  const secret = randomBytes(32).toString('base64url');
  let origin = options.origin;
  const server: Server = createServer((_request, response) => {
    response.writeHead(403, { 'Content-Type': 'text/plain', Connection: 'close' }).end('Forbidden\n');
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  // One media bridge for the service; each account of each page gets its own hook on it.
  const bridge = new MediaBridge({ log: (line) => options.log.info(line) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  /** Why a WebSocket request is refused, or undefined when it may go on. */
  function refusal(request: IncomingMessage): string | undefined {
    if (origin === undefined) return 'the app is not started yet';
    if (request.headers.host !== `127.0.0.1:${port}`) return `wrong Host ${request.headers.host ?? '(none)'}`;
    if (request.headers.origin !== origin)
      return `origin ${request.headers.origin ?? '(none)'} is not the app's`;
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== GATEWAY_SERVICE_PATH) return `path ${url.pathname}`;
    const given = url.searchParams.get('secret');
    if (given === null || !sameSecret(given, secret)) return given === null ? 'no secret' : 'wrong secret';
    return undefined;
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const why = refusal(request);
    if (why !== undefined) {
      options.log.warn(
        `gateway service: refused a connection from ${request.socket.remoteAddress ?? '?'}: ${why}`,
      );
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serve(ws));
  });

  function serve(ws: WebSocket): void {
    const pins = new Map<string, TrustedCertificate | undefined>();
    const gateway = new SipGateway({
      ...options.gateway,
      mediaHook: options.gateway?.mediaHook ?? (() => bridge.createHook()),
      log: options.log,
      serversOf: (accountId, requested) => ({
        transport: requested.transport,
        server: requested.server,
        ...(pins.get(accountId) ? { trustedCertificate: pins.get(accountId) } : {}),
      }),
    });
    const send = (message: GatewayServiceMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = gateway.onEvent((event) => send({ kind: 'event', event }));

    const handle = async (request: GatewayServiceRequest): Promise<unknown> => {
      switch (request.verb) {
        case 'connect':
          pins.set(request.request.accountId, request.trustedCertificate);
          return gateway.connect(request.request);
        case 'send':
          return gateway.send(request.request);
        case 'disconnect':
          return gateway.disconnect(request.accountId);
        case 'lookup':
          return gateway.lookup(request.domain);
        case 'probe':
          return gateway.probe(request.request);
      }
    };

    ws.on('message', (data, isBinary) => {
      let request: GatewayServiceRequest;
      try {
        if (isBinary) throw new Error('binary message');
        request = gatewayServiceRequestSchema.parse(JSON.parse(String(data)));
      } catch (error) {
        options.log.warn(
          `gateway service: closed a page connection after an invalid message: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`,
        );
        ws.close(1008, 'invalid message');
        return;
      }
      handle(request).then(
        (value) => send({ kind: 'reply', id: request.id, ok: true, value: value ?? null }),
        (error: unknown) =>
          send({
            kind: 'reply',
            id: request.id,
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
    });
    ws.on('close', () => {
      unsubscribe();
      void gateway.disconnectAll();
    });
    ws.on('error', (error) => options.log.warn(`gateway service: ${error.message}`));
  }

  return {
    port,
    fragment: `${port}.${secret}`,
    allowOrigin: (next) => {
      origin = next;
    },
    connections: () => sockets.clients.size,
    mediaReports: () => bridge.reports(),
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await bridge.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The app URL the user opens: `origin` with the service's port and secret in the fragment. */
export function appUrl(origin: string, service: Pick<GatewayService, 'fragment'>, path = '/'): string {
  return `${origin}${path}#${GATEWAY_FRAGMENT_PARAM}=${service.fragment}`;
}
