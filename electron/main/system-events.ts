/**
 * Sleep, wake and network changes, passed to the renderer as `{ kind: 'system', event }` so it can
 * re-register at once instead of waiting for a timer (the reconnection logic itself is the renderer's).
 *
 * - `suspend` / `resume` come from Electron's `powerMonitor`.
 * - Online/offline: main has no event for it, so `net.isOnline()` is sampled every
 *   {@link ONLINE_POLL_MS}; it only reads a flag Chromium keeps up to date, so polling is cheap.
 *   Only changes are reported.
 */
import type { PhoneCommand } from '../common/contract';

export const ONLINE_POLL_MS = 5_000;

/** Remembers the last network state and says when it changed. */
export class OnlineWatcher {
  #online: boolean;

  constructor(initial: boolean) {
    this.#online = initial;
  }

  /** `online` / `offline` when the state differs from the last sample, else null. */
  sample(online: boolean): 'online' | 'offline' | null {
    if (online === this.#online) return null;
    this.#online = online;
    return online ? 'online' : 'offline';
  }
}

export interface SystemEventsOptions {
  powerMonitor: { on(event: 'suspend' | 'resume', listener: () => void): unknown };
  isOnline: () => boolean;
  send: (command: PhoneCommand) => void;
  setInterval: (callback: () => void, ms: number) => { unref?: () => void };
}

/** Starts forwarding; returns nothing to stop, it lasts as long as the app. */
export function watchSystemEvents(options: SystemEventsOptions): void {
  options.powerMonitor.on('suspend', () => options.send({ kind: 'system', event: 'suspend' }));
  options.powerMonitor.on('resume', () => options.send({ kind: 'system', event: 'resume' }));
  const watcher = new OnlineWatcher(options.isOnline());
  const timer = options.setInterval(() => {
    const change = watcher.sample(options.isOnline());
    if (change !== null) options.send({ kind: 'system', event: change });
  }, ONLINE_POLL_MS);
  timer.unref?.();
}
