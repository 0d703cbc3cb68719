/**
 * The gateway's SIP transport from both ends of real sockets: the SipGateway as the renderer's side
 * uses it (connect, send, events), and a small SIP server on 127.0.0.1 (test-sip-server.ts) seeing
 * what goes on the wire. Timers are shortened where a test waits for one to fire; the mechanisms are
 * the production ones.
 */
import { createSocket } from 'node:dgram';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  GatewayConnectRequest,
  GatewayEvent,
  TrustedCertificate,
} from '../../../electron/common/contract';
import {
  SipGateway,
  type AccountServer,
  type SipGatewayOptions,
} from '../../../electron/gateway/sip-gateway';
import type { SipMediaContext, SipMediaHook } from '../../../electron/gateway/sip-media-hook';
import { SipMessage } from '../../../electron/gateway/sip-message';
import type { DnsClient } from '../../../electron/gateway/sip-transport/dns-client';
import type { GatewayTiming } from '../../../electron/gateway/sip-transport/flow';
import { makeTestCertificates, type TestCertificates } from './test-certificates';
import { sipJsRegister, TestSipServer, type Received } from './test-sip-server';

/** The transport is under test here, not the media bridge: messages pass through the hook unchanged. */
function identityMediaHook(): SipMediaHook {
  return {
    outbound: async (message) => message,
    inbound: async (message) => message,
    close: async () => undefined,
  };
}

const FAST: Partial<GatewayTiming> = {
  optionsAnswerMs: 1500,
  connectTimeoutMs: 2000,
};

interface Harness {
  gateway: SipGateway;
  events: GatewayEvent[];
  logs: string[];
  next(
    kind: GatewayEvent['kind'],
    predicate?: (event: GatewayEvent) => boolean,
    timeoutMs?: number,
  ): Promise<GatewayEvent>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function harness(
  options: Partial<SipGatewayOptions> & { account?: AccountServer | undefined } = {},
): Harness {
  const events: GatewayEvent[] = [];
  const logs: string[] = [];
  const log = (level: string) => (message: string) => void logs.push(`${level}: ${message}`);
  const gateway = new SipGateway({
    serversOf: (_id, requested) =>
      'account' in options ? options.account : { transport: requested.transport, server: requested.server },
    mediaHook: () => identityMediaHook(),
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    timing: FAST,
    ...options,
  });
  const waiters: (() => void)[] = [];
  gateway.onEvent((event) => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  });
  cleanups.push(() => gateway.disconnectAll());
  return {
    gateway,
    events,
    logs,
    next: async (kind, predicate = () => true, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((event) => event.kind === kind && predicate(event));
        if (found) {
          events.splice(events.indexOf(found), 1);
          return found;
        }
        if (Date.now() > deadline) throw new Error(`no ${kind} event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}

async function server(
  transport: 'udp' | 'tcp' | 'tls',
  options: Parameters<typeof TestSipServer.start>[1] = {},
): Promise<TestSipServer> {
  const started = await TestSipServer.start(transport, options);
  cleanups.push(() => started.close());
  return started;
}

function request(transport: 'udp' | 'tcp' | 'tls', port: number): GatewayConnectRequest {
  return { accountId: 'acc-1', transport, server: `127.0.0.1:${port}` };
}

async function connected(h: Harness, transport: 'udp' | 'tcp' | 'tls', port: number): Promise<void> {
  const result = await h.gateway.connect(request(transport, port));
  if (!result.ok) throw new Error(`connect failed: ${JSON.stringify(result.error)}`);
}

const isRegister = (r: Received): boolean => r.message.method === 'REGISTER' && r.message.isRequest;

describe('SIP over UDP', () => {
  it('connects once the server answers an OPTIONS, then carries SIP.js messages with real Via and Contact', async () => {
    const srv = await server('udp');
    const h = harness();
    const result = await h.gateway.connect(request('udp', srv.port));
    expect(result).toMatchObject({
      ok: true,
      connection: { transport: 'udp', remote: `127.0.0.1:${srv.port}` },
    });
    const local = result.ok ? result.connection.local : '';
    expect(srv.requests('OPTIONS')).toHaveLength(1);

    await h.gateway.send({ accountId: 'acc-1', message: sipJsRegister() });
    const register = await srv.waitFor(isRegister);
    expect(register.message.header('via')).toBe(`SIP/2.0/UDP ${local};branch=z9hG4bK1234567;rport`);
    expect(register.message.header('contact')).toBe(`<sip:q8w7e6r5@${local};transport=udp>;expires=300`);
    expect(`${register.from.address}:${register.from.port}`).toBe(local);

    srv.reply(register, 401, 'Unauthorized', ['WWW-Authenticate: Digest realm="127.0.0.1", nonce="n1"']);
    const event = await h.next('message');
    const delivered = SipMessage.parse(event.kind === 'message' ? event.message : '');
    expect(delivered.status).toBe(401);
    // SIP.js's own sent-by again (its viaHost, no port), or SIP.js would drop the response.
    expect(delivered.header('via')).toMatch(
      /^SIP\/2\.0\/UDP k3j4h5g6f7d8\.invalid;branch=z9hG4bK1234567;rport=\d+;received=127\.0\.0\.1$/,
    );
  });

  it('a message sent as the account goes (a closing page’s BYE or un-REGISTER) leaves before its socket closes', async () => {
    const srv = await server('udp');
    const h = harness();
    await connected(h, 'udp', srv.port);
    // In one turn, as a page's last messages and its gone connection reach the local service.
    const sent = h.gateway.send({ accountId: 'acc-1', message: sipJsRegister() });
    const gone = h.gateway.disconnectAll();
    await Promise.all([sent, gone]);
    await srv.waitFor(isRegister);
  });

  it('learns the public address from received/rport and uses it in the next Via and Contact', async () => {
    const srv = await server('udp');
    const h = harness();
    await connected(h, 'udp', srv.port);
    await h.gateway.send({ accountId: 'acc-1', message: sipJsRegister() });
    const register = await srv.waitFor(isRegister);
    srv.sendRaw(
      srv
        .responseText(register.message, 401, 'Unauthorized', register.from)
        .replace(/;rport=\d+;received=127\.0\.0\.1/, ';rport=61000;received=198.51.100.9'),
    );
    await h.next('message');
    await h.gateway.send({ accountId: 'acc-1', message: sipJsRegister({ branch: 'z9hG4bK2', cseq: 2 }) });
    const second = await srv.waitFor((r) => isRegister(r) && r.message.cseq?.number === 2);
    expect(second.message.header('via')).toBe('SIP/2.0/UDP 198.51.100.9:61000;branch=z9hG4bK2;rport');
    expect(second.message.header('contact')).toContain('@198.51.100.9:61000;transport=udp>');
    expect(h.logs.some((line) => line.includes('as 198.51.100.9:61000'))).toBe(true);
  });

  it('an unreachable server is reported as no answer, not left waiting', async () => {
    const srv = await server('udp', { answerOptions: false });
    const h = harness();
    const started = Date.now();
    const result = await h.gateway.connect(request('udp', srv.port));
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(4000);
    // Timer E: the OPTIONS was repeated while waiting.
    expect(srv.requests('OPTIONS').length).toBeGreaterThan(1);
  });

  it('drops and logs malformed datagrams, and the connection keeps working', async () => {
    const srv = await server('udp');
    const h = harness();
    await connected(h, 'udp', srv.port);
    await h.gateway.send({ accountId: 'acc-1', message: sipJsRegister() });
    const register = await srv.waitFor(isRegister);
    const good = srv.responseText(register.message, 200, 'OK', register.from);
    srv.sendRaw(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x99, 0x00, 0x01]));
    srv.sendRaw(good.slice(0, 60));
    srv.sendRaw(good.replace('Content-Length: 0', 'Content-Length: 50'));
    srv.sendRaw(good);
    const event = await h.next('message');
    expect(event.kind === 'message' && SipMessage.parse(event.message).status).toBe(200);
    expect(h.events).toEqual([]);
    const drops = h.logs.filter((line) => line.startsWith('warn:') && line.includes('malformed'));
    expect(drops).toHaveLength(3);
    expect(drops.join('\n')).toMatch(/Content-Length 50 but only 0 bytes/);
  });

  it('passes a malformed request datagram as it came, for the inbound guard to answer; a malformed response is dropped', async () => {
    const srv = await server('udp');
    const h = harness();
    await connected(h, 'udp', srv.port);
    const options = (lengths: string[], body: string) =>
      [
        'OPTIONS sip:1001@127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKbadlength',
        'From: <sip:probe@127.0.0.1>;tag=p1',
        'To: <sip:1001@127.0.0.1>',
        'Call-ID: bad-length',
        'CSeq: 1 OPTIONS',
        ...lengths.map((length) => `Content-Length: ${length}`),
        '',
        body,
      ].join('\r\n');
    const conflicting = options(['5', '3'], 'hello');
    const cutShort = options(['90'], 'hello');
    srv.sendRaw(conflicting);
    srv.sendRaw(cutShort);
    srv.sendRaw('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP x;branch=z9hG4bKr\r\nContent-Length: 90\r\n\r\nshort');
    const first = await h.next('message');
    const second = await h.next('message');
    expect([first, second].map((event) => (event.kind === 'message' ? event.message : ''))).toEqual([
      conflicting,
      cutShort,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.events).toEqual([]);
    const warnings = h.logs.filter((line) => line.startsWith('warn:'));
    expect(warnings.filter((line) => line.includes('passed to the inbound guard'))).toHaveLength(2);
    expect(warnings.filter((line) => line.includes('dropped'))).toHaveLength(1);
  });

  it('drops and logs datagrams from anywhere but the account’s server', async () => {
    const srv = await server('udp');
    const h = harness();
    const result = await h.gateway.connect(request('udp', srv.port));
    const [, port] = result.ok ? result.connection.local.split(':') : [];
    const stranger = createSocket('udp4');
    cleanups.push(() => new Promise<void>((resolve) => stranger.close(() => resolve())));
    await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.1', resolve));
    const invite =
      'INVITE sip:q8w7e6r5@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\nFrom: <sip:evil@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: evil\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';
    stranger.send(invite, Number(port), '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.events).toEqual([]);
    expect(h.logs.some((line) => line.startsWith('warn:') && line.includes("not the account's server"))).toBe(
      true,
    );
  });

  it('repeats a request the server does not answer (Timer E), and stops once answered', async () => {
    const srv = await server('udp');
    const h = harness();
    await connected(h, 'udp', srv.port);
    await h.gateway.send({ accountId: 'acc-1', message: sipJsRegister() });
    await srv.until(() => srv.requests('REGISTER').length >= 2, 3000);
    const first = srv.requests('REGISTER')[0];
    expect(srv.requests('REGISTER')[1]?.raw.equals(first?.raw ?? Buffer.alloc(0))).toBe(true);
    if (first) srv.reply(first, 200, 'OK');
    await h.next('message');
    const count = srv.requests('REGISTER').length;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(srv.requests('REGISTER')).toHaveLength(count);
  });

  it('the keep-alive OPTIONS notices a server that stopped answering: the connection is closed', async () => {
    const srv = await server('udp');
    const h = harness({ timing: { ...FAST, udpKeepAliveMs: [200, 300], optionsAnswerMs: 800 } });
    await connected(h, 'udp', srv.port);
    await srv.until(() => srv.requests('OPTIONS').length >= 2, 3000);
    await srv.close();
    const closed = await h.next('closed', () => true, 5000);
    expect(closed).toMatchObject({ kind: 'closed', accountId: 'acc-1' });
    expect(closed.kind === 'closed' && closed.reason).toMatch(/keep-alive OPTIONS/);
    await expect(h.gateway.send({ accountId: 'acc-1', message: sipJsRegister() })).rejects.toThrow(
      /no open SIP connection/,
    );
  });

  it('sends a request over 1300 bytes over TCP to the same server when it takes TCP (RFC 3261 §18.1.1)', async () => {
    const udp = await server('udp');
    const tcp = await server('tcp', { port: udp.port });
    const h = harness();
    await connected(h, 'udp', udp.port);
    const big = sipJsRegister({ extra: [`X-Padding: ${'p'.repeat(1400)}`] });
    await h.gateway.send({ accountId: 'acc-1', message: big });
    const register = await tcp.waitFor(isRegister);
    expect(register.message.header('via')).toMatch(
      /^SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;branch=z9hG4bK1234567;rport$/,
    );
    // Future requests still come to the UDP socket.
    expect(register.message.header('contact')).toMatch(/transport=udp>/);
    expect(udp.requests('REGISTER')).toHaveLength(0);
    tcp.reply(register, 200, 'OK');
    const event = await h.next('message');
    expect(event.kind === 'message' && SipMessage.parse(event.message).status).toBe(200);
    // A small one stays on UDP.
    await h.gateway.send({ accountId: 'acc-1', message: sipJsRegister({ branch: 'z9hG4bKsmall', cseq: 2 }) });
    await udp.waitFor(isRegister);
  });

  it('falls back to UDP for a large request when the server takes no TCP', async () => {
    const udp = await server('udp');
    const h = harness();
    await connected(h, 'udp', udp.port);
    await h.gateway.send({
      accountId: 'acc-1',
      message: sipJsRegister({ extra: [`X-Padding: ${'p'.repeat(1400)}`] }),
    });
    const register = await udp.waitFor(isRegister);
    expect(register.message.header('via')).toMatch(/^SIP\/2\.0\/UDP /);
    expect(register.raw.length).toBeGreaterThan(1300);
  });
});

describe('address policy', () => {
  it('sends a request only to the account’s server, whatever its Request-URI or Route say', async () => {
    const srv = await server('udp');
    const victim = await server('udp');
    const victimTcp = await server('tcp', { port: victim.port });
    const h = harness();
    await connected(h, 'udp', srv.port);
    const aimed = [
      `MESSAGE sip:victim@127.0.0.1:${victim.port} SIP/2.0`,
      'Via: SIP/2.0/UDP k3j4h5g6f7d8.invalid;branch=z9hG4bKaim',
      `Route: <sip:127.0.0.1:${victim.port};lr>`,
      'Max-Forwards: 70',
      'From: <sip:1001@127.0.0.1>;tag=1',
      `To: <sip:victim@127.0.0.1:${victim.port}>`,
      'Call-ID: aimed',
      'CSeq: 1 MESSAGE',
      'Content-Type: text/plain',
      'Content-Length: 5',
      '',
      'hello',
    ].join('\r\n');
    await h.gateway.send({ accountId: 'acc-1', message: aimed });
    const arrived = await srv.waitFor((r) => r.message.method === 'MESSAGE');
    expect(arrived.message.startLine).toMatchObject({ uri: `sip:victim@127.0.0.1:${victim.port}` });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(victim.received).toHaveLength(0);
    expect(victimTcp.received).toHaveLength(0);
  });

  it('refuses to connect to a server that is not one of the account’s', async () => {
    const srv = await server('udp');
    const h = harness({ account: undefined });
    const result = await h.gateway.connect(request('udp', srv.port));
    expect(result).toMatchObject({ ok: false, error: { kind: 'not-allowed' } });
    expect(srv.received).toHaveLength(0);
  });

  it('refuses a transport other than the account’s', async () => {
    const srv = await server('udp');
    const h = harness({ account: { transport: 'tcp', server: `127.0.0.1:${srv.port}` } });
    expect(await h.gateway.connect(request('udp', srv.port))).toMatchObject({
      ok: false,
      error: { kind: 'not-allowed' },
    });
  });

  it('a name that does not resolve is a DNS error', async () => {
    const noRecords: DnsClient = { naptr: async () => [], srv: async () => [], addresses: async () => [] };
    const h = harness({ dns: noRecords });
    const result = await h.gateway.connect({
      accountId: 'acc-1',
      transport: 'udp',
      server: 'pbx.ringline.test',
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'dns' } });
  });
});

describe('SIP over TCP', () => {
  it('a refused port is reported as unreachable', async () => {
    const srv = await server('tcp');
    const port = srv.port;
    await srv.close();
    const h = harness();
    const result = await h.gateway.connect(request('tcp', port));
    expect(result).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect(result.ok ? '' : 'detail' in result.error ? result.error.detail : '').toMatch(/ECONNREFUSED/);
  });

  it('pings with a double CRLF and answers the server’s ping with a CRLF (RFC 5626)', async () => {
    const srv = await server('tcp');
    const h = harness({ timing: { ...FAST, streamKeepAliveMs: [150, 200] } });
    await connected(h, 'tcp', srv.port);
    await srv.until(() => srv.pings >= 2, 3000);
    srv.sendRaw('\r\n\r\n');
    await srv.until(() => srv.pongs >= 1, 3000);
    expect(h.events).toEqual([]);
  });

  it('no pong within the pong timeout: the flow is dead and the connection closed', async () => {
    const srv = await server('tcp', { answerPings: false });
    const h = harness({ timing: { ...FAST, streamKeepAliveMs: [150, 200], pongTimeoutMs: 400 } });
    await connected(h, 'tcp', srv.port);
    const closed = await h.next('closed', () => true, 3000);
    expect(closed.kind === 'closed' && closed.reason).toMatch(/no keep-alive pong/);
  });

  it('frames messages split across segments and several in one segment', async () => {
    const srv = await server('tcp');
    const h = harness();
    await connected(h, 'tcp', srv.port);
    await h.gateway.send({ accountId: 'acc-1', message: sipJsRegister() });
    const register = await srv.waitFor(isRegister);
    expect(register.message.header('via')).toMatch(
      /^SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;branch=z9hG4bK1234567;rport$/,
    );
    expect(register.message.header('contact')).toMatch(/;transport=tcp>;expires=300$/);
    const first = srv.responseText(register.message, 100, 'Trying', register.from);
    const second = srv.responseText(register.message, 200, 'OK', register.from);
    srv.sendRaw(first.slice(0, 30));
    await new Promise((resolve) => setTimeout(resolve, 50));
    srv.sendRaw(first.slice(30) + second);
    const statuses = [await h.next('message'), await h.next('message')].map((e) =>
      e.kind === 'message' ? SipMessage.parse(e.message).status : 0,
    );
    expect(statuses).toEqual([100, 200]);
  });

  it('drops a framed but malformed message with a log line and keeps the connection', async () => {
    const srv = await server('tcp');
    const h = harness();
    await connected(h, 'tcp', srv.port);
    srv.sendRaw('GARBAGE LINE WITHOUT A VERSION\r\nContent-Length: 3\r\n\r\nabc');
    srv.sendRaw(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP x;branch=z9hG4bKq\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
    );
    await h.next('message');
    expect(h.logs.some((line) => line.startsWith('warn:') && line.includes('malformed'))).toBe(true);
    expect(h.events.filter((event) => event.kind === 'closed')).toEqual([]);
  });

  it('closes a stream that cannot be framed (no Content-Length) and says so', async () => {
    const srv = await server('tcp');
    const h = harness();
    await connected(h, 'tcp', srv.port);
    srv.sendRaw('SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP x;branch=z9hG4bKq\r\nCSeq: 1 OPTIONS\r\n\r\n');
    const closed = await h.next('closed');
    expect(closed.kind === 'closed' && closed.reason).toMatch(/unframeable stream/);
  });

  it('the server closing the connection is a closed event; disconnect closes our socket', async () => {
    const srv = await server('tcp');
    const h = harness();
    await connected(h, 'tcp', srv.port);
    await srv.until(() => srv.connections === 1);
    srv.dropConnections();
    await h.next('closed');
    await connected(h, 'tcp', srv.port);
    await srv.until(() => srv.connections === 1);
    await h.gateway.disconnect('acc-1');
    await srv.until(() => srv.connections === 0);
    expect(h.events.filter((event) => event.kind === 'closed')).toEqual([]);
  });
});

describe('SIP over TLS', () => {
  let certs: TestCertificates;
  beforeAll(async () => {
    certs = await makeTestCertificates();
  });

  const trustingCa = () => ({ ca: [certs.ca], store: 'system' as const });

  it('connects to a server whose certificate chains to a trusted root and names the server', async () => {
    const srv = await server('tls', { tls: certs.signed });
    const h = harness({ trustStore: trustingCa });
    const result = await h.gateway.connect(request('tls', srv.port));
    expect(result).toMatchObject({ ok: true, connection: { transport: 'tls' } });
    await h.gateway.send({ accountId: 'acc-1', message: sipJsRegister() });
    const register = await srv.waitFor(isRegister);
    expect(register.message.header('via')).toMatch(/^SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;/);
    expect(register.message.header('contact')).toMatch(/;transport=tls>/);
  });

  it('refuses an untrusted certificate with its SHA-256, sending nothing', async () => {
    const srv = await server('tls', { tls: certs.selfSigned });
    const h = harness({ trustStore: trustingCa });
    const result = await h.gateway.connect(request('tls', srv.port));
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'certificate',
        problem: {
          kind: 'untrusted',
          accountId: 'acc-1',
          host: `127.0.0.1:${srv.port}`,
          sha256: certs.selfSigned.sha256,
        },
      },
    });
    expect(srv.received).toHaveLength(0);
  });

  it('accepts exactly the certificate the user pinned for that host:port, and reports a different one as changed', async () => {
    const srv = await server('tls', { tls: certs.selfSigned });
    const pin: TrustedCertificate = { host: `127.0.0.1:${srv.port}`, sha256: certs.selfSigned.sha256 };
    const account = { transport: 'tls' as const, server: `127.0.0.1:${srv.port}`, trustedCertificate: pin };
    const h = harness({ trustStore: trustingCa, account });
    expect(await h.gateway.connect(request('tls', srv.port))).toMatchObject({ ok: true });

    const other = await server('tls', { tls: certs.otherSelfSigned });
    const moved = {
      ...account,
      server: `127.0.0.1:${other.port}`,
      trustedCertificate: { ...pin, host: `127.0.0.1:${other.port}` },
    };
    const h2 = harness({ trustStore: trustingCa, account: moved });
    const result = await h2.gateway.connect(request('tls', other.port));
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'certificate',
        problem: {
          kind: 'changed',
          sha256: certs.otherSelfSigned.sha256,
          pinnedSha256: certs.selfSigned.sha256,
        },
      },
    });
    expect(other.received).toHaveLength(0);
  });

  it('checks a server found through SRV against the configured domain, never the SRV target (RFC 5922 §4)', async () => {
    const srv = await server('tls', { tls: certs.signed });
    /** `domain`'s `_sips._tcp` SRV record leads to `target`, which is this test's server. */
    const srvTo = (domain: string, target: string): DnsClient => ({
      naptr: async () => [],
      srv: async (name) =>
        name === `_sips._tcp.${domain}` ? [{ name: target, port: srv.port, priority: 10, weight: 0 }] : [],
      addresses: async (host) => (host === target ? [{ address: '127.0.0.1', family: 4 }] : []),
    });
    const connectTo = (h: Harness, server: string) =>
      h.gateway.connect({ accountId: 'acc-1', transport: 'tls', server });

    // The certificate (chained to a trusted root) names sip.ringline.test, where ringline.test's SRV
    // record leads, but not ringline.test: whoever forges the SRV record picks its target.
    const spoofable = harness({
      trustStore: trustingCa,
      account: { transport: 'tls', server: 'ringline.test' },
      dns: srvTo('ringline.test', 'sip.ringline.test'),
    });
    const refused = await connectTo(spoofable, 'ringline.test');
    expect(refused).toMatchObject({
      ok: false,
      error: {
        kind: 'certificate',
        problem: {
          kind: 'untrusted',
          host: `ringline.test:${srv.port}`,
          srvTarget: `sip.ringline.test:${srv.port}`,
          sha256: certs.signed.sha256,
          error: expect.stringMatching(/ERR_TLS_CERT_ALTNAME_INVALID/),
        },
      },
    });
    expect(srv.received).toHaveLength(0);

    // It names localhost, whose SRV record leads to another name: accepted for the domain's sake.
    const named = harness({
      trustStore: trustingCa,
      account: { transport: 'tls', server: 'localhost' },
      dns: srvTo('localhost', 'sip2.elsewhere.test'),
    });
    expect(await connectTo(named, 'localhost')).toMatchObject({
      ok: true,
      connection: { transport: 'tls', remote: `127.0.0.1:${srv.port}` },
    });
    expect(named.logs).toContainEqual(
      expect.stringContaining(`-> 127.0.0.1:${srv.port} (localhost; SRV sip2.elsewhere.test:${srv.port})`),
    );
  });

  it('refuses a trusted certificate that does not name the server (RFC 5922)', async () => {
    const srv = await server('tls', { tls: certs.signed });
    const account = { transport: 'tls' as const, server: `127.0.0.1:${srv.port}` };
    const h = harness({
      trustStore: trustingCa,
      account,
      // The configured name is one the certificate does not carry; the address it resolves to is ours.
      dns: {
        naptr: async () => [],
        srv: async () => [],
        addresses: async () => [{ address: '127.0.0.1', family: 4 }],
      },
    });
    const named = { ...account, server: `wrong.ringline.test:${srv.port}` };
    const h2 = harness({
      trustStore: trustingCa,
      account: named,
      dns: {
        naptr: async () => [],
        srv: async () => [],
        addresses: async () => [{ address: '127.0.0.1', family: 4 }],
      },
    });
    expect(await h.gateway.connect(request('tls', srv.port))).toMatchObject({ ok: true });
    const result = await h2.gateway.connect({ accountId: 'acc-1', transport: 'tls', server: named.server });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'certificate', problem: { kind: 'untrusted', host: named.server } },
    });
  });
});

describe('media hook', () => {
  it('sees every message in order in both directions, with the socket facts it needs', async () => {
    const srv = await server('udp');
    const seen: string[] = [];
    const contexts: SipMediaContext[] = [];
    let closed = 0;
    const hook: SipMediaHook = {
      outbound: async (message, context) => {
        // A slow first message must not let the second overtake it.
        if (message.cseq?.number === 1) await new Promise((resolve) => setTimeout(resolve, 100));
        seen.push(`out ${message.method} ${message.cseq?.number}`);
        contexts.push(context);
        return message;
      },
      inbound: async (message, context) => {
        seen.push(`in ${message.status}`);
        contexts.push(context);
        return message;
      },
      close: async () => {
        closed += 1;
      },
    };
    const h = harness({ mediaHook: () => hook });
    await connected(h, 'udp', srv.port);
    await Promise.all([
      h.gateway.send({ accountId: 'acc-1', message: sipJsRegister({ branch: 'z9hG4bKa', cseq: 1 }) }),
      h.gateway.send({ accountId: 'acc-1', message: sipJsRegister({ branch: 'z9hG4bKb', cseq: 2 }) }),
    ]);
    expect(seen).toEqual(['out REGISTER 1', 'out REGISTER 2']);
    const first = await srv.waitFor((r) => isRegister(r) && r.message.cseq?.number === 1);
    srv.reply(first, 200, 'OK');
    await h.next('message');
    expect(seen).toEqual(['out REGISTER 1', 'out REGISTER 2', 'in 200']);
    expect(contexts[0]).toEqual({ accountId: 'acc-1', transport: 'udp', localAddress: '127.0.0.1' });
    await h.gateway.disconnect('acc-1');
    expect(closed).toBe(1);
  });

  it('one hook serves the account across a lost connection and its reconnection; closed with the account', async () => {
    const srv = await server('tcp');
    let made = 0;
    let closed = 0;
    const h = harness({
      mediaHook: () => {
        made += 1;
        return { ...identityMediaHook(), close: async () => void (closed += 1) };
      },
    });
    await connected(h, 'tcp', srv.port);
    await srv.until(() => srv.connections === 1);
    srv.dropConnections();
    await h.next('closed');
    await connected(h, 'tcp', srv.port);
    expect({ made, closed }).toEqual({ made: 1, closed: 0 });
    await h.gateway.disconnect('acc-1');
    expect({ made, closed }).toEqual({ made: 1, closed: 1 });
  });
});
