import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userPause } from '../../../renderer/src/composables/user-pause';

/** Whether the promise has settled by now (after the microtasks queued so far). */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('userPause', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for the whole pause, counted again from each key, click, text entry or scroll', async () => {
    const pause = userPause(5_000);
    for (const event of [
      new KeyboardEvent('keydown', { key: 'a' }),
      new PointerEvent('pointerdown'),
      new InputEvent('input'),
      new WheelEvent('wheel'),
    ]) {
      await vi.advanceTimersByTimeAsync(4_000);
      document.body.dispatchEvent(event);
      expect(await settled(pause)).toBe(false);
    }
    await vi.advanceTimersByTimeAsync(4_999);
    expect(await settled(pause)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(pause)).toBe(true);
  });

  it('once aborted stops listening and never resolves', async () => {
    const listening = vi.spyOn(window, 'removeEventListener');
    const abort = new AbortController();
    const pause = userPause(5_000, abort.signal);
    abort.abort();
    expect(listening.mock.calls.map(([type]) => type).sort()).toEqual([
      'input',
      'keydown',
      'pointerdown',
      'wheel',
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await settled(pause)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    listening.mockRestore();
  });

  it('is not started by a signal aborted already', async () => {
    const abort = new AbortController();
    abort.abort();
    const pause = userPause(5_000, abort.signal);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await settled(pause)).toBe(false);
  });
});
