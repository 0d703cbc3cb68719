import type { AppPage } from './app-page';

/** The number shown in a call statistics value such as "64.0 kbit/s" or "4.36 of 4.5". */
export async function statNumber(app: AppPage, stat: string): Promise<number> {
  const text = await app.callCard().locator(`dd[data-stat="${stat}"]`).innerText();
  return Number(/-?\d+(\.\d+)?/.exec(text)?.[0] ?? NaN);
}
