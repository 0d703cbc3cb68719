import { electronHost } from './electron-host';
import type { Host } from './host';
import { createWebHost } from './web-host';

/** Picks the Electron host when the preload bridge is present, the Web host otherwise. */
export function selectHost(): Host {
  return electronHost() ?? createWebHost();
}

export { HOST_KEY, useHost, type Host } from './host';
