import { inject, type InjectionKey } from 'vue';
import type { RinglineApi } from '@common/contract';

/**
 * Everything the renderer needs from the machine it runs on. The desktop app implements it through the
 * preload bridge (Electron main owns accounts, secrets, notifications, links); the browser build
 * implements it with web APIs. The renderer never imports Electron.
 */
export type Host = RinglineApi;

export const HOST_KEY: InjectionKey<Host> = Symbol('host');

/** The host provided by `main.ts`; works in components and in Pinia setup stores (they run in the app context). */
export function useHost(): Host {
  const host = inject(HOST_KEY);
  if (!host) throw new Error('Ringline host was not provided to the app');
  return host;
}
