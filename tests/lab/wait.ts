/** Polling helpers: the lab waits for real readiness signals (ports, log lines, registrations). */
import { setTimeout as delay } from 'node:timers/promises';

export { delay };

/**
 * Waits for `promise` but no longer than `ms`; unlike racing a plain delay, the timer is cleared
 * as soon as the promise settles, so it does not keep Node alive afterwards.
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How {@link waitFor} polls. */
export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between checks; small, because each check is cheap and start-up time matters. */
  intervalMs?: number;
  /** Says what was awaited, for the timeout error. */
  description: string;
  /**
   * Checked before every attempt; a returned string aborts the wait with that reason, e.g. "the
   * server exited", so a crash is reported at once rather than after the whole timeout.
   */
  abortReason?: () => string | undefined;
}

/**
 * Calls `check` until it returns something other than `undefined` and resolves with that value.
 * A `check` that throws counts as "not yet" (e.g. connection refused while a server starts); the
 * last error is included in the timeout message.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const abort = options.abortReason?.();
    if (abort !== undefined) throw new Error(`${options.description}: ${abort}`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.description}${detail}`);
    }
    await delay(options.intervalMs ?? 25);
  }
}
