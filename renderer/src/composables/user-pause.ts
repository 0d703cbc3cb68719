/** What a person at the window does while they use it: type, click or tap, scroll. */
const INPUT_EVENTS = ['keydown', 'pointerdown', 'input', 'wheel'] as const;

/**
 * Resolves once the user has given the window no input (key, click, scroll) for `quietMs`, counted
 * again from each one: work that can wait then runs while they read or think, not under their hands.
 * An aborted wait stops listening and never resolves.
 */
export function userPause(quietMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return;
    let timer = setTimeout(paused, quietMs);
    const restart = (): void => {
      clearTimeout(timer);
      timer = setTimeout(paused, quietMs);
    };
    const stop = (): void => {
      clearTimeout(timer);
      for (const type of INPUT_EVENTS) window.removeEventListener(type, restart, { capture: true });
      signal?.removeEventListener('abort', stop);
    };
    function paused(): void {
      stop();
      resolve();
    }
    for (const type of INPUT_EVENTS) window.addEventListener(type, restart, { capture: true, passive: true });
    signal?.addEventListener('abort', stop, { once: true });
  });
}
