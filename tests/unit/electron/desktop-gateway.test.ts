import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Account, CertificateProblem, GatewayEvent } from '../../../electron/common/contract';
import { CertificateTrust, accountUsesHost } from '../../../electron/main/certificate-trust';
import { accountServer, DesktopGateway } from '../../../electron/main/desktop-gateway';
import { loginItemSetter } from '../../../electron/main/login-item';
import { sipJsRegister, TestSipServer } from '../gateway/test-sip-server';

function account(fields: Partial<Account> & { id: string }): Account {
  return {
    displayName: '',
    sipUri: 'sip:1001@example.com',
    authUser: '1001',
    wssUrl: '',
    hasPassword: true,
    ...fields,
  };
}

const udp = account({
  id: 'u1',
  transport: 'udp',
  sipServer: 'pbx.example.com',
  fallbackSipServers: ['10.0.0.2:5080'],
});
const wss = account({ id: 'w1', wssUrl: 'wss://pbx.example.com/ws' });

describe('accountServer: the renderer names an account and one of its servers, never an address', () => {
  it("allows the account's own servers with the account's transport", () => {
    expect(accountServer([udp], 'u1', { transport: 'udp', server: 'pbx.example.com' })).toEqual({
      transport: 'udp',
      server: 'pbx.example.com',
    });
    expect(accountServer([udp], 'u1', { transport: 'udp', server: '10.0.0.2:5080' })).toMatchObject({
      server: '10.0.0.2:5080',
    });
  });

  it('refuses another server, another transport, an unknown or a WSS account', () => {
    expect(accountServer([udp], 'u1', { transport: 'udp', server: '198.51.100.66' })).toBeUndefined();
    expect(accountServer([udp], 'u1', { transport: 'tcp', server: 'pbx.example.com' })).toBeUndefined();
    expect(accountServer([udp], 'nobody', { transport: 'udp', server: 'pbx.example.com' })).toBeUndefined();
    expect(accountServer([wss], 'w1', { transport: 'tls', server: 'pbx.example.com' })).toBeUndefined();
  });

  it("hands the gateway the account's pinned certificate", () => {
    const pin = { host: 'pbx.example.com:5061', sha256: 'AB:CD' };
    const tls = account({
      id: 't1',
      transport: 'tls',
      sipServer: 'pbx.example.com',
      trustedCertificate: pin,
    });
    expect(
      accountServer([tls], 't1', { transport: 'tls', server: 'pbx.example.com' })?.trustedCertificate,
    ).toEqual(pin);
  });
});

describe('DesktopGateway', () => {
  const servers: TestSipServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  function quietLog() {
    return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  }

  it("sends the server's messages to the window and closes an account's sockets when it is removed", async () => {
    const server = await TestSipServer.start('tcp');
    servers.push(server);
    let accounts = [account({ id: 'a1', transport: 'tcp', sipServer: `127.0.0.1:${server.port}` })];
    const events: GatewayEvent[] = [];
    const desktop = new DesktopGateway({
      accounts: () => accounts,
      certificateProblem: vi.fn(),
      send: (event) => void events.push(event),
      log: quietLog(),
    });
    expect(
      await desktop.api.connect({ accountId: 'a1', transport: 'tcp', server: `127.0.0.1:${server.port}` }),
    ).toMatchObject({ ok: true });
    await desktop.api.send({ accountId: 'a1', message: sipJsRegister() });
    const register = await server.waitFor((r) => r.message.method === 'REGISTER');
    server.reply(register, 200, 'OK');
    await vi.waitFor(() => expect(events.map((e) => e.kind)).toEqual(['message']));

    accounts = [];
    desktop.accountsChanged(accounts);
    await server.until(() => server.connections === 0);
    await expect(desktop.api.send({ accountId: 'a1', message: sipJsRegister() })).rejects.toThrow();
    // Gone for good: its server is no longer one of its own.
    expect(
      await desktop.api.connect({ accountId: 'a1', transport: 'tcp', server: `127.0.0.1:${server.port}` }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'not-allowed' },
    });
  });

  it('closes every connection when the renderer goes away', async () => {
    const server = await TestSipServer.start('tcp');
    servers.push(server);
    const accounts = [account({ id: 'a1', transport: 'tcp', sipServer: `127.0.0.1:${server.port}` })];
    const desktop = new DesktopGateway({
      accounts: () => accounts,
      certificateProblem: vi.fn(),
      send: vi.fn(),
      log: quietLog(),
    });
    await desktop.api.connect({ accountId: 'a1', transport: 'tcp', server: `127.0.0.1:${server.port}` });
    await server.until(() => server.connections === 1);
    await desktop.rendererGone();
    await server.until(() => server.connections === 0);
  });
});

describe('certificate trust for TLS accounts', () => {
  const tls = account({
    id: 't1',
    transport: 'tls',
    sipServer: 'pbx.example.com',
    fallbackSipServers: ['[2001:db8::1]:5062'],
  });
  const sha256 = Array.from({ length: 32 }, () => 'AB').join(':');

  it("a pin's host:port belongs to a TLS account when it names one of its servers", () => {
    expect(accountUsesHost(tls, 'pbx.example.com:5061')).toBe(true);
    expect(accountUsesHost(tls, 'pbx.example.com:443')).toBe(true);
    expect(accountUsesHost(tls, '[2001:db8::1]:5062')).toBe(true);
    expect(accountUsesHost(tls, '[2001:db8::1]:5061')).toBe(false);
    expect(accountUsesHost(tls, 'evil.example.com:5061')).toBe(false);
    expect(accountUsesHost({ ...tls, transport: 'udp' }, 'pbx.example.com:5061')).toBe(false);
    expect(accountUsesHost(wss, 'pbx.example.com:443')).toBe(true);
  });

  it('pins a certificate the gateway reported, and only that one', async () => {
    const reported: CertificateProblem[] = [];
    const pin = vi.fn(async (id: string, trusted) => ({ ...tls, id, trustedCertificate: trusted }));
    const trust = new CertificateTrust({
      accounts: () => [tls],
      pin,
      report: (p) => void reported.push(p),
      warn: vi.fn(),
    });
    await expect(trust.trust({ accountId: 't1', sha256 })).rejects.toThrow(/not presented/);
    const problem: CertificateProblem = {
      kind: 'untrusted',
      accountId: 't1',
      host: 'pbx.example.com:5061',
      sha256,
      error: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    };
    trust.report(problem);
    expect(reported).toEqual([problem]);
    const updated = await trust.trust({ accountId: 't1', sha256 });
    expect(pin).toHaveBeenCalledWith('t1', { host: 'pbx.example.com:5061', sha256 });
    expect(updated.trustedCertificate?.sha256).toBe(sha256);
  });
});

describe('start at login', () => {
  it("uses Electron's setting on macOS and Windows", () => {
    const setLoginItemSettings = vi.fn();
    loginItemSetter({
      platform: 'darwin',
      setLoginItemSettings,
      configHome: '/x',
      appImage: undefined,
      execPath: '/app',
      defaultApp: false,
      argv: [],
      warn: vi.fn(),
    })(true);
    expect(setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true });
  });
});
