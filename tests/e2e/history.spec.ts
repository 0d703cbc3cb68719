import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { historyReadyAt, versionOneEntry, writeVersion1History } from './history-data';

declare global {
  interface Window {
    /** Call history entries the page has read from IndexedDB (see `countHistoryReads`). */
    __historyReads?: { entries: number };
  }
}

/**
 * Init script: counts the call history entries the page reads from IndexedDB (each value a `get`,
 * `getAll` or cursor step delivers from the history database), wrapping the browser's own methods.
 */
function countHistoryReads(): void {
  const reads = { entries: 0 };
  window.__historyReads = reads;
  const isHistory = (store: IDBObjectStore) => store.transaction.db.name === 'ringline-history';
  const count = (request: IDBRequest, store: IDBObjectStore, size: (result: unknown) => number) => {
    if (!isHistory(store)) return;
    request.addEventListener('success', () => (reads.entries += size(request.result)));
  };
  for (const Source of [IDBObjectStore, IDBIndex]) {
    const storeOf = (source: IDBObjectStore | IDBIndex) =>
      source instanceof IDBIndex ? source.objectStore : source;
    const { get, getAll, openCursor } = Source.prototype;
    Source.prototype.get = function (this: IDBObjectStore | IDBIndex, ...args: [IDBValidKey | IDBKeyRange]) {
      const request = get.apply(this, args);
      count(request, storeOf(this), (result) => (result === undefined ? 0 : 1));
      return request;
    } as typeof get;
    Source.prototype.getAll = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
      const request = (getAll as (...a: unknown[]) => IDBRequest<unknown[]>).apply(this, args);
      count(request, storeOf(this), (result) => (Array.isArray(result) ? result.length : 0));
      return request;
    } as typeof getAll;
    Source.prototype.openCursor = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
      const request = (openCursor as (...a: unknown[]) => IDBRequest<IDBCursorWithValue | null>).apply(
        this,
        args,
      );
      count(request, storeOf(this), (result) => (result ? 1 : 0));
      return request;
    } as typeof openCursor;
  }
}

/** How the rows of a history list lie in their scrolling box (runs in the page). */
function listLayout(scroller: HTMLElement): { fillsBox: boolean; rowsBelowBox: boolean; overlaps: number } {
  const box = scroller.getBoundingClientRect();
  const rows = [...scroller.querySelectorAll('li')]
    .map((row) => row.getBoundingClientRect())
    .sort((a, b) => a.top - b.top);
  return {
    fillsBox: (rows.at(-1)?.bottom ?? box.top) >= box.bottom,
    rowsBelowBox: rows.some((row) => row.top >= box.bottom),
    overlaps: rows.filter((row, i) => i > 0 && row.top < (rows[i - 1]?.bottom ?? 0) - 0.5).length,
  };
}

const historyReads = (page: Page) => page.evaluate(() => window.__historyReads?.entries ?? 0);

/** Gives the app (already open) `count` calls as version 1 stored them, and reloads it: it upgrades them. */
async function withOldHistory(page: Page, count: number): Promise<void> {
  await page.context().addInitScript(countHistoryReads);
  await writeVersion1History(page, count);
  await page.reload();
  expect((await historyReadyAt(page)).version).toBe(30);
}

test.describe('call history at scale (web host)', () => {
  test('an older version history of 3,000 calls is upgraded in place, read a page at a time and searched by name, Chinese name and number', async ({
    openApp,
  }) => {
    const app = await openApp();
    const page = app.page;
    await app.button(/Recent calls/).waitFor();
    await withOldHistory(page, 3_000);
    const before = await historyReads(page);
    await app.button(/Recent calls/).click();
    const list = page.getByRole('region', { name: 'Recent calls' });
    const rows = list.locator('.history-row');
    // Newest first, under a heading for its day.
    await expect(rows.first()).toContainText(versionOneEntry(0, 3_000, 0).remoteNumber);
    await expect(rows.nth(1)).toContainText(versionOneEntry(1, 3_000, 0).remoteNumber);
    await expect(list.locator('.history-day').first()).toBeVisible();
    expect(await historyReads(page), 'entries read to open the list').toBeLessThanOrEqual(before + 250);
    // The first screen renders only the rows that fit, the rows below it come once it is painted, and
    // each row is placed by its measured height: the list fills its box, with rows ready below it,
    // and no row overlaps the one above it.
    await expect
      .poll(() => list.locator('.history-scroller').evaluate(listLayout))
      .toEqual({ fillsBox: true, rowsBelowBox: true, overlaps: 0 });

    const search = list.getByLabel('Search calls');
    const expectOnly = async (text: string, shown: string) => {
      await search.fill(text);
      await expect(rows.first()).toContainText(shown);
      await expect(rows).toHaveCount(1);
    };
    const beforeSearches = await historyReads(page);
    await expectOnly('Needle', 'Needle Person');
    await expectOnly('needle pers', 'Needle Person');
    await expectOnly('小明', '王小明');
    await expectOnly('王', '王小明');
    await expectOnly('+1 (201) 555-0123', '2015550123');
    await expectOnly('201-555-0123', '2015550123');
    await expectOnly('(201) 555 1234', '2015551234');
    // Any part of a number: every one of the 3,000 numbers has "201555", only one "555 0123" or "0123".
    await expectOnly('555 0123', '2015550123');
    await expectOnly('0123', '2015550123');
    // Accents do not matter, and a common name lists its newest calls first.
    await search.fill('zoe');
    await expect(rows.first()).toContainText('Zoë Adams');
    await expect(rows.first()).toContainText(versionOneEntry(5, 3_000, 0).remoteNumber);
    await search.fill('nobody like this');
    await expect(rows).toHaveCount(0);
    await expect(list.getByText('No calls match.')).toBeVisible();
    expect(await historyReads(page), 'entries read by the searches').toBeLessThan(beforeSearches + 1_000);

    // Filters: only missed calls, newest first.
    await search.fill('');
    await list.getByRole('radio', { name: 'Missed' }).check();
    await expect(rows.first()).toContainText(versionOneEntry(0, 3_000, 0).remoteNumber);
    await expect(rows.nth(1)).toContainText(versionOneEntry(7, 3_000, 0).remoteNumber);
    for (const outcome of await rows.evaluateAll((items) =>
      items.map((item) => item.getAttribute('data-outcome')),
    ))
      expect(outcome).toBe('missed');

    // Scrolling reads the next pages, in order, with nothing missing.
    await list.getByRole('radio', { name: 'All' }).check();
    await expect(rows.first()).toContainText(versionOneEntry(0, 3_000, 0).remoteNumber);
    // Half a screen at a time, as far as the 321st call: every call on the way appears once, in order.
    const last = versionOneEntry(320, 3_000, 0).remoteNumber;
    const seen = await list.locator('.history-scroller').evaluate(async (scroller, last) => {
      const order: string[] = [];
      for (let step = 0; step < 3_000 && !order.includes(last); step++) {
        for (const row of scroller.querySelectorAll('.history-row')) {
          const number = /2015\d{6}/.exec(row.textContent ?? '')?.[0];
          if (number && !order.includes(number)) order.push(number);
        }
        scroller.scrollTop += scroller.clientHeight / 2;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      return order;
    }, last);
    expect(seen.slice(0, 321)).toEqual(
      Array.from({ length: 321 }, (_, i) => versionOneEntry(i, 3_000, 0).remoteNumber),
    );
    // Opening the history released this new user's start work, which waits for a pause in their input
    // there: it does run (the other views' code is fetched with it).
    await expect
      .poll(() =>
        page.evaluate(() =>
          performance.getEntriesByType('resource').some((entry) => /SettingsView-.*\.js$/.test(entry.name)),
        ),
      )
      .toBe(true);
  });

  test('export writes the filtered list as CSV; a deleted call stays deleted', async ({ openApp }) => {
    const app = await openApp();
    const page = app.page;
    await app.button(/Recent calls/).waitFor();
    await withOldHistory(page, 300);
    await app.button(/Recent calls/).click();
    const list = page.getByRole('region', { name: 'Recent calls' });
    const rows = list.locator('.history-row');
    await list.getByRole('radio', { name: 'Missed' }).check();
    await expect(rows.first()).toHaveAttribute('data-outcome', 'missed');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      list.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await (await download.createReadStream()).toArray();
    const lines = Buffer.concat(csv).toString('utf8').trimEnd().split('\r\n');
    const missed = Array.from({ length: 300 }, (_, i) => versionOneEntry(i, 300, 0)).filter(
      (entry) => entry.outcome === 'missed',
    );
    expect(lines).toHaveLength(1 + missed.length);
    expect(lines.slice(1).map((line) => line.split(',')[4])).toEqual(
      missed.map((entry) => entry.remoteNumber),
    );

    await list.getByRole('radio', { name: 'All' }).check();
    const newest = versionOneEntry(0, 300, 0);
    await expect(rows.first()).toContainText(newest.remoteNumber);
    await rows
      .first()
      .getByRole('button', { name: `Delete the call with ${newest.remoteDisplayName}` })
      .click();
    await rows.first().getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(rows.first()).toContainText(versionOneEntry(1, 300, 0).remoteNumber);
    await page.reload();
    await app.button(/Recent calls/).click();
    await expect(rows.first()).toContainText(versionOneEntry(1, 300, 0).remoteNumber);
  });

  test('a finished call goes to the top of the list without the list being read again', async ({
    lab,
    openApp,
  }) => {
    const app = await openApp();
    const page = app.page;
    await app.button(/Recent calls/).waitFor();
    await withOldHistory(page, 2_000);
    await app.addAccount(lab.users.alice, lab.wssUrl);
    await app.expectRegistered();
    const before = await historyReads(page);
    await app.dial(lab.users.legacy.user);
    await expect(app.callState()).toContainText('In call');
    await app.button('Hang up').click();
    await expect(app.callCard()).toHaveCount(0);
    await app.button(/Recent calls/).click();
    const rows = page.getByRole('region', { name: 'Recent calls' }).locator('.history-row');
    await expect(rows.first()).toContainText(lab.users.legacy.user);
    await expect(rows.first()).toHaveAttribute('data-outcome', 'answered');
    await expect(rows.nth(1)).toContainText(versionOneEntry(0, 2_000, 0).remoteNumber);
    expect(await historyReads(page), 'entries read to record the call and open the list').toBeLessThan(
      before + 300,
    );
  });
});
