/**
 * Session timers (RFC 4028): the negotiation rules and the timing, with no SIP.js in sight. A call
 * whose far end crashed or whose network went away without a BYE would otherwise stay "in call"
 * forever, here and in every proxy and media relay on the path; with a timer, one side (the
 * refresher) repeats a re-INVITE or UPDATE before the interval ends, and either side ends the
 * call when no refresh came.
 *
 * `refresher` is relative to the transaction that set it (RFC 4028 §4): `uac` is whoever sent that
 * session refresh request, `uas` whoever answered it.
 */

/** Our Min-SE, and the smallest any side may use (RFC 4028 §5: "MUST NOT be less than 90 seconds"). */
export const MIN_SESSION_EXPIRES = 90;
/** What we ask for in our INVITEs (RFC 4028 §4 recommends 1800 seconds). */
export const DEFAULT_SESSION_EXPIRES = 1800;

export type Refresher = 'uac' | 'uas';

/** A `Session-Expires` value: `delta-seconds *(;se-params)` (RFC 4028 §4). */
export interface SessionExpires {
  seconds: number;
  refresher?: Refresher;
}

/** What a session refresh transaction agreed: the interval and whether we do the refreshing. */
export interface NegotiatedSessionTimer {
  seconds: number;
  weRefresh: boolean;
}

/** The session timer headers of one request or response, as strings from the message. */
export interface TimerHeaders {
  sessionExpires?: string;
  minSE?: string;
  /** Every Supported option tag. */
  supported: readonly string[];
}

/** Reads a `Session-Expires` value; undefined when absent or not a number. */
export function parseSessionExpires(value: string | undefined): SessionExpires | undefined {
  const match = /^\s*(\d+)\s*(;.*)?$/.exec(value ?? '');
  if (!match?.[1]) return undefined;
  const refresher = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(match[2] ?? '')?.[1]?.toLowerCase();
  return {
    seconds: Number(match[1]),
    ...(refresher === 'uac' || refresher === 'uas' ? { refresher } : {}),
  };
}

/** Reads a `Min-SE` value (RFC 4028 §5); undefined when absent or not a number. */
export function parseMinSE(value: string | undefined): number | undefined {
  const match = /^\s*(\d+)\s*(;.*)?$/.exec(value ?? '');
  return match?.[1] ? Number(match[1]) : undefined;
}

/** `Session-Expires: 1800;refresher=uac` etc. */
export function sessionExpiresHeader(seconds: number, refresher?: Refresher): string {
  return `Session-Expires: ${seconds}${refresher ? `;refresher=${refresher}` : ''}`;
}

export function minSEHeader(seconds: number): string {
  return `Min-SE: ${seconds}`;
}

const supportsTimer = (supported: readonly string[]): boolean =>
  supported.some((tag) => tag.trim().toLowerCase() === 'timer');

/** How we, as UAS, answer a session refresh request (the initial INVITE or a later one). */
export type UasTimerDecision =
  /** The request asks for no timer: our 2xx carries none and no timer runs (RFC 4028 §9). */
  | { kind: 'none' }
  /** 422 Session Interval Too Small with our Min-SE (RFC 4028 §6, §9). */
  | { kind: 'too-small'; minSE: number }
  /** Our 2xx carries `headers`; the timer runs with `timer`. */
  | { kind: 'use'; headers: string[]; timer: NegotiatedSessionTimer };

/**
 * RFC 4028 §9, the UAS side of a session refresh request.
 * - An interval below our Min-SE is refused with 422 when the caller supports timers (it can then
 *   ask again); when it does not (a proxy put the header in, §8.1) it could not read a 422, so the
 *   interval is raised to our Min-SE and we refresh.
 * - A refresher the caller named is kept, except `uac` from a caller without timer support.
 *   Otherwise we pick the caller when it supports timers (it asked for them), else ourselves.
 * - `Require: timer` goes in the 2xx when the caller supports timers: MUST when it refreshes, SHOULD
 *   otherwise (§9).
 */
export function decideAsUas(request: TimerHeaders, ourMinSE = MIN_SESSION_EXPIRES): UasTimerDecision {
  const asked = parseSessionExpires(request.sessionExpires);
  if (!asked) return { kind: 'none' };
  const callerSupports = supportsTimer(request.supported);
  if (asked.seconds < ourMinSE && callerSupports) return { kind: 'too-small', minSE: ourMinSE };
  const seconds = Math.max(asked.seconds, ourMinSE, parseMinSE(request.minSE) ?? 0);
  const refresher: Refresher = !callerSupports ? 'uas' : (asked.refresher ?? 'uac');
  return {
    kind: 'use',
    headers: [sessionExpiresHeader(seconds, refresher), ...(callerSupports ? ['Require: timer'] : [])],
    timer: { seconds, weRefresh: refresher === 'uas' },
  };
}

/**
 * RFC 4028 §7.2, the UAC side: what the 2xx to our session refresh request (initial INVITE,
 * re-INVITE or UPDATE) says. Without Session-Expires there is no timer ("the session timer can be
 * turned off in mid dialog by receiving a response without a Session-Expires header field"). A 2xx
 * whose Session-Expires names no refresher breaks §7.2 ("will be present"); we then refresh
 * ourselves, which is harmless, rather than risk that nobody does.
 */
export function negotiatedByAnswer(response: TimerHeaders): NegotiatedSessionTimer | undefined {
  const answered = parseSessionExpires(response.sessionExpires);
  if (!answered) return undefined;
  return {
    seconds: Math.max(answered.seconds, MIN_SESSION_EXPIRES),
    weRefresh: answered.refresher !== 'uas',
  };
}

/**
 * The headers of a session refresh request we send (RFC 4028 §7.1, §7.4): the current interval,
 * and `refresher` naming whoever refreshes now (`uac` = us), so a re-INVITE sent for another reason
 * (hold) does not move the role.
 */
export function refreshRequestHeaders(current: NegotiatedSessionTimer | undefined, minSE: number): string[] {
  if (!current) return [sessionExpiresHeader(DEFAULT_SESSION_EXPIRES), minSEHeader(minSE)];
  return [sessionExpiresHeader(current.seconds, current.weRefresh ? 'uac' : 'uas'), minSEHeader(minSE)];
}

/** When the refresher sends its refresh: half the interval (RFC 4028 §10 recommends it). */
export function refreshDelayMs(seconds: number): number {
  return (seconds * 1000) / 2;
}

/**
 * When the side that does not refresh gives up and sends BYE: before the session expires, by
 * the minimum of 32 seconds and one third of the interval (RFC 4028 §10).
 */
export function expiryDelayMs(seconds: number): number {
  return (seconds - Math.min(32, seconds / 3)) * 1000;
}

/** What became of one refresh we sent. */
export type RefreshOutcome =
  | { kind: 'accepted'; timer: NegotiatedSessionTimer | undefined }
  /** 422: ask again with at least this interval (RFC 4028 §7.4 with §6). */
  | { kind: 'too-small'; minSE: number }
  /** 408 or 481, or no answer: the far end is gone, send BYE (RFC 4028 §10). */
  | { kind: 'gone' }
  /** Anything else (491 glare, a hold in progress, 500...): try again shortly. */
  | { kind: 'failed' };

/** What a {@link SessionTimer} asks of the call it watches. */
export interface SessionTimerActions {
  /** Sends a session refresh request with these headers and reports what came of it. */
  refresh(headers: string[]): Promise<RefreshOutcome>;
  /** The session expired without a refresh: send BYE (RFC 4028 §10). */
  expire(): void;
  /** Something worth a line in the log. */
  note?(message: string): void;
}

/** Timer functions, injectable for tests. */
export interface TimerClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: TimerClock = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How long to wait before trying again after a refresh that failed for a passing reason. */
export const REFRESH_RETRY_MS = 5_000;

/**
 * Runs one call's session timer. Every successful session refresh (ours or the far end's, the
 * initial INVITE included) calls {@link SessionTimer.arm} with what it negotiated: that restarts
 * the expiry countdown and, when we are the refresher, schedules our refresh at half the interval.
 */
export class SessionTimer {
  private current: NegotiatedSessionTimer | undefined;
  private refreshHandle: unknown;
  private expiryHandle: unknown;
  private minSE = MIN_SESSION_EXPIRES;
  private stopped = false;

  constructor(
    private readonly actions: SessionTimerActions,
    private readonly clock: TimerClock = realClock,
  ) {}

  /** What is in force now; undefined when no timer runs. */
  get negotiated(): NegotiatedSessionTimer | undefined {
    return this.current;
  }

  /** The Min-SE we send: ours, or a larger one a 422 taught us. */
  get minimum(): number {
    return this.minSE;
  }

  /** Headers for a session refresh request we send now (see {@link refreshRequestHeaders}). */
  requestHeaders(): string[] {
    return refreshRequestHeaders(this.current, this.minSE);
  }

  /** A refresh transaction succeeded with this outcome; undefined turns the timer off. */
  arm(timer: NegotiatedSessionTimer | undefined): void {
    if (this.stopped) return;
    this.clear();
    this.current = timer;
    if (!timer) return;
    this.expiryHandle = this.clock.setTimeout(() => this.onExpiry(), expiryDelayMs(timer.seconds));
    if (timer.weRefresh)
      this.refreshHandle = this.clock.setTimeout(
        () => void this.sendRefresh(),
        refreshDelayMs(timer.seconds),
      );
  }

  /** Learns a larger Min-SE from a 422 (RFC 4028 §7.4: later requests carry it). */
  raiseMinimum(minSE: number): void {
    this.minSE = Math.max(this.minSE, minSE);
  }

  stop(): void {
    this.stopped = true;
    this.clear();
    this.current = undefined;
  }

  private clear(): void {
    if (this.refreshHandle !== undefined) this.clock.clearTimeout(this.refreshHandle);
    if (this.expiryHandle !== undefined) this.clock.clearTimeout(this.expiryHandle);
    this.refreshHandle = undefined;
    this.expiryHandle = undefined;
  }

  private onExpiry(): void {
    if (this.stopped) return;
    this.actions.note?.(`session expired without a refresh (RFC 4028 §10): ending the call`);
    this.stop();
    this.actions.expire();
  }

  private async sendRefresh(): Promise<void> {
    this.refreshHandle = undefined;
    const current = this.current;
    if (this.stopped || !current) return;
    const outcome = await this.actions.refresh(this.requestHeaders());
    if (this.stopped) return;
    switch (outcome.kind) {
      case 'accepted':
        this.arm(outcome.timer);
        return;
      case 'too-small':
        this.raiseMinimum(outcome.minSE);
        this.current = { ...current, seconds: Math.max(current.seconds, outcome.minSE) };
        this.retry(0);
        return;
      case 'gone':
        this.actions.note?.('the session refresh found no dialog (408/481): ending the call');
        this.stop();
        this.actions.expire();
        return;
      case 'failed':
        this.retry(REFRESH_RETRY_MS);
        return;
    }
  }

  /** Tries the refresh again; the expiry countdown keeps running meanwhile. */
  private retry(ms: number): void {
    if (this.stopped) return;
    this.refreshHandle = this.clock.setTimeout(() => void this.sendRefresh(), ms);
  }
}
