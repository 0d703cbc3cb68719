/**
 * A SIP-over-WebSocket man in the middle under the test's control: the app connects to it instead of
 * Kamailio, it forwards every frame both ways, records what the client sent, and lets the test push
 * its own messages toward the client (fuzzing) and keep the client's answers to them from reaching
 * Kamailio (which knows nothing of those transactions).
 *
 * It serves TLS with the lab's own certificate, so Chromium trusts it exactly as it trusts Kamailio
 * (`--ignore-certificate-errors-spki-list` with the lab's SPKI hash), and it dials Kamailio trusting
 * only that same certificate.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** One frame the client (the app) sent, in arrival order. */
export interface ClientFrame {
  at: number;
  text: string;
  /** False when the frame matched {@link WsProxyOptions.keepFromServer} and was not forwarded. */
  forwarded: boolean;
}

export interface WsProxyOptions {
  /** Kamailio's WSS URL, e.g. `wss://127.0.0.1:5061`. */
  upstreamUrl: string;
  certPath: string;
  keyPath: string;
  /** Client frames for which this returns true are recorded but not sent to the server. */
  keepFromServer?: (text: string) => boolean;
  /** Server frames for which this returns true are not passed to the client (a message lost on the way). */
  dropFromServer?: (text: string) => boolean;
  /**
   * Where to listen, e.g. 7443 to stand where FreeSWITCH serves WebSocket; a free port when absent.
   * Fixed ports are only for tests that own them (one spec file at a time uses each).
   */
  port?: number;
  /** Upgrade only on this path (e.g. `/ws`, as Asterisk does); any other path gets HTTP 404. */
  path?: string;
  /** The certificate the upstream server presents, when the proxy serves another one; `certPath` otherwise. */
  upstreamCertPath?: string;
}

export interface WsProxy {
  /** `wss://127.0.0.1:<port>` to give the app as its WebSocket server. */
  url: string;
  /** Everything the client sent so far (a copy), oldest first. */
  clientFrames(): ClientFrame[];
  /** Number of client connections currently open. */
  openClients(): number;
  /**
   * Sends one frame to every connected client: a string goes as a text frame, a Buffer as a binary
   * frame (SIP.js decodes both). Resolves when the frames were handed to the socket.
   */
  injectToClient(frame: string | Buffer): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every `response="…"` digest and every (Proxy-)Authorization value in frames the app sent: what a
 * log, an export or a report must never contain.
 */
export function credentialsSent(frames: readonly ClientFrame[]): string[] {
  const found = new Set<string>();
  for (const { text } of frames) {
    for (const match of text.matchAll(/\r\n(?:Proxy-)?Authorization:\s*([^\r\n]+)/gi)) {
      if (match[1]) found.add(match[1]);
      const response = /response="([^"]+)"/.exec(match[1] ?? '')?.[1];
      if (response) found.add(response);
    }
  }
  return [...found];
}

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Starts the proxy on a free port of 127.0.0.1. */
export async function startWsProxy(options: WsProxyOptions): Promise<WsProxy> {
  const [cert, key, upstreamCert] = await Promise.all([
    readFile(options.certPath),
    readFile(options.keyPath),
    readFile(options.upstreamCertPath ?? options.certPath),
  ]);
  const server: Server = createServer({ cert, key });
  const wss = new WebSocketServer({
    noServer: true,
    // RFC 7118: the client asks for the "sip" subprotocol and the server must agree to it.
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'https://proxy.invalid').pathname;
    if (options.path !== undefined && path !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
  });
  const frames: ClientFrame[] = [];
  const clients = new Set<WebSocket>();

  wss.on('connection', (client) => {
    clients.add(client);
    const upstream = new WebSocket(options.upstreamUrl, 'sip', { ca: upstreamCert });
    const pending: { data: RawData; isBinary: boolean }[] = [];
    upstream.on('open', () => {
      for (const { data, isBinary } of pending.splice(0)) upstream.send(data, { binary: isBinary });
    });
    upstream.on('message', (data, isBinary) => {
      if (options.dropFromServer?.(frameText(data))) return;
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    client.on('message', (data, isBinary) => {
      const text = frameText(data);
      const forwarded = !(options.keepFromServer?.(text) ?? false);
      frames.push({ at: Date.now(), text, forwarded });
      if (!forwarded) return;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
      else pending.push({ data, isBinary });
    });
    const closeBoth = (): void => {
      clients.delete(client);
      client.close();
      upstream.close();
    };
    client.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('close', closeBoth);
    upstream.on('error', closeBoth);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `wss://127.0.0.1:${port}`,
    clientFrames: () => [...frames],
    openClients: () => clients.size,
    injectToClient: async (frame) => {
      const sends = [...clients].map(
        (client) =>
          new Promise<void>((resolve, reject) =>
            client.send(frame, { binary: typeof frame !== 'string' }, (error) =>
              error ? reject(error) : resolve(),
            ),
          ),
      );
      await Promise.all(sends);
    },
    stop: async () => {
      for (const client of clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      // A fixed port is used again by the next test: no idle connection may keep it.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
