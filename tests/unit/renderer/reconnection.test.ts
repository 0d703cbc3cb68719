import { describe, expect, it } from 'vitest';
import { ReconnectPolicy } from '../../../renderer/src/sip/reconnect-policy';
import {
  Reconnector,
  type ConnectionPort,
  type ConnectionStatus,
  type RegisterOutcome,
  type Scheduler,
} from '../../../renderer/src/sip/reconnector';
import { registrationIsRetryable } from '../../../renderer/src/sip/registration-retry';
import { secondsUntil, serverHost } from '../../../renderer/src/sip/reconnect-display';
import { parseFallbackServers, formatFallbackServers } from '../../../renderer/src/accounts/fallback-servers';

const PRIMARY = 'wss://a.example.com:8089/ws';
const BACKUP = 'wss://b.example.com:8089/ws';

describe('ReconnectPolicy', () => {
  it('backs off exponentially with full jitter up to the cap, and resets after a success', () => {
    const policy = new ReconnectPolicy([PRIMARY], { random: () => 0.999999 });
    const ceilings = Array.from({ length: 8 }, () => policy.failed());
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]);
    policy.succeeded();
    expect(policy.lost()).toBe(999);
  });

  it('draws each delay uniformly below its ceiling', () => {
    const draws = [0, 0.5, 0.25];
    const policy = new ReconnectPolicy([PRIMARY], { random: () => draws.shift() ?? 0 });
    expect([policy.failed(), policy.failed(), policy.failed()]).toEqual([0, 1000, 1000]);
  });

  it('fails over to the next server at once and backs off only when every server failed', () => {
    const policy = new ReconnectPolicy([PRIMARY, BACKUP], { random: () => 0.5 });
    expect(policy.server).toBe(PRIMARY);
    expect(policy.failed()).toBe(0);
    expect(policy.server).toBe(BACKUP);
    expect(policy.serverIndex).toBe(1);
    expect(policy.failed()).toBe(500);
    expect(policy.server).toBe(PRIMARY);
  });

  it('starts again at the primary after a loss or a "reconnect now"', () => {
    const policy = new ReconnectPolicy([PRIMARY, BACKUP], { random: () => 0 });
    policy.failed();
    policy.succeeded();
    expect(policy.server).toBe(BACKUP);
    policy.lost();
    expect(policy.server).toBe(PRIMARY);
    policy.failed();
    policy.restartRound();
    expect(policy.server).toBe(PRIMARY);
  });

  it('refuses an empty server list', () => {
    expect(() => new ReconnectPolicy([])).toThrow();
  });
});

/** Timers that run only when the test says so. */
class ManualScheduler implements Scheduler {
  time = 1_000_000;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Runs the earliest timer, moving the clock to it. */
  async runNext(): Promise<void> {
    this.timers.sort((a, b) => a.at - b.at);
    const timer = this.timers.shift();
    if (!timer) throw new Error('no timer pending');
    this.time = Math.max(this.time, timer.at);
    timer.callback();
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

/** A scripted SIP side: each connect/register takes the next scripted result. */
class ScriptedPort implements ConnectionPort {
  connects: { server: string; fresh: boolean }[] = [];
  registers = 0;
  refreshes: boolean[] = [];
  constructor(
    private readonly connectResults: boolean[],
    private readonly registerResults: RegisterOutcome[],
  ) {}
  connect(server: string, fresh: boolean): Promise<void> {
    this.connects.push({ server, fresh });
    return this.connectResults.shift() === false ? Promise.reject(new Error('refused')) : Promise.resolve();
  }
  register(): Promise<RegisterOutcome> {
    this.registers += 1;
    return Promise.resolve(this.registerResults.shift() ?? { ok: true });
  }
  reconnected(networkChanged: boolean): void {
    this.refreshes.push(networkChanged);
  }
}

function harness(servers: string[], port: ScriptedPort) {
  const scheduler = new ManualScheduler();
  const statuses: ConnectionStatus[] = [];
  const reconnector = new Reconnector(
    new ReconnectPolicy(servers, { random: () => 0.5 }),
    port,
    (status) => statuses.push(status),
    scheduler,
  );
  return { scheduler, statuses, reconnector, last: () => statuses.at(-1) };
}

describe('Reconnector', () => {
  it('registers on start without touching calls', async () => {
    const port = new ScriptedPort([], []);
    const { reconnector, statuses } = harness([PRIMARY], port);
    await reconnector.start();
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'registering', 'registered']);
    expect(port.refreshes).toEqual([]);
  });

  it('after a drop, says when it retries, reconnects, re-registers and refreshes calls', async () => {
    const port = new ScriptedPort([true, false], []);
    const { reconnector, scheduler, last } = harness([PRIMARY], port);
    await reconnector.start();
    reconnector.connectionLost('WebSocket closed');
    expect(last()).toMatchObject({ state: 'reconnecting', nextAttemptAt: scheduler.time + 500 });
    expect(last()?.error).toMatchObject({ kind: 'unreachable', detail: 'WebSocket closed' });
    await scheduler.runNext();
    // Server still down: the next delay doubles (ceiling 2 s, random 0.5).
    expect(last()).toMatchObject({ state: 'reconnecting', nextAttemptAt: scheduler.time + 1000 });
    await scheduler.runNext();
    expect(last()?.state).toBe('registered');
    expect(port.refreshes).toEqual([false]);
    expect(scheduler.pending).toBe(0);
  });

  it('runs one attempt at a time: a second "reconnect now" during an attempt is ignored', async () => {
    let release: () => void = () => undefined;
    const port = new ScriptedPort([], []);
    port.connect = (server, fresh) => {
      port.connects.push({ server, fresh });
      return new Promise<void>((resolve) => (release = resolve));
    };
    const { reconnector } = harness([PRIMARY], port);
    const first = reconnector.start();
    await reconnector.reconnectNow();
    await reconnector.reconnectNow(true);
    expect(port.connects).toHaveLength(1);
    release();
    await first;
    expect(port.registers).toBe(1);
  });

  it('"reconnect now" cancels the waiting timer and tries at once, from the primary', async () => {
    const port = new ScriptedPort([false, false, true], []);
    const { reconnector, scheduler, last } = harness([PRIMARY, BACKUP], port);
    await reconnector.start();
    await scheduler.runNext();
    expect(last()?.state).toBe('reconnecting');
    await reconnector.reconnectNow();
    expect(port.connects.map((c) => c.server)).toEqual([PRIMARY, BACKUP, PRIMARY]);
    expect(last()?.state).toBe('registered');
    expect(scheduler.pending).toBe(0);
  });

  it('fails over to the backup server and reports which one is in use', async () => {
    const port = new ScriptedPort([false, true], []);
    const { reconnector, scheduler, last } = harness([PRIMARY, BACKUP], port);
    await reconnector.start();
    await scheduler.runNext();
    expect(last()).toMatchObject({ state: 'registered', server: BACKUP, serverIndex: 1 });
  });

  it('a network change replaces a connection that looks open and restarts ICE on calls', async () => {
    const port = new ScriptedPort([], []);
    const { reconnector, last } = harness([PRIMARY], port);
    await reconnector.start();
    await reconnector.reconnectNow(true);
    expect(port.connects.at(-1)).toEqual({ server: PRIMARY, fresh: true });
    expect(last()?.state).toBe('registered');
    expect(port.refreshes).toEqual([true]);
  });

  it('"reconnect now" while registered without a network change does nothing', async () => {
    const port = new ScriptedPort([], []);
    const { reconnector } = harness([PRIMARY], port);
    await reconnector.start();
    await reconnector.reconnectNow();
    expect(port.connects).toHaveLength(1);
  });

  it('stops retrying when the credentials are refused, and says why', async () => {
    const port = new ScriptedPort(
      [],
      [{ ok: false, error: { kind: 'wrong-password', statusCode: 401 }, retry: false }],
    );
    const { reconnector, scheduler, last } = harness([PRIMARY], port);
    await reconnector.start();
    expect(last()).toMatchObject({ state: 'failed', error: { kind: 'wrong-password', statusCode: 401 } });
    expect(scheduler.pending).toBe(0);
  });

  it('re-registers with backoff when a refresh lapses on a live connection', async () => {
    const port = new ScriptedPort(
      [],
      [{ ok: true }, { ok: false, error: { kind: 'server-error', statusCode: 503 }, retry: true }],
    );
    const { reconnector, scheduler, last } = harness([PRIMARY], port);
    await reconnector.start();
    reconnector.registrationLost();
    expect(last()?.state).toBe('reconnecting');
    await scheduler.runNext();
    expect(last()).toMatchObject({ state: 'reconnecting', error: { statusCode: 503 } });
    await scheduler.runNext();
    expect(last()?.state).toBe('registered');
    // The connection never dropped: calls need no refresh.
    expect(port.refreshes).toEqual([]);
  });

  it('does nothing once stopped', async () => {
    const port = new ScriptedPort([], []);
    const { reconnector, scheduler } = harness([PRIMARY], port);
    await reconnector.start();
    reconnector.stop();
    reconnector.connectionLost('gone');
    await reconnector.reconnectNow(true);
    expect(scheduler.pending).toBe(0);
    expect(port.connects).toHaveLength(1);
  });
});

describe('registrationIsRetryable', () => {
  it.each([
    [0, true],
    [408, true],
    [480, true],
    [500, true],
    [503, true],
    [401, false],
    [407, false],
    [403, false],
    [404, false],
    [488, false],
    [603, false],
  ])('%i -> %s', (status, retry) => expect(registrationIsRetryable(status)).toBe(retry));
});

describe('reconnect display', () => {
  it('counts whole seconds down to zero', () => {
    expect(secondsUntil(10_000, 8_001)).toBe(2);
    expect(secondsUntil(10_000, 10_000)).toBe(0);
    expect(secondsUntil(10_000, 12_000)).toBe(0);
  });
  it('names a server by host and port', () => {
    expect(serverHost('wss://pbx2.example.com:8089/ws')).toBe('pbx2.example.com:8089');
  });
});

describe('parseFallbackServers', () => {
  it('reads servers separated by commas, spaces or lines, in order, without duplicates', () => {
    expect(parseFallbackServers(` ${BACKUP},\n${PRIMARY}  ${BACKUP} `)).toEqual({
      ok: true,
      urls: [BACKUP, PRIMARY],
    });
    expect(parseFallbackServers('   ')).toEqual({ ok: true, urls: [] });
  });
  it('names the first entry that is not a wss:// URL', () => {
    expect(parseFallbackServers(`${BACKUP}, ws://plain.example.com`)).toEqual({
      ok: false,
      problem: 'invalid',
      value: 'ws://plain.example.com',
    });
  });
  it('refuses more than three', () => {
    const four = [1, 2, 3, 4].map((n) => `wss://pbx${n}.example.com`).join(',');
    expect(parseFallbackServers(four)).toEqual({ ok: false, problem: 'too-many', max: 3 });
  });
  it('formats stored servers back into the field', () => {
    expect(formatFallbackServers([PRIMARY, BACKUP])).toBe(`${PRIMARY}, ${BACKUP}`);
    expect(formatFallbackServers(undefined)).toBe('');
  });
});
