import type { ReconnectPolicy } from './reconnect-policy';
import type { RegistrationError } from './sip-status';

/** A connection attempt that failed for a reason worth showing as is (rather than "cannot reach"). */
export class ConnectFailure extends Error {
  override readonly name = 'ConnectFailure';
  constructor(readonly registrationError: RegistrationError) {
    super(registrationError.detail ?? registrationError.kind);
  }
}

/** How a REGISTER ended. `retry` is false when retrying cannot help (wrong password, forbidden). */
export type RegisterOutcome = { ok: true } | { ok: false; error: RegistrationError; retry: boolean };

/** The SIP side of one account that the {@link Reconnector} drives (implemented by `Phone`). */
export interface ConnectionPort {
  /**
   * Opens the WSS connection to `server`. An open connection to another server is closed first, and
   * so is one to the same server when `fresh` (after a network change the old socket may be dead
   * although the browser still thinks it is open). Rejects when the connection cannot be opened.
   */
  connect(server: string, fresh: boolean): Promise<void>;
  register(): Promise<RegisterOutcome>;
  /**
   * Registered again on a new connection: calls in progress must learn it (a target-refresh
   * re-INVITE), with an ICE restart when the network changed under them.
   */
  reconnected(networkChanged: boolean): void;
}

/** Timers and clock, injected so tests control time. */
export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const BROWSER_SCHEDULER: Scheduler = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What the account's connection is doing, for the registration snapshot. */
export interface ConnectionStatus {
  state: 'connecting' | 'registering' | 'registered' | 'reconnecting' | 'failed';
  /** The server in use (or tried next, while reconnecting). */
  server: string;
  /** 0 for the primary server, 1 for the first fallback, ... */
  serverIndex: number;
  /** While reconnecting: when the next attempt starts (ms since the epoch). */
  nextAttemptAt?: number;
  /** Why the last attempt failed, or why we gave up (`failed`). */
  error?: RegistrationError;
}

/**
 * Keeps one account connected and registered: the first connection, reconnection after the WSS
 * connection drops or the registration lapses, failover across the account's servers, and the
 * "try now" of the user or the OS (network back, machine awake).
 *
 * SIP.js leaves all of this to the application (`UserAgent.reconnect()` is manual, see
 * https://github.com/onsip/SIP.js/issues/1095), and two of its traps are handled here: only one
 * attempt runs at a time (a second `reconnect()` while one is pending only confuses the transport's
 * state machine), and calls are left alone; they survive a signalling outage as long as their
 * media path does, and are told about the new connection once registered again.
 */
export class Reconnector {
  private timer: unknown;
  private attempting = false;
  private stopped = false;
  /** The connection dropped (or was cycled) since the last registration: calls need a refresh. */
  private connectionDropped = false;
  private networkChanged = false;
  private registered = false;

  constructor(
    private readonly policy: ReconnectPolicy,
    private readonly port: ConnectionPort,
    private readonly report: (status: ConnectionStatus) => void,
    private readonly scheduler: Scheduler = BROWSER_SCHEDULER,
  ) {}

  /** First connection and registration. */
  start(): Promise<void> {
    return this.attempt(false);
  }

  /** The WSS connection dropped while it was up (server restart, network loss). */
  connectionLost(detail?: string): void {
    if (this.stopped) return;
    this.connectionDropped = true;
    this.registered = false;
    // An attempt in progress notices by itself (its REGISTER fails) and schedules the next one.
    if (this.attempting || this.timer !== undefined) return;
    this.retryLater(this.policy.lost(), { kind: 'unreachable', ...(detail ? { detail } : {}) });
  }

  /** The registration lapsed on a connection that is still up (a refresh was refused or timed out). */
  registrationLost(): void {
    if (this.stopped || !this.registered) return;
    this.registered = false;
    if (this.attempting || this.timer !== undefined) return;
    this.retryLater(this.policy.lost(), { kind: 'unreachable' });
  }

  /**
   * Try now instead of waiting for the timer: the user asked, or the OS says the network is back or
   * the machine woke up (`networkChanged`: the path may differ, so even a connection that looks open
   * is replaced and calls restart ICE). Ignored while an attempt is already running.
   */
  reconnectNow(networkChanged = false): Promise<void> {
    if (this.stopped || this.attempting) return Promise.resolve();
    if (networkChanged) this.networkChanged = true;
    if (this.registered && !networkChanged) return Promise.resolve();
    this.cancelTimer();
    this.policy.restartRound();
    return this.attempt(networkChanged);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
  }

  private async attempt(fresh: boolean): Promise<void> {
    this.attempting = true;
    if (fresh) this.connectionDropped = true;
    const server = this.policy.server;
    const serverIndex = this.policy.serverIndex;
    try {
      this.report({ state: 'connecting', server, serverIndex });
      try {
        await this.port.connect(server, fresh);
      } catch (error) {
        if (this.stopped) return;
        this.afterFailure(
          error instanceof ConnectFailure
            ? error.registrationError
            : { kind: 'unreachable', detail: error instanceof Error ? error.message : String(error) },
        );
        return;
      }
      if (this.stopped) return;
      this.report({ state: 'registering', server, serverIndex });
      const outcome = await this.port.register();
      if (this.stopped) return;
      if (!outcome.ok) {
        if (outcome.retry) this.afterFailure(outcome.error);
        else this.report({ state: 'failed', server, serverIndex, error: outcome.error });
        return;
      }
      this.policy.succeeded();
      this.registered = true;
      this.report({ state: 'registered', server, serverIndex });
      if (this.connectionDropped) this.port.reconnected(this.networkChanged);
      this.connectionDropped = false;
      this.networkChanged = false;
    } finally {
      this.attempting = false;
    }
  }

  private afterFailure(error: RegistrationError): void {
    const delay = this.policy.failed();
    // Failing over to the next server is immediate; the finally of the current attempt must run first.
    if (delay === 0) {
      this.timer = this.scheduler.setTimeout(() => {
        this.timer = undefined;
        void this.attempt(false);
      }, 0);
      return;
    }
    this.retryLater(delay, error);
  }

  private retryLater(delay: number, error: RegistrationError): void {
    this.cancelTimer();
    this.report({
      state: 'reconnecting',
      server: this.policy.server,
      serverIndex: this.policy.serverIndex,
      nextAttemptAt: this.scheduler.now() + delay,
      error,
    });
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      void this.attempt(false);
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
