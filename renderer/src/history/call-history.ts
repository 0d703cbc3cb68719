import Dexie, { type Table } from 'dexie';
import { callDurationSeconds, type CallSnapshot, type EndReason } from '../sip/call-state';

/** How a call turned out, from the user's point of view; what the history filters and badges use. */
export type CallOutcome = 'answered' | 'missed' | 'rejected' | 'failed' | 'cancelled';

export interface CallHistoryEntry {
  /** The SIP.js session id (Call-ID + tag): writing the same call twice updates, never duplicates. */
  id: string;
  accountId: string;
  direction: CallSnapshot['direction'];
  remoteUri: string;
  remoteDisplayName: string;
  remoteNumber: string;
  startedAt: number;
  answeredAt?: number;
  endedAt: number;
  durationSeconds: number;
  endReason: EndReason;
  statusCode?: number;
  outcome: CallOutcome;
  /** 0 until the user has looked at the history (IndexedDB cannot index booleans). */
  seen: 0 | 1;
}

const MISSED_REASONS: ReadonlySet<EndReason> = new Set([
  'cancelled',
  'no-answer',
  'remote-hangup',
  'unavailable',
  'do-not-disturb',
]);

/** Classifies an ended call. An incoming call that stopped ringing without us answering is missed. */
export function outcomeOf(call: CallSnapshot): CallOutcome {
  const reason = call.end?.reason ?? 'failed';
  if (call.answeredAt !== undefined) return 'answered';
  if (call.direction === 'incoming')
    return reason === 'declined-locally' ? 'rejected' : MISSED_REASONS.has(reason) ? 'missed' : 'failed';
  if (reason === 'cancelled' || reason === 'local-hangup') return 'cancelled';
  return 'failed';
}

export function historyEntryFor(call: CallSnapshot): CallHistoryEntry {
  const endedAt = call.endedAt ?? Date.now();
  const outcome = outcomeOf(call);
  return {
    id: call.id,
    accountId: call.accountId,
    direction: call.direction,
    remoteUri: call.remoteUri,
    remoteDisplayName: call.remoteDisplayName,
    remoteNumber: call.remoteNumber,
    startedAt: call.createdAt,
    ...(call.answeredAt !== undefined ? { answeredAt: call.answeredAt } : {}),
    endedAt,
    durationSeconds: callDurationSeconds(call, endedAt),
    endReason: call.end?.reason ?? 'failed',
    ...(call.end?.statusCode !== undefined ? { statusCode: call.end.statusCode } : {}),
    outcome,
    seen: outcome === 'missed' ? 0 : 1,
  };
}

/** Call history in IndexedDB. Each write is one transaction, keyed by call id. */
export class CallHistory extends Dexie {
  calls!: Table<CallHistoryEntry, string>;

  constructor(name = 'ringline-history') {
    super(name);
    this.version(1).stores({ calls: '&id, startedAt, accountId, outcome, seen' });
  }

  async record(call: CallSnapshot): Promise<CallHistoryEntry> {
    const entry = historyEntryFor(call);
    await this.calls.put(entry);
    return entry;
  }

  recent(limit = 200): Promise<CallHistoryEntry[]> {
    return this.calls.orderBy('startedAt').reverse().limit(limit).toArray();
  }

  unseenMissed(): Promise<number> {
    return this.calls.where('seen').equals(0).count();
  }

  async markAllSeen(): Promise<void> {
    await this.calls.where('seen').equals(0).modify({ seen: 1 });
  }

  async latestUnseenMissed(): Promise<CallHistoryEntry | undefined> {
    const unseen = await this.calls.where('seen').equals(0).sortBy('startedAt');
    return unseen.at(-1);
  }
}
