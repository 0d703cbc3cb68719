import { describe, expect, it } from 'vitest';
import type {
  ConnectionCandidate,
  GatewayAvailability,
  SipServiceLookup,
  WebSocketProbeResult,
} from '@common/contract';
import {
  runConnectionTest,
  type ConnectionTestDeps,
  type ConnectionTestPlan,
  type ConnectionTestProgress,
} from '../../../renderer/src/accounts/connection-test';
import { connectionCandidates } from '../../../renderer/src/accounts/connection-candidates';
import type { RegistrationCheckOutcome } from '../../../renderer/src/sip/registration-check';

/**
 * The test's logic runs for real; what it talks to (the host's gateway, the page's WebSocket, SIP.js
 * registering) answers as the scenario says, and every call to it is recorded.
 */
function machine(scenario: {
  gateway?: GatewayAvailability;
  lookup?: SipServiceLookup;
  probes?: Record<string, WebSocketProbeResult>;
  opens?: string[];
  registers?: Record<string, RegistrationCheckOutcome>;
  direct?: boolean;
}) {
  const calls = {
    lookups: [] as string[],
    probes: [] as string[],
    opens: [] as string[],
    registers: [] as string[],
  };
  const deps: ConnectionTestDeps = {
    gateway: {
      availability: async () => scenario.gateway ?? { available: false, reason: 'no-local-service' },
      lookup: async (domain) => {
        calls.lookups.push(domain);
        return scenario.lookup ?? { domain, targets: [] };
      },
      probe: async ({ url }) => {
        calls.probes.push(url);
        return scenario.probes?.[url] ?? { stage: 'connect', detail: 'ECONNREFUSED' };
      },
    },
    webSocketAnswers: async (url) => {
      calls.opens.push(url);
      return scenario.opens?.includes(url) ? { ok: true } : { ok: false, detail: 'closed with code 1006' };
    },
    registerWebSocket: async (url) => {
      calls.registers.push(url);
      return scenario.registers?.[url] ?? { ok: false, stage: 'connect', detail: 'closed' };
    },
    ...(scenario.direct
      ? {
          registerDirect: async (transport, server) => {
            calls.registers.push(`${transport} ${server}`);
            return (
              scenario.registers?.[`${transport} ${server}`] ?? {
                ok: false,
                stage: 'connect',
                detail: 'refused',
              }
            );
          },
        }
      : {}),
  };
  return { deps, calls };
}

const assistantPlan = (host: string): ConnectionTestPlan => ({
  lookupDomain: host,
  candidates: (lookup, direct) =>
    connectionCandidates({ host, secure: false, direct, ...(lookup ? { lookup } : {}) }),
});

async function run(plan: ConnectionTestPlan, deps: ConnectionTestDeps, controller = new AbortController()) {
  const snapshots: ConnectionTestProgress[] = [];
  const result = await runConnectionTest(
    plan,
    deps,
    (progress) => snapshots.push(progress),
    controller.signal,
  );
  return { result, snapshots, last: snapshots.at(-1) };
}

const wrongPassword: RegistrationCheckOutcome = {
  ok: false,
  stage: 'register',
  error: { kind: 'wrong-password', statusCode: 401, detail: 'Unauthorized' },
};

describe('runConnectionTest in a browser (no gateway)', () => {
  it('tries every usual address, registers on the first that answers, keeps the others that answered', async () => {
    const { deps, calls } = machine({
      opens: ['wss://pbx.example.com:7443', 'wss://pbx.example.com'],
      registers: { 'wss://pbx.example.com:7443': { ok: true } },
    });
    const { result, snapshots, last } = await run(assistantPlan('pbx.example.com'), deps);

    expect(result).toEqual({
      ok: true,
      winner: { transport: 'wss', url: 'wss://pbx.example.com:7443' },
      others: [{ transport: 'wss', url: 'wss://pbx.example.com' }],
    });
    expect(calls.lookups, 'a page cannot look names up').toEqual([]);
    expect(calls.opens).toHaveLength(5);
    expect(calls.registers).toEqual(['wss://pbx.example.com:7443']);
    expect(last?.lookup).toMatchObject({ domain: 'pbx.example.com', status: 'unavailable' });
    expect(last?.candidates.map((step) => step.status)).toEqual([
      'failed',
      'failed',
      'registered',
      'failed',
      'answered',
    ]);
    expect(last?.candidates[0]?.problem).toEqual({ stage: 'websocket', detail: 'closed with code 1006' });
    // Every step was reported while it happened: the winner was seen connecting, then registering.
    const winnerStates = snapshots.map((snapshot) => snapshot.candidates[2]?.status);
    expect(winnerStates).toEqual(
      expect.arrayContaining(['waiting', 'connecting', 'answered', 'registering']),
    );
  });

  it('stops at a refused password: other addresses of the server are not tried', async () => {
    const { deps, calls } = machine({
      opens: ['wss://pbx.example.com:8089/ws', 'wss://pbx.example.com:7443'],
      registers: {
        'wss://pbx.example.com:8089/ws': wrongPassword,
        'wss://pbx.example.com:7443': { ok: true },
      },
    });
    const { result, last } = await run(assistantPlan('pbx.example.com'), deps);
    expect(result).toEqual({
      ok: false,
      problem: { stage: 'register', error: wrongPassword.error },
      at: { transport: 'wss', url: 'wss://pbx.example.com:8089/ws' },
    });
    expect(calls.registers).toEqual(['wss://pbx.example.com:8089/ws']);
    expect(last?.candidates[2]?.status).toBe('skipped');
  });

  it('goes on after a server error or a timeout, and says the server answered badly when all fail', async () => {
    const serverError: RegistrationCheckOutcome = {
      ok: false,
      stage: 'register',
      error: { kind: 'server-error', statusCode: 503 },
    };
    const timeout: RegistrationCheckOutcome = { ok: false, stage: 'register', error: { kind: 'timeout' } };
    const { deps, calls } = machine({
      opens: ['wss://pbx.example.com/ws', 'wss://pbx.example.com:8089/ws'],
      registers: { 'wss://pbx.example.com/ws': serverError, 'wss://pbx.example.com:8089/ws': timeout },
    });
    const { result } = await run(assistantPlan('pbx.example.com'), deps);
    expect(calls.registers).toEqual(['wss://pbx.example.com/ws', 'wss://pbx.example.com:8089/ws']);
    expect(result).toEqual({
      ok: false,
      problem: { stage: 'register', error: serverError.error },
      at: { transport: 'wss', url: 'wss://pbx.example.com/ws' },
    });
  });

  it('never opens a WebSocket on a port browsers refuse, and says so', async () => {
    const { deps, calls } = machine({});
    const plan: ConnectionTestPlan = {
      candidates: () => [{ transport: 'wss', url: 'wss://pbx.example.com:5060' }],
    };
    const { result } = await run(plan, deps);
    expect(calls.opens).toEqual([]);
    expect(calls.registers).toEqual([]);
    expect(result).toEqual({
      ok: false,
      problem: { stage: 'unsafe-port', port: 5060 },
      at: { transport: 'wss', url: 'wss://pbx.example.com:5060' },
    });
  });

  it('an IP address needs no lookup; direct-only servers need the gateway', async () => {
    const { deps } = machine({});
    const { last } = await run(assistantPlan('127.0.0.1'), deps);
    expect(last?.lookup?.status).toBe('not-needed');
    const udpOnly: ConnectionTestPlan = {
      candidates: () => [{ transport: 'udp', server: 'pbx.example.com:5060' }],
    };
    expect((await run(udpOnly, machine({ direct: true }).deps)).result).toEqual({
      ok: false,
      problem: { stage: 'needs-gateway' },
    });
  });

  it('can be stopped', async () => {
    const controller = new AbortController();
    const { deps } = machine({ opens: ['wss://pbx.example.com/ws'] });
    deps.registerWebSocket = async () => {
      controller.abort();
      return { ok: false, stage: 'connect', detail: 'cancelled' };
    };
    const { result } = await run(assistantPlan('pbx.example.com'), deps, controller);
    expect(result).toEqual({ ok: false, cancelled: true });
  });
});

describe('runConnectionTest with the gateway', () => {
  const gateway: GatewayAvailability = { available: true };

  it('stops when DNS does not know the name', async () => {
    const { deps, calls } = machine({
      gateway,
      lookup: { domain: 'nowhere.invalid', targets: [], error: 'NXDOMAIN' },
    });
    const { result, last } = await run(assistantPlan('nowhere.invalid'), deps);
    expect(result).toEqual({ ok: false, problem: { stage: 'dns', detail: 'NXDOMAIN' } });
    expect(last?.lookup).toMatchObject({ status: 'not-found', detail: 'NXDOMAIN' });
    expect(calls.probes).toEqual([]);
  });

  it('probes instead of opening, and reports the most telling problem: the untrusted certificate', async () => {
    const sha256 = Array.from({ length: 32 }, () => 'AB').join(':');
    const { deps, calls } = machine({
      gateway,
      lookup: {
        domain: 'example.com',
        targets: [{ transport: 'udp', host: 'example.com', port: 5060, source: 'address' }],
      },
      probes: {
        'wss://example.com/ws': { stage: 'upgrade', detail: 'Not Found', httpStatus: 404 },
        'wss://example.com:8089/ws': { stage: 'tls', detail: 'self-signed certificate', sha256 },
      },
    });
    const { result, last } = await run(assistantPlan('example.com'), deps);
    expect(calls.opens, 'the page itself opens nothing').toEqual([]);
    expect(calls.probes).toHaveLength(5);
    expect(last?.lookup).toMatchObject({
      status: 'found',
      targets: [expect.objectContaining({ port: 5060 })],
    });
    expect(last?.candidates[0]?.problem).toEqual({ stage: 'upgrade', detail: 'Not Found', httpStatus: 404 });
    expect(result).toEqual({
      ok: false,
      problem: { stage: 'tls', detail: 'self-signed certificate', sha256 },
      at: { transport: 'wss', url: 'wss://example.com:8089/ws' },
    });
    expect(
      last?.candidates.some((step) => step.candidate.transport !== 'wss'),
      'no direct SIP without a transport',
    ).toBe(false);
  });

  it('registers over UDP/TCP/TLS in their turn, after the WebSocket candidates', async () => {
    const { deps, calls } = machine({
      gateway,
      direct: true,
      lookup: {
        domain: 'example.com',
        targets: [
          { transport: 'tls', host: 'example.com', port: 5061, source: 'address' },
          { transport: 'udp', host: 'example.com', port: 5060, source: 'address' },
        ],
      },
      registers: {
        'tls example.com': {
          ok: false,
          stage: 'gateway',
          error: {
            kind: 'certificate',
            problem: {
              kind: 'untrusted',
              accountId: 'check-1',
              host: 'example.com:5061',
              sha256: Array.from({ length: 32 }, () => '0F').join(':'),
              error: 'self-signed certificate',
            },
          },
        },
        'udp example.com': { ok: true },
      },
    });
    const { result, last } = await run(assistantPlan('example.com'), deps);
    expect(calls.registers).toEqual(['tls example.com', 'udp example.com']);
    expect(last?.candidates.at(-2)?.problem).toEqual({
      stage: 'tls',
      detail: 'self-signed certificate',
      sha256: Array.from({ length: 32 }, () => '0F').join(':'),
    });
    expect(result).toMatchObject({ ok: true, winner: { transport: 'udp', server: 'example.com' } });
  });

  it('where the gateway only serves saved accounts (the desktop), direct servers are said to be untested', async () => {
    const { deps, calls } = machine({ gateway });
    const plan: ConnectionTestPlan = { candidates: () => [{ transport: 'tcp', server: 'pbx.example.com' }] };
    expect((await run(plan, deps)).result).toEqual({ ok: false, problem: { stage: 'direct-untested' } });
    expect(calls.registers).toEqual([]);
  });
});

describe('a configured account ("Test connection")', () => {
  it('tests the primary server, then the backups', async () => {
    const servers: ConnectionCandidate[] = [
      { transport: 'wss', url: 'wss://a.example.com/ws' },
      { transport: 'wss', url: 'wss://b.example.com/ws' },
    ];
    const { deps, calls } = machine({
      opens: ['wss://b.example.com/ws'],
      registers: { 'wss://b.example.com/ws': { ok: true } },
    });
    const { result, last } = await run({ candidates: () => servers }, deps);
    expect(last?.lookup).toBeUndefined();
    expect(calls.opens).toEqual(['wss://a.example.com/ws', 'wss://b.example.com/ws']);
    expect(result).toEqual({ ok: true, winner: servers[1], others: [] });
  });
});
