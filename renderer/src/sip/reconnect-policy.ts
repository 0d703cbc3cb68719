/**
 * When and where to reconnect after the signalling connection (WSS) is lost or cannot be opened.
 *
 * - Servers are tried in order (the account's primary, then its fallbacks); moving to the next server
 *   after a failed attempt is immediate.
 * - When every server of a round failed, the next round starts again at the primary after an
 *   exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog):
 *   a uniformly random delay in [0, min(cap, initial × 2^round)). The randomness spreads the
 *   reconnections of many phones after a server restart, so they do not all hit it at once.
 * - A successful registration resets the backoff; a lost connection starts a new round at the primary.
 *
 * Pure: the random source is injected, so tests can pin it.
 */
export interface BackoffOptions {
  /** Ceiling of the first delay, in ms. */
  initialDelayMs: number;
  /** Largest ceiling, in ms. */
  maxDelayMs: number;
  /** Uniform in [0, 1), like `Math.random`. */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  random: Math.random,
};

/** The largest useful exponent: 2^20 × 1 s is far beyond any sensible cap. */
const MAX_EXPONENT = 20;

export class ReconnectPolicy {
  private readonly options: BackoffOptions;
  private index = 0;
  /** Rounds that failed since the last success; the exponent of the next backoff. */
  private failedRounds = 0;

  constructor(
    private readonly servers: readonly string[],
    options: Partial<BackoffOptions> = {},
  ) {
    if (servers.length === 0) throw new Error('at least one server is needed');
    this.options = { ...DEFAULT_BACKOFF, ...options };
  }

  /** The server the next attempt goes to. */
  get server(): string {
    return this.servers[this.index] ?? this.servers[0] ?? '';
  }

  /** 0 for the primary, 1 for the first fallback, ... */
  get serverIndex(): number {
    return this.index;
  }

  /**
   * The attempt on {@link server} failed. Returns how long to wait before the next attempt: 0 when
   * another server of this round is left to try, otherwise the backoff before the next round.
   */
  failed(): number {
    if (this.index < this.servers.length - 1) {
      this.index += 1;
      return 0;
    }
    this.index = 0;
    return this.nextBackoff();
  }

  /** The connection that was up dropped: the next round starts at the primary after a backoff. */
  lost(): number {
    this.index = 0;
    return this.nextBackoff();
  }

  /** The user (or the OS: network back, machine awake) wants an attempt now: start over at the primary. */
  restartRound(): void {
    this.index = 0;
  }

  /** Registered: the next loss starts from the smallest delay again. */
  succeeded(): void {
    this.failedRounds = 0;
  }

  private nextBackoff(): number {
    const exponent = Math.min(this.failedRounds, MAX_EXPONENT);
    this.failedRounds += 1;
    const ceiling = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** exponent);
    return Math.floor(this.options.random() * ceiling);
  }
}
