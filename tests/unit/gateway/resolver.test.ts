import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDnsClient, type SrvAnswer } from '../../../electron/gateway/sip-transport/dns-client';
import { orderSrv, SipResolver, SipServerNotFound } from '../../../electron/gateway/sip-transport/resolver';

describe('orderSrv (RFC 2782)', () => {
  const srv = (name: string, priority: number, weight: number): SrvAnswer => ({
    name,
    port: 5060,
    priority,
    weight,
  });

  it('tries lower priorities first', () => {
    const ordered = orderSrv([srv('c', 20, 0), srv('a', 10, 0), srv('b', 15, 0)], () => 0.5);
    expect(ordered.map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('picks within one priority in proportion to weight', () => {
    const records = [srv('heavy', 10, 90), srv('light', 10, 10)];
    let state = 1;
    // A fixed pseudo-random sequence, so the test is repeatable.
    const random = (): number => {
      state = (state * 48_271) % 2_147_483_647;
      return state / 2_147_483_647;
    };
    let heavyFirst = 0;
    for (let run = 0; run < 2000; run++) if (orderSrv(records, random)[0]?.name === 'heavy') heavyFirst++;
    expect(heavyFirst / 2000).toBeGreaterThan(0.84);
    expect(heavyFirst / 2000).toBeLessThan(0.96);
  });

  it('drops the "." target (service decidedly not available)', () => {
    expect(orderSrv([srv('.', 0, 0)])).toEqual([]);
  });
});

/**
 * The resolver against a real DNS server: Debian's dnsmasq on a free loopback port, answering NAPTR,
 * SRV and A records for a lab domain, as the e2e lab does.
 */
const DNSMASQ = spawnSync('sh', ['-c', 'command -v dnsmasq || ls /usr/sbin/dnsmasq'], {
  encoding: 'utf8',
}).stdout.trim();

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('SipResolver with a real DNS server (dnsmasq)', () => {
  let dnsmasq: ChildProcess | undefined;
  let resolver: SipResolver;
  const env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    if (DNSMASQ === '')
      throw new Error('dnsmasq is not installed: run tests/lab/ensure-deps.sh (Debian: dnsmasq-base)');
    const port = await freeUdpPort();
    dnsmasq = spawn(
      DNSMASQ,
      [
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        '--no-resolv',
        '--no-hosts',
        '--bind-interfaces',
        '--listen-address=127.0.0.1',
        `--port=${port}`,
        '--pid-file=',
        `--user=${process.getuid?.() === 0 ? 'root' : (process.env['USER'] ?? 'nobody')}`,
        '--local=/ringline.test/',
        // srv.ringline.test: NAPTR -> a provider-named SRV for UDP; SRV for TCP at two priorities.
        '--naptr-record=srv.ringline.test,10,10,S,SIP+D2U,,_sip._udp.edge.srv.ringline.test',
        '--srv-host=_sip._udp.edge.srv.ringline.test,sip-a.ringline.test,5070,10,0',
        '--srv-host=_sip._tcp.srv.ringline.test,sip-b.ringline.test,5071,20,0',
        '--srv-host=_sip._tcp.srv.ringline.test,sip-a.ringline.test,5072,10,0',
        '--srv-host=_sips._tcp.srv.ringline.test,sip-b.ringline.test,5073,10,0',
        '--host-record=sip-a.ringline.test,127.0.0.2',
        '--host-record=sip-b.ringline.test,127.0.0.3',
        // plain.ringline.test: only an address, so 5060/5061.
        '--host-record=plain.ringline.test,127.0.0.4',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    env['RINGLINE_DNS_SERVER'] = `127.0.0.1:${port}`;
    resolver = new SipResolver(systemDnsClient(env));
    // Ready once it answers.
    for (let attempt = 0; attempt < 50; attempt++) {
      if (
        (
          await systemDnsClient(env)
            .addresses('plain.ringline.test')
            .catch(() => [])
        ).length > 0
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('dnsmasq did not start');
  });

  afterAll(() => {
    dnsmasq?.kill();
  });

  it('follows NAPTR to the SRV record it names for UDP, then its A record', async () => {
    const targets = await resolver.resolve('srv.ringline.test', 'udp');
    expect(targets).toEqual([
      { address: '127.0.0.2', family: 4, port: 5070, hostName: 'sip-a.ringline.test', source: 'srv' },
    ]);
  });

  it('without a NAPTR record for the transport, uses the standard SRV name, by priority', async () => {
    const targets = await resolver.resolve('srv.ringline.test', 'tcp');
    expect(targets.map((t) => `${t.hostName}:${t.port}`)).toEqual([
      'sip-a.ringline.test:5072',
      'sip-b.ringline.test:5071',
    ]);
    const tls = await resolver.resolve('srv.ringline.test', 'tls');
    expect(tls.map((t) => `${t.address}:${t.port}`)).toEqual(['127.0.0.3:5073']);
  });

  it('with no SRV, uses the A record on 5060 (5061 for TLS)', async () => {
    expect(
      (await resolver.resolve('plain.ringline.test', 'udp')).map((t) => `${t.address}:${t.port}:${t.source}`),
    ).toEqual(['127.0.0.4:5060:address']);
    expect((await resolver.resolve('plain.ringline.test', 'tls'))[0]?.port).toBe(5061);
  });

  it('host:port skips NAPTR and SRV (RFC 3263 §4.2)', async () => {
    await expect(resolver.resolve('srv.ringline.test:7000', 'udp')).rejects.toBeInstanceOf(SipServerNotFound);
    expect((await resolver.resolve('sip-a.ringline.test:7000', 'udp'))[0]).toMatchObject({
      address: '127.0.0.2',
      port: 7000,
    });
  });

  it('a numeric address is used as is, without any query', async () => {
    expect(await resolver.resolve('10.1.2.3', 'tcp')).toEqual([
      { address: '10.1.2.3', family: 4, port: 5060, hostName: '10.1.2.3', source: 'numeric' },
    ]);
    expect((await resolver.resolve('[2001:db8::5]:5080', 'udp'))[0]).toMatchObject({
      address: '2001:db8::5',
      family: 6,
      port: 5080,
    });
  });

  it('a name that does not exist is SipServerNotFound', async () => {
    await expect(resolver.resolve('nothing.ringline.test', 'udp')).rejects.toBeInstanceOf(SipServerNotFound);
  });

  it('lookup lists every way to reach a domain, in NAPTR order, for the assistant', async () => {
    const lookup = await resolver.lookup('srv.ringline.test');
    expect(lookup.targets).toEqual([
      { transport: 'udp', host: 'sip-a.ringline.test', port: 5070, source: 'srv' },
    ]);
    const plain = await resolver.lookup('plain.ringline.test');
    expect(plain.targets.map((t) => `${t.transport}:${t.port}:${t.source}`)).toEqual([
      'udp:5060:address',
      'tcp:5060:address',
      'tls:5061:address',
    ]);
    const none = await resolver.lookup('nothing.ringline.test');
    expect(none.targets).toEqual([]);
    expect(none.error).toMatch(/no SIP service records/);
  });
});
