import { electronHost } from './electron-host';
import type { FirstRead } from './first-read';
import type { Host } from './host';

/**
 * Picks the Electron host when the preload bridge is present, the Web host otherwise. The Web host
 * (IndexedDB, validation) is loaded only in a browser: the desktop app never downloads it.
 */
export async function selectHost(firstRead?: FirstRead): Promise<Host> {
  return electronHost() ?? (await import('./web-host')).createWebHost(undefined, firstRead);
}

export { HOST_KEY, useHost, type Host } from './host';
