import { TransportState } from 'sip.js';
import type { Logger } from 'sip.js/lib/core';
import { describe, expect, it, vi } from 'vitest';
import type { GatewayConnectRequest, GatewayConnectResult, GatewayEvent } from '@common/contract';
import { parseBackupSipServers } from '../../../renderer/src/accounts/fallback-servers';
import {
  GatewayConnectFailure,
  GatewayTransport,
  registrationErrorForGateway,
  type GatewayPort,
} from '../../../renderer/src/sip/gateway-transport';
import { ReconnectPolicy } from '../../../renderer/src/sip/reconnect-policy';
import { ConnectFailure, Reconnector, type ConnectionStatus } from '../../../renderer/src/sip/reconnector';

const logger = { log: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() } as unknown as Logger;

/** The host's gateway as the transport sees it: answers scripted by the test, events fired by it. */
function gatewayPort(answers: GatewayConnectResult[] = []) {
  const listeners = new Set<(event: GatewayEvent) => void>();
  const connects: GatewayConnectRequest[] = [];
  const sent: string[] = [];
  const port: GatewayPort = {
    connect: async (request) => {
      connects.push(request);
      return (
        answers.shift() ?? {
          ok: true,
          connection: {
            transport: request.transport,
            server: request.server,
            remote: '127.0.0.1:5060',
            local: '127.0.0.1:40000',
          },
        }
      );
    },
    send: async (request) => void sent.push(request.message),
    disconnect: vi.fn(async () => undefined),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    port,
    connects,
    sent,
    fire: (event: GatewayEvent) => listeners.forEach((listener) => listener(event)),
    listeners,
  };
}

function transport(port: GatewayPort, server = 'pbx.example.com'): GatewayTransport {
  return new GatewayTransport(logger, { gateway: port, accountId: 'a1', transport: 'udp', server });
}

describe('GatewayTransport', () => {
  it('connects through the gateway to the account and server it was given, then carries messages', async () => {
    const gateway = gatewayPort();
    const t = transport(gateway.port);
    const onConnect = vi.fn();
    t.onConnect = onConnect;
    expect(t.state).toBe(TransportState.Disconnected);
    expect(t.protocol).toBe('UDP');
    await t.connect();
    expect(gateway.connects).toEqual([{ accountId: 'a1', transport: 'udp', server: 'pbx.example.com' }]);
    expect(t.state).toBe(TransportState.Connected);
    expect(onConnect).toHaveBeenCalledTimes(1);
    await t.send('OPTIONS sip:x SIP/2.0\r\n\r\n');
    expect(gateway.sent).toEqual(['OPTIONS sip:x SIP/2.0\r\n\r\n']);
  });

  it("delivers only its own account's messages, and only while connected", async () => {
    const gateway = gatewayPort();
    const t = transport(gateway.port);
    const received: string[] = [];
    t.onMessage = (message) => void received.push(message);
    gateway.fire({ kind: 'message', accountId: 'a1', message: 'early' });
    await t.connect();
    gateway.fire({ kind: 'message', accountId: 'other', message: 'not ours' });
    gateway.fire({ kind: 'message', accountId: 'a1', message: 'SIP/2.0 200 OK' });
    expect(received).toEqual(['SIP/2.0 200 OK']);
  });

  it('a connection the gateway lost is a disconnect with an error; one we closed has none', async () => {
    const gateway = gatewayPort();
    const t = transport(gateway.port);
    const onDisconnect = vi.fn();
    t.onDisconnect = onDisconnect;
    await t.connect();
    gateway.fire({ kind: 'closed', accountId: 'a1', reason: 'no keep-alive pong' });
    expect(t.state).toBe(TransportState.Disconnected);
    expect(onDisconnect.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    expect(String(onDisconnect.mock.calls[0]?.[0])).toMatch(/no keep-alive pong/);
    await t.connect();
    await t.disconnect();
    expect(onDisconnect.mock.calls[1]).toEqual([]);
    expect(gateway.port.disconnect).toHaveBeenCalledWith('a1');
    await expect(t.send('x')).rejects.toThrow(/not connected/);
  });

  it('a refused connect rejects with the reason, and the next connect goes to the server set meanwhile', async () => {
    const gateway = gatewayPort([
      { ok: false, error: { kind: 'dns', detail: 'pbx.example.com: no address found' } },
    ]);
    const t = transport(gateway.port);
    const failure = await t.connect().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayConnectFailure);
    expect((failure as GatewayConnectFailure).error.kind).toBe('dns');
    expect(t.state).toBe(TransportState.Disconnected);
    t.setServer('backup.example.com:5080');
    await t.connect();
    expect(gateway.connects.map((c) => c.server)).toEqual(['pbx.example.com', 'backup.example.com:5080']);
  });

  it('disconnecting while the gateway connects leaves it disconnected and closes what opened', async () => {
    let answer: (result: GatewayConnectResult) => void = () => undefined;
    const gateway = gatewayPort();
    gateway.port.connect = () => new Promise((resolve) => (answer = resolve));
    const t = transport(gateway.port);
    const connecting = t.connect().catch((error: unknown) => error);
    const disconnecting = t.disconnect();
    answer({
      ok: true,
      connection: { transport: 'udp', server: 'x', remote: '1.2.3.4:5060', local: '5.6.7.8:1' },
    });
    expect(await connecting).toBeInstanceOf(Error);
    await disconnecting;
    expect(t.state).toBe(TransportState.Disconnected);
    expect(gateway.port.disconnect).toHaveBeenCalledWith('a1');
  });

  it('stops listening to the gateway once disposed', async () => {
    const gateway = gatewayPort();
    const t = transport(gateway.port);
    await t.dispose();
    expect(gateway.listeners.size).toBe(0);
  });
});

describe('connect errors in words', () => {
  it('maps every gateway refusal to a registration error the status can show', () => {
    expect(registrationErrorForGateway({ kind: 'dns', detail: 'd' })).toEqual({
      kind: 'server-not-found',
      detail: 'd',
    });
    expect(registrationErrorForGateway({ kind: 'unreachable', detail: 'ECONNREFUSED' }).kind).toBe(
      'no-answer',
    );
    expect(registrationErrorForGateway({ kind: 'timeout', detail: 't' }).kind).toBe('connect-timeout');
    expect(registrationErrorForGateway({ kind: 'no-gateway', detail: 'n' }).kind).toBe('gateway-unavailable');
    expect(registrationErrorForGateway({ kind: 'not-allowed', detail: 'n' }).kind).toBe('not-allowed');
    expect(
      registrationErrorForGateway({
        kind: 'certificate',
        problem: { kind: 'untrusted', accountId: 'a', host: 'h:5061', sha256: 'AB', error: 'e' },
      }).kind,
    ).toBe('certificate');
    // Its own words: a certificate that changed since it was trusted is not one never seen before.
    expect(
      registrationErrorForGateway({
        kind: 'certificate',
        problem: {
          kind: 'changed',
          accountId: 'a',
          host: 'h:5061',
          sha256: 'CD',
          pinnedSha256: 'AB',
          error: 'e',
        },
      }),
    ).toEqual({ kind: 'certificate-changed', detail: 'h:5061 CD' });
  });

  it('the Reconnector reports a ConnectFailure as it is, other failures as "cannot reach"', async () => {
    const statuses: ConnectionStatus[] = [];
    const failures = [
      new ConnectFailure({ kind: 'server-not-found', detail: 'x' }),
      new Error('socket closed'),
    ];
    const reconnector = new Reconnector(
      new ReconnectPolicy(['pbx.example.com'], { random: () => 0.5 }),
      {
        connect: async () => {
          throw failures.shift();
        },
        register: async () => ({ ok: true }),
        reconnected: () => undefined,
      },
      (status) => void statuses.push(status),
      { now: () => 0, setTimeout: () => 1, clearTimeout: () => undefined },
    );
    await reconnector.start();
    expect(statuses.at(-1)).toMatchObject({
      state: 'reconnecting',
      error: { kind: 'server-not-found', detail: 'x' },
    });
    await reconnector.reconnectNow();
    expect(statuses.at(-1)).toMatchObject({
      state: 'reconnecting',
      error: { kind: 'unreachable', detail: 'socket closed' },
    });
    reconnector.stop();
  });
});

describe('backup SIP servers field', () => {
  it('reads host[:port] entries in order, without duplicates, and names the first bad one', () => {
    expect(parseBackupSipServers('sip2.example.com:5080, 10.0.0.2  sip2.example.com:5080')).toEqual({
      ok: true,
      urls: ['sip2.example.com:5080', '10.0.0.2'],
    });
    expect(parseBackupSipServers('ok.example.com, sip:bad.example.com')).toEqual({
      ok: false,
      problem: 'invalid',
      value: 'sip:bad.example.com',
    });
    expect(parseBackupSipServers('a.example.com b.example.com c.example.com d.example.com')).toMatchObject({
      ok: false,
      problem: 'too-many',
    });
  });
});
