/**
 * Runs `work` once the browser is idle, or after `timeoutMs` whatever happens (a busy page may have no
 * idle time for long). Where `requestIdleCallback` is missing (Safari), after `fallbackMs`.
 */
export function whenIdle(work: () => void, timeoutMs: number, fallbackMs: number): void {
  if ('requestIdleCallback' in window) requestIdleCallback(work, { timeout: timeoutMs });
  else setTimeout(work, fallbackMs);
}
