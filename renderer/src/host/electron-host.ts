import type { RinglineApi } from '@common/contract';
import type { Host } from './host';

declare global {
  interface Window {
    /** Exposed by electron/preload with contextBridge; absent in a plain browser. */
    ringline?: RinglineApi;
  }
}

/** The desktop host is the preload bridge itself: main implements the contract. */
export function electronHost(): Host | undefined {
  return window.ringline;
}
