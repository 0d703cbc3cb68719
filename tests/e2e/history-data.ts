import type { Page } from '@playwright/test';

/** Callers of the generated history: every sixth call is theirs, in this order. */
export const HISTORY_NAMES = ['Alice Smith', '张伟', 'Bob Jones', 'Desk 12', 'Support line', 'Zoë Adams'];

/**
 * Call `i` of a generated history of `count` calls, one a minute back from `now` (0 is the newest), as
 * version 1 of the app stored it. The oldest is "Needle Person", the middle one 王小明; number
 * 2015550000 + i; every seventh missed, every third outgoing.
 */
export function versionOneEntry(i: number, count: number, now: number) {
  const startedAt = now - i * 60_000;
  const missed = i % 7 === 0;
  return {
    id: `bench-${i}`,
    accountId: 'bench',
    direction: i % 3 === 0 ? 'outgoing' : 'incoming',
    remoteUri: `sip:${2015550000 + i}@pbx.example.com`,
    remoteDisplayName:
      i === count - 1
        ? 'Needle Person'
        : i === Math.floor(count / 2)
          ? '王小明'
          : (HISTORY_NAMES[i % 6] ?? ''),
    remoteNumber: String(2015550000 + i),
    startedAt,
    ...(missed ? {} : { answeredAt: startedAt + 5_000 }),
    endedAt: startedAt + 65_000,
    durationSeconds: missed ? 0 : 60,
    endReason: missed ? 'cancelled' : 'remote-hangup',
    outcome: missed ? 'missed' : 'answered',
    seen: 1,
  };
}

/**
 * Replaces the app's call history with `count` calls ({@link versionOneEntry}) written the way version 1
 * of the app stored them (its schema, no search keys), as an installed copy has them before it is
 * updated. The app upgrades the database in place on its next start. Returns the time the writing
 * took in the page, in ms.
 *
 * The app's own connection closes when asked (Dexie does so on `versionchange`), so the page may be
 * the running app; nothing in it must touch history until it is reloaded.
 */
export async function writeVersion1History(page: Page, count: number, now = Date.now()): Promise<number> {
  const entries = Array.from({ length: count }, (_, i) => versionOneEntry(i, count, now));
  return page.evaluate(async (entries) => {
    const started = performance.now();
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    await request(indexedDB.deleteDatabase('ringline-history'));
    // Dexie's version(1) of `calls: '&id, startedAt, accountId, outcome, seen'` is native version 10.
    const open = indexedDB.open('ringline-history', 10);
    open.onupgradeneeded = () => {
      const calls = open.result.createObjectStore('calls', { keyPath: 'id' });
      for (const index of ['startedAt', 'accountId', 'outcome', 'seen']) calls.createIndex(index, index);
    };
    const db = await request(open);
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('calls', 'readwrite');
      const store = tx.objectStore('calls');
      for (const entry of entries) store.put(entry);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return performance.now() - started;
  }, entries);
}

/**
 * Waits, in a page that has just loaded the app, until the app has its history database open at
 * version 3 (an upgrade from version 1 included) and returns when that was, in ms since the page
 * started loading. An open request without a version waits behind a running upgrade.
 */
export async function historyReadyAt(page: Page): Promise<{ at: number; version: number }> {
  return page.evaluate(async () => {
    for (;;) {
      const version = await new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('ringline-history');
        open.onsuccess = () => {
          const found = open.result.version;
          open.result.close();
          resolve(found);
        };
        open.onerror = () => reject(open.error);
      });
      if (version >= 30) return { at: performance.now(), version };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
}
