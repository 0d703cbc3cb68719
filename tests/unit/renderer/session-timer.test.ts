import { describe, expect, it } from 'vitest';
import {
  decideAsUas,
  expiryDelayMs,
  negotiatedByAnswer,
  parseMinSE,
  parseSessionExpires,
  refreshDelayMs,
  refreshRequestHeaders,
  REFRESH_RETRY_MS,
  SessionTimer,
  type RefreshOutcome,
  type TimerClock,
} from '../../../renderer/src/sip/session-timer';

/** A clock the test moves by hand: timers fire in order of their due time. */
class ManualClock implements TimerClock {
  now = 0;
  private timers: { id: number; due: number; callback: () => void }[] = [];
  private nextId = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, due: this.now + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }
  /** Runs every timer due within `ms`, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const next = this.timers.filter((timer) => timer.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.now = next.due;
      next.callback();
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
    }
    this.now = end;
  }
  pending(): number {
    return this.timers.length;
  }
}

function harness(outcomes: RefreshOutcome[] = []) {
  const clock = new ManualClock();
  const refreshes: { at: number; headers: string[] }[] = [];
  const expiries: number[] = [];
  const timer = new SessionTimer(
    {
      refresh: async (headers) => {
        refreshes.push({ at: clock.now, headers });
        return outcomes.shift() ?? { kind: 'failed' };
      },
      expire: () => void expiries.push(clock.now),
    },
    clock,
  );
  return { clock, timer, refreshes, expiries };
}

describe('Session-Expires and Min-SE (RFC 4028 §4, §5)', () => {
  it('reads the interval and the refresher, compact and spaced forms alike', () => {
    expect(parseSessionExpires('1800')).toEqual({ seconds: 1800 });
    expect(parseSessionExpires('90;refresher=uac')).toEqual({ seconds: 90, refresher: 'uac' });
    expect(parseSessionExpires(' 4000 ; refresher = UAS ; x=1')).toEqual({ seconds: 4000, refresher: 'uas' });
    expect(parseSessionExpires('soon')).toBeUndefined();
    expect(parseSessionExpires(undefined)).toBeUndefined();
    expect(parseMinSE('120')).toBe(120);
    expect(parseMinSE('120;x')).toBe(120);
    expect(parseMinSE('')).toBeUndefined();
  });

  it('times the refresh at half the interval and the give-up BYE at expiry less min(32 s, interval/3) (§10)', () => {
    expect(refreshDelayMs(90)).toBe(45_000);
    expect(expiryDelayMs(90)).toBe(60_000);
    expect(expiryDelayMs(1800)).toBe(1_768_000);
  });
});

describe('as UAS (RFC 4028 §9)', () => {
  it('runs no timer when the request asks for none', () => {
    expect(decideAsUas({ supported: ['timer'] })).toEqual({ kind: 'none' });
  });

  it('answers 422 with our Min-SE to a caller that supports timers and asks for less', () => {
    expect(decideAsUas({ sessionExpires: '60', supported: ['timer'] })).toEqual({
      kind: 'too-small',
      minSE: 90,
    });
  });

  it('raises the interval itself for a caller that cannot read a 422 (a proxy asked), and refreshes', () => {
    expect(decideAsUas({ sessionExpires: '60', supported: [] })).toEqual({
      kind: 'use',
      headers: ['Session-Expires: 90;refresher=uas'],
      timer: { seconds: 90, weRefresh: true },
    });
  });

  it('keeps the refresher the caller named, and leaves the refreshing to a caller that supports it', () => {
    expect(decideAsUas({ sessionExpires: '1800;refresher=uas', supported: ['timer'] })).toEqual({
      kind: 'use',
      headers: ['Session-Expires: 1800;refresher=uas', 'Require: timer'],
      timer: { seconds: 1800, weRefresh: true },
    });
    expect(decideAsUas({ sessionExpires: '1800', minSE: '90', supported: ['100rel', ' timer'] })).toEqual({
      kind: 'use',
      headers: ['Session-Expires: 1800;refresher=uac', 'Require: timer'],
      timer: { seconds: 1800, weRefresh: false },
    });
  });

  it('never lets a caller without timer support be the refresher', () => {
    expect(decideAsUas({ sessionExpires: '1800;refresher=uac', supported: [] })).toMatchObject({
      headers: ['Session-Expires: 1800;refresher=uas'],
      timer: { weRefresh: true },
    });
  });
});

describe('as UAC (RFC 4028 §7)', () => {
  it('takes the 2xx: no Session-Expires turns the timer off; the refresher decides who refreshes', () => {
    expect(negotiatedByAnswer({ supported: ['timer'] })).toBeUndefined();
    expect(negotiatedByAnswer({ sessionExpires: '90;refresher=uac', supported: [] })).toEqual({
      seconds: 90,
      weRefresh: true,
    });
    expect(negotiatedByAnswer({ sessionExpires: '1800;refresher=uas', supported: [] })).toEqual({
      seconds: 1800,
      weRefresh: false,
    });
    // A 2xx breaking §7.2 (no refresher): we refresh rather than nobody.
    expect(negotiatedByAnswer({ sessionExpires: '600', supported: [] })).toEqual({
      seconds: 600,
      weRefresh: true,
    });
  });

  it('asks with the recommended interval at first, then keeps the interval and the refresher role', () => {
    expect(refreshRequestHeaders(undefined, 90)).toEqual(['Session-Expires: 1800', 'Min-SE: 90']);
    expect(refreshRequestHeaders({ seconds: 120, weRefresh: true }, 120)).toEqual([
      'Session-Expires: 120;refresher=uac',
      'Min-SE: 120',
    ]);
    expect(refreshRequestHeaders({ seconds: 120, weRefresh: false }, 90)).toEqual([
      'Session-Expires: 120;refresher=uas',
      'Min-SE: 90',
    ]);
  });
});

describe('SessionTimer', () => {
  it('as the refresher, refreshes every half interval and never expires while refreshes succeed', async () => {
    const accepted: RefreshOutcome = { kind: 'accepted', timer: { seconds: 90, weRefresh: true } };
    const h = harness([accepted, accepted, accepted]);
    h.timer.arm({ seconds: 90, weRefresh: true });
    await h.clock.advance(44_999);
    expect(h.refreshes).toEqual([]);
    await h.clock.advance(1);
    expect(h.refreshes.map((r) => r.at)).toEqual([45_000]);
    expect(h.refreshes[0]?.headers).toEqual(['Session-Expires: 90;refresher=uac', 'Min-SE: 90']);
    await h.clock.advance(90_000);
    expect(h.refreshes.map((r) => r.at)).toEqual([45_000, 90_000, 135_000]);
    expect(h.expiries).toEqual([]);
  });

  it('when the far end refreshes, sends nothing and ends the call at expiry less 30 s if no refresh came', async () => {
    const h = harness();
    h.timer.arm({ seconds: 90, weRefresh: false });
    await h.clock.advance(59_999);
    expect(h.expiries).toEqual([]);
    await h.clock.advance(1);
    expect(h.refreshes).toEqual([]);
    expect(h.expiries).toEqual([60_000]);
    expect(h.clock.pending()).toBe(0);
  });

  it('restarts the countdown at each refresh the far end makes', async () => {
    const h = harness();
    h.timer.arm({ seconds: 90, weRefresh: false });
    await h.clock.advance(50_000);
    h.timer.arm({ seconds: 90, weRefresh: false });
    await h.clock.advance(59_000);
    expect(h.expiries).toEqual([]);
    await h.clock.advance(1_000);
    expect(h.expiries).toEqual([110_000]);
  });

  it('retries a refresh refused with 422 at once, with the Min-SE it learnt (RFC 4028 §7.4)', async () => {
    const h = harness([
      { kind: 'too-small', minSE: 300 },
      { kind: 'accepted', timer: { seconds: 300, weRefresh: true } },
    ]);
    h.timer.arm({ seconds: 90, weRefresh: true });
    await h.clock.advance(45_000);
    expect(h.refreshes.map((r) => r.headers)).toEqual([
      ['Session-Expires: 90;refresher=uac', 'Min-SE: 90'],
      ['Session-Expires: 300;refresher=uac', 'Min-SE: 300'],
    ]);
    expect(h.timer.negotiated).toEqual({ seconds: 300, weRefresh: true });
    expect(h.timer.minimum).toBe(300);
  });

  it('ends the call when a refresh gets 408 or 481 (§10)', async () => {
    const h = harness([{ kind: 'gone' }]);
    h.timer.arm({ seconds: 90, weRefresh: true });
    await h.clock.advance(45_000);
    expect(h.expiries).toEqual([45_000]);
    expect(h.clock.pending()).toBe(0);
  });

  it('retries a refresh that failed for a passing reason, and gives up at expiry', async () => {
    const h = harness([]);
    h.timer.arm({ seconds: 90, weRefresh: true });
    await h.clock.advance(60_000);
    // The expiry (armed first) wins over the retry due at the same moment.
    expect(h.refreshes.map((r) => r.at)).toEqual([
      45_000,
      45_000 + REFRESH_RETRY_MS,
      45_000 + 2 * REFRESH_RETRY_MS,
    ]);
    expect(h.expiries).toEqual([60_000]);
  });

  it('stops when a 2xx turns the timer off, and when the call ends', async () => {
    const h = harness([{ kind: 'accepted', timer: undefined }]);
    h.timer.arm({ seconds: 90, weRefresh: true });
    await h.clock.advance(45_000);
    expect(h.timer.negotiated).toBeUndefined();
    expect(h.clock.pending()).toBe(0);
    const ended = harness();
    ended.timer.arm({ seconds: 90, weRefresh: false });
    ended.timer.stop();
    ended.timer.arm({ seconds: 90, weRefresh: false });
    expect(ended.clock.pending()).toBe(0);
  });
});
