import type { InjectionKey } from 'vue';
import type { RinglineApi } from '@common/contract';

/**
 * Everything the renderer needs from the machine it runs on. The desktop app implements it through the
 * preload bridge (Electron main owns accounts, secrets, notifications, links); the browser build
 * implements it with web APIs. The renderer never imports Electron.
 */
export type Host = RinglineApi;

export const HOST_KEY: InjectionKey<Host> = Symbol('host');
