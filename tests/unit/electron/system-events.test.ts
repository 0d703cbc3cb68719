import { describe, expect, it } from 'vitest';
import type { PhoneCommand } from '../../../electron/common/contract';
import { ONLINE_POLL_MS, OnlineWatcher, watchSystemEvents } from '../../../electron/main/system-events';

describe('OnlineWatcher', () => {
  it('reports changes only', () => {
    const watcher = new OnlineWatcher(true);
    expect(watcher.sample(true)).toBeNull();
    expect(watcher.sample(false)).toBe('offline');
    expect(watcher.sample(false)).toBeNull();
    expect(watcher.sample(true)).toBe('online');
  });
});

describe('watchSystemEvents', () => {
  it('forwards suspend/resume and network changes as system commands', () => {
    const listeners = new Map<string, () => void>();
    const sent: PhoneCommand[] = [];
    let online = true;
    let tick = (): void => undefined;
    let interval = 0;
    let unrefed = false;
    watchSystemEvents({
      powerMonitor: { on: (event, listener) => listeners.set(event, listener) },
      isOnline: () => online,
      send: (command) => sent.push(command),
      setInterval: (callback, ms) => {
        tick = callback;
        interval = ms;
        return { unref: () => (unrefed = true) };
      },
    });
    expect(interval).toBe(ONLINE_POLL_MS);
    expect(unrefed).toBe(true);
    listeners.get('suspend')?.();
    tick();
    online = false;
    tick();
    tick();
    listeners.get('resume')?.();
    online = true;
    tick();
    expect(sent).toEqual([
      { kind: 'system', event: 'suspend' },
      { kind: 'system', event: 'offline' },
      { kind: 'system', event: 'resume' },
      { kind: 'system', event: 'online' },
    ]);
  });
});
