/**
 * The browser build's local gateway service refuses everyone but the app: the exact origin, the Host
 * it listens on and the secret of this start, all before any gateway work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GATEWAY_SERVICE_PATH, readGatewayFragment } from '../../../electron/common/gateway-service-protocol';
import { withGatewayInCsp } from '../../../electron/gateway/service/csp';
import {
  appUrl,
  startGatewayService,
  type GatewayService,
} from '../../../electron/gateway/service/gateway-service';
import { TestSipServer } from './test-sip-server';

const ORIGIN = 'http://127.0.0.1:5173';
const warnings: string[] = [];
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => void warnings.push(m),
  error: () => undefined,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function service(): Promise<{ service: GatewayService; secret: string }> {
  const started = await startGatewayService({ log: quiet, origin: ORIGIN });
  cleanups.push(() => started.close());
  const secret = started.fragment.split('.')[1] ?? '';
  return { service: started, secret };
}

/** Opens the WebSocket as a page would; resolves with the HTTP status of a refusal or 101. */
function attempt(url: string, headers: Record<string, string>): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', () => resolve({ status: 0 }));
  });
}

describe('gateway service', () => {
  it('refuses another origin, no secret, a wrong secret, another Host or path with 403 and creates no gateway', async () => {
    const { service: svc, secret } = await service();
    const sip = await TestSipServer.start('udp');
    cleanups.push(() => sip.close());
    const base = `ws://127.0.0.1:${svc.port}`;
    const good = { Origin: ORIGIN };
    const refused = [
      await attempt(`${base}${GATEWAY_SERVICE_PATH}?secret=${secret}`, { Origin: 'https://evil.example' }),
      await attempt(`${base}${GATEWAY_SERVICE_PATH}?secret=${secret}`, {}),
      await attempt(`${base}${GATEWAY_SERVICE_PATH}`, good),
      await attempt(`${base}${GATEWAY_SERVICE_PATH}?secret=${'x'.repeat(secret.length)}`, good),
      await attempt(`${base}${GATEWAY_SERVICE_PATH}?secret=${secret}`, {
        ...good,
        Host: `attacker.example:${svc.port}`,
      }),
      await attempt(`${base}/other?secret=${secret}`, good),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    const reasons = warnings.splice(0).map((line) => line.replace(/^.*: /, ''));
    expect(reasons).toEqual([
      "origin https://evil.example is not the app's",
      "origin (none) is not the app's",
      'no secret',
      'wrong secret',
      `wrong Host attacker.example:${svc.port}`,
      'path /other',
    ]);
    expect(svc.connections()).toBe(0);
    expect(sip.received).toHaveLength(0);
    const plain = await fetch(`http://127.0.0.1:${svc.port}${GATEWAY_SERVICE_PATH}?secret=${secret}`, {
      headers: good,
    });
    expect(plain.status).toBe(403);
  });

  it('serves the app: the gateway verbs over the WebSocket, replies by id and events', async () => {
    const { service: svc, secret } = await service();
    const sip = await TestSipServer.start('udp');
    cleanups.push(() => sip.close());
    const { status, ws } = await attempt(
      `ws://127.0.0.1:${svc.port}${GATEWAY_SERVICE_PATH}?secret=${secret}`,
      { Origin: ORIGIN },
    );
    expect(status).toBe(101);
    if (!ws) throw new Error('not connected');
    const replies: unknown[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(String(data))));
    ws.send(
      JSON.stringify({
        id: 1,
        verb: 'connect',
        request: { accountId: 'a1', transport: 'udp', server: `127.0.0.1:${sip.port}` },
      }),
    );
    await sip.until(() => sip.requests('OPTIONS').length > 0);
    await new Promise<void>((resolve) => {
      const check = (): void => (replies.length > 0 ? resolve() : void setTimeout(check, 20));
      check();
    });
    expect(replies[0]).toMatchObject({
      kind: 'reply',
      id: 1,
      ok: true,
      value: { ok: true, connection: { transport: 'udp' } },
    });
    // An invalid message closes the page's connection (and with it, its SIP sockets).
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ id: 2, verb: 'send', request: { accountId: 'a1', message: 'x', extra: 1 } }));
    expect(await closed).toBe(1008);
  });

  it('the app URL carries port and secret in the fragment, which the page reads back', async () => {
    const { service: svc, secret } = await service();
    const url = new URL(appUrl(ORIGIN, svc));
    expect(url.search).toBe('');
    expect(readGatewayFragment(url.hash)).toEqual({ port: svc.port, secret });
    expect(readGatewayFragment('#gateway=99999.abc')).toBeUndefined();
    expect(readGatewayFragment('#dial=tel%3A123')).toBeUndefined();
  });
});

describe('withGatewayInCsp', () => {
  const html = `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; connect-src 'self' wss:; media-src 'self'" />`;

  it("adds exactly the service's origin to connect-src", () => {
    expect(withGatewayInCsp(html, 'ws://127.0.0.1:40123')).toContain(
      "connect-src 'self' wss: ws://127.0.0.1:40123; media-src",
    );
  });

  it('refuses anything but a loopback ws origin, and a page without a CSP', () => {
    expect(() => withGatewayInCsp(html, 'ws://evil.example:80')).toThrow();
    expect(() => withGatewayInCsp('<html></html>', 'ws://127.0.0.1:1')).toThrow(/no Content-Security-Policy/);
  });
});
