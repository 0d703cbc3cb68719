import Dexie, { type Table } from 'dexie';
import { callDurationSeconds, type CallSnapshot, type EndReason } from '../sip/call-state';
import type { CallQualitySummary } from '../sip/call-quality-summary';

/** How a call turned out, from the user's point of view; what the history filters and badges use. */
export type CallOutcome = 'answered' | 'missed' | 'rejected' | 'failed' | 'cancelled';

export interface HistoryRecording {
  fileName: string;
  /** A file path on the desktop; the download's file name in the browser. */
  location: string;
}

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
  /** Where the call's recording was saved, when it was recorded. */
  recording?: HistoryRecording;
  /**
   * Codec, average MOS, worst loss and measured time of an answered call. Entries written before
   * this field existed have none; it is not indexed, so no schema version change was needed.
   */
  quality?: CallQualitySummary;
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
  if (call.direction === 'incoming') {
    // Refused or sent elsewhere (302) on purpose: not something the user missed.
    if (reason === 'declined-locally' || reason === 'forwarded') return 'rejected';
    return MISSED_REASONS.has(reason) ? 'missed' : 'failed';
  }
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
    ...(call.quality ? { quality: call.quality } : {}),
    seen: outcome === 'missed' ? 0 : 1,
  };
}

export type HistoryKind = 'missed' | 'incoming' | 'outgoing';

export interface HistoryFilter {
  kind?: HistoryKind;
  accountId?: string;
  /** Matches the caller's name, URI or number digits. */
  text?: string;
}

function matchesKind(entry: CallHistoryEntry, kind: HistoryKind): boolean {
  return kind === 'missed' ? entry.outcome === 'missed' : entry.direction === kind;
}

/** The filter as a predicate, for a database scan or for a list already in memory. */
export function historyMatcher(filter: HistoryFilter): (entry: CallHistoryEntry) => boolean {
  const text = filter.text?.trim().toLowerCase() ?? '';
  const digits = text.replace(/[^\d]/g, '');
  return (entry) =>
    (filter.kind === undefined || matchesKind(entry, filter.kind)) &&
    (filter.accountId === undefined || entry.accountId === filter.accountId) &&
    (text === '' ||
      entry.remoteDisplayName.toLowerCase().includes(text) ||
      entry.remoteUri.toLowerCase().includes(text) ||
      (digits.length > 0 && entry.remoteNumber.includes(digits)));
}

const CSV_COLUMNS = [
  'started',
  'direction',
  'outcome',
  'name',
  'number',
  'uri',
  'duration_seconds',
  'end_reason',
  'sip_code',
  'account',
  'codec',
  'mos_average',
  'worst_loss_percent',
] as const;

/**
 * History as CSV (RFC 4180). Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) get
 * a leading apostrophe: caller names come from the network.
 */
export function historyCsv(entries: readonly CallHistoryEntry[]): string {
  const cell = (value: string | number | undefined): string => {
    const text = value === undefined ? '' : String(value);
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const rows = entries.map((e) =>
    [
      new Date(e.startedAt).toISOString(),
      e.direction,
      e.outcome,
      e.remoteDisplayName,
      e.remoteNumber,
      e.remoteUri,
      e.durationSeconds,
      e.endReason,
      e.statusCode,
      e.accountId,
      e.quality?.codec,
      e.quality?.averageMos,
      e.quality === undefined ? undefined : Math.round(e.quality.worstLoss * 1000) / 10,
    ]
      .map(cell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** Call history in IndexedDB. Each write is one transaction, keyed by call id. */
export class CallHistory extends Dexie {
  calls!: Table<CallHistoryEntry, string>;

  constructor(name = 'ringline-history') {
    super(name);
    this.version(1).stores({ calls: '&id, startedAt, accountId, outcome, seen' });
  }

  /**
   * Writes the ended call, keeping a recording already attached to it (the two can arrive either way
   * round) and a quality summary written earlier.
   */
  async record(call: CallSnapshot, recording?: HistoryRecording): Promise<CallHistoryEntry> {
    return this.transaction('rw', this.calls, async () => {
      const earlier = await this.calls.get(call.id);
      const kept = recording ?? earlier?.recording;
      const quality = call.quality ?? earlier?.quality;
      const entry = {
        ...historyEntryFor(call),
        ...(kept ? { recording: kept } : {}),
        ...(quality ? { quality } : {}),
      };
      await this.calls.put(entry);
      return entry;
    });
  }

  /** Lists a saved recording on its call's entry; false when the call is not in history yet. */
  async attachRecording(callId: string, recording: HistoryRecording): Promise<boolean> {
    return (await this.calls.update(callId, { recording })) === 1;
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

  /** Newest first, narrowed by the filter, at most `limit` entries. */
  query(filter: HistoryFilter = {}, limit = Infinity): Promise<CallHistoryEntry[]> {
    const matches = historyMatcher(filter);
    return this.calls.orderBy('startedAt').reverse().filter(matches).limit(limit).toArray();
  }

  /** Every entry, newest first, read in one go (IndexedDB getAll: far faster than a filtered cursor). */
  async all(): Promise<CallHistoryEntry[]> {
    return (await this.calls.orderBy('startedAt').toArray()).reverse();
  }

  async remove(id: string): Promise<void> {
    await this.calls.delete(id);
  }

  async clearAll(): Promise<void> {
    await this.calls.clear();
  }

  async latestUnseenMissed(): Promise<CallHistoryEntry | undefined> {
    const unseen = await this.calls.where('seen').equals(0).sortBy('startedAt');
    return unseen.at(-1);
  }
}
