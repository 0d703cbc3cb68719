/**
 * Tests a SIP-over-WebSocket server (RFC 7118) step by step, so the account assistant can say where it
 * stops: the name (DNS), the port (TCP), the certificate (TLS, with its SHA-256 when refused), and the
 * WebSocket upgrade with `Sec-WebSocket-Protocol: sip` (the HTTP status when refused).
 *
 * It reaches only what the renderer could already open itself (a `wss:` WebSocket to any host is what
 * the page does for every WSS account), and sends nothing but a TLS handshake and one HTTP GET.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { WebSocketProbeRequest, WebSocketProbeResult } from '../common/contract';
import type { DnsClient } from './sip-transport/dns-client';
import { CertificateRefused, secureSocket } from './sip-transport/tls-trust';

/** RFC 6455 §1.3: the accept key a server must return for our key. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function message(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const text = error instanceof Error ? error.message : String(error);
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Reads the HTTP response head (status line and fields) from the socket. */
function readResponseHead(
  socket: Socket,
): Promise<{ status: number; reason: string; fields: Map<string, string> }> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buffer.length > 16_384) done(new Error('the HTTP answer is too long'));
        return;
      }
      const [statusLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const status = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
      if (!status?.[1]) {
        done(new Error(`not an HTTP answer: ${statusLine.slice(0, 80)}`));
        return;
      }
      const fields = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      done(undefined, { status: Number(status[1]), reason: status[2] ?? '', fields });
    };
    const onEnd = (): void => done(new Error('the server closed the connection without an HTTP answer'));
    const onError = (error: Error): void => done(error);
    const done = (
      error: Error | undefined,
      head?: { status: number; reason: string; fields: Map<string, string> },
    ): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      if (error || !head) reject(error ?? new Error('no answer'));
      else resolve(head);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
  });
}

export async function probeWebSocket(
  request: WebSocketProbeRequest,
  dns: DnsClient,
  ca: string[] | undefined,
  timeoutMs = 10_000,
): Promise<WebSocketProbeResult> {
  const url = new URL(request.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);

  let address: string;
  if (isIP(host) !== 0) {
    address = host;
  } else {
    try {
      const found = await withTimeout(dns.addresses(host), timeoutMs, 'DNS');
      if (found[0] === undefined) return { stage: 'dns', detail: `${host} has no address` };
      address = found[0].address;
    } catch (error) {
      return { stage: 'dns', detail: message(error) };
    }
  }

  let socket: Socket;
  try {
    socket = await withTimeout(
      new Promise<Socket>((resolve, reject) => {
        const opened = netConnect({ host: address, port });
        opened.once('connect', () => resolve(opened));
        opened.once('error', reject);
      }),
      timeoutMs,
      `TCP ${host}:${port}`,
    );
  } catch (error) {
    return { stage: 'connect', detail: message(error) };
  }

  let secure: TLSSocket;
  try {
    ({ secure } = await withTimeout(
      secureSocket(socket, { name: host, pinHost: `${host}:${port}`, pin: undefined, ca }),
      timeoutMs,
      'TLS handshake',
    ));
  } catch (error) {
    socket.destroy();
    if (error instanceof CertificateRefused)
      return { stage: 'tls', detail: error.reason, sha256: error.sha256 };
    return { stage: 'tls', detail: message(error) };
  }

  try {
    const key = randomBytes(16).toString('base64');
    const hostField = url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
    secure.write(
      [
        `GET ${url.pathname}${url.search} HTTP/1.1`,
        `Host: ${hostField}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: sip',
        '',
        '',
      ].join('\r\n'),
    );
    const head = await withTimeout(readResponseHead(secure), timeoutMs, 'WebSocket upgrade');
    if (head.status !== 101)
      return {
        stage: 'upgrade',
        httpStatus: head.status,
        detail: `HTTP ${head.status} ${head.reason}`.trim(),
      };
    const accept = createHash('sha1')
      .update(key + WEBSOCKET_GUID)
      .digest('base64');
    if (head.fields.get('sec-websocket-accept') !== accept)
      return {
        stage: 'upgrade',
        httpStatus: 101,
        detail: 'the server answered with a wrong Sec-WebSocket-Accept',
      };
    if (head.fields.get('sec-websocket-protocol')?.toLowerCase() !== 'sip')
      return {
        stage: 'upgrade',
        httpStatus: 101,
        detail: 'the server did not agree to the "sip" subprotocol (RFC 7118)',
      };
    return { stage: 'ok' };
  } catch (error) {
    return { stage: 'upgrade', detail: message(error) };
  } finally {
    secure.destroy();
  }
}
