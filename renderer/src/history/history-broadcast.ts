import type { CallHistoryEntry } from './call-history';

/** What one copy of the app tells the others it changed in the call history they share. */
export type HistoryChange =
  | { kind: 'placed'; entry: CallHistoryEntry }
  | { kind: 'removed'; id: string }
  | { kind: 'seen' }
  | { kind: 'cleared' };

export interface HistoryBroadcast {
  /** Tells the other copies; never throws (they see the change at their next read anyway). */
  announce(change: HistoryChange): void;
  close(): void;
}

const CHANNEL = 'ringline-call-history';

/**
 * The browser build can be open in several tabs over one IndexedDB database, and each tab keeps the
 * newest calls in memory until it writes (see `stores/history.ts`): without a word from the tab that
 * wrote, another tab's history, badge and recent calls would miss its calls. A BroadcastChannel
 * never delivers a message to the channel that posted it, so each tab hears only the others. The
 * desktop app has one renderer: nobody hears, nothing is lost.
 */
export function historyBroadcast(onChange: (change: HistoryChange) => void): HistoryBroadcast {
  if (typeof BroadcastChannel === 'undefined') return { announce: () => undefined, close: () => undefined };
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const change = asHistoryChange(event.data);
    if (change) onChange(change);
  };
  return {
    announce(change) {
      try {
        channel.postMessage(change);
      } catch {
        // Not cloneable (cannot happen with entries read from IndexedDB) or the channel is closed.
      }
    },
    close: () => channel.close(),
  };
}

/** Same-origin tabs only can post here, but an older copy of the app may post another shape. */
function asHistoryChange(data: unknown): HistoryChange | undefined {
  if (typeof data !== 'object' || data === null || !('kind' in data)) return undefined;
  const change = data as Record<string, unknown>;
  switch (change.kind) {
    case 'placed': {
      const entry = change.entry as Partial<CallHistoryEntry> | undefined;
      return typeof entry?.id === 'string' && typeof entry.startedAt === 'number'
        ? { kind: 'placed', entry: entry as CallHistoryEntry }
        : undefined;
    }
    case 'removed':
      return typeof change.id === 'string' ? { kind: 'removed', id: change.id } : undefined;
    case 'seen':
    case 'cleared':
      return { kind: change.kind };
    default:
      return undefined;
  }
}
