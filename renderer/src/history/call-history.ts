import Dexie, { type Collection, type Table } from 'dexie';
import { callDurationSeconds, type CallSnapshot, type EndReason } from '../sip/call-state';
import type { CallQualitySummary } from '../sip/call-quality-summary';
import { HistoryPager, withoutSearchKeys, type StoredHistoryEntry } from './history-pager';
import { historyQuery, searchKeys } from './search-terms';

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
  /** Finds callers by any word of their name (or run of Chinese characters) and by their number. */
  text?: string;
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

/** The CSV's first line (RFC 4180, CRLF line ends). */
export const HISTORY_CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

/**
 * History entries as CSV lines, one per entry. Cells that a spreadsheet would run as a formula (`=`,
 * `+`, `-`, `@`) get a leading apostrophe: caller names come from the network.
 */
export function historyCsvRows(entries: readonly CallHistoryEntry[]): string {
  const cell = (value: string | number | undefined): string => {
    const text = value === undefined ? '' : String(value);
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return entries
    .map(
      (e) =>
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
          .join(',') + '\r\n',
    )
    .join('');
}

function stored(entry: CallHistoryEntry): StoredHistoryEntry {
  return { ...entry, search: searchKeys(entry) };
}

/** Call history in IndexedDB. Each write is one transaction, keyed by call id. */
export class CallHistory extends Dexie {
  calls!: Table<StoredHistoryEntry, string>;

  constructor(name = 'ringline-history') {
    super(name);
    this.version(1).stores({ calls: '&id, startedAt, accountId, outcome, seen' });
    // Version 2: paging and search without reading every entry, through a multi-entry index of search
    // keys; the account and outcome indexes gave way to facet terms in it. Its keys are (re)written
    // by version 3's upgrade, which a version 1 database also goes through: written once, not twice.
    this.version(2).stores({ calls: '&id, startedAt, [seen+startedAt], *search' });
    // Version 3: numbers are also indexed by runs of four and seven digits (`search-terms.ts`), so
    // every entry's keys are written again (replacing a version 2 entry's, giving a version 1 entry its first).
    // Entries are taken out and written back whole: in Chromium that is twice as quick as rewriting
    // each in place, and the upgrade transaction still makes it all or nothing.
    this.version(3)
      .stores({ calls: '&id, startedAt, [seen+startedAt], *search' })
      .upgrade(async (tx) => {
        const calls = tx.table<StoredHistoryEntry, string>('calls');
        const entries = await calls.toArray();
        await calls.clear();
        await calls.bulkAdd(entries.map(stored));
      });
  }

  /**
   * Whether the database is there at this schema version, so that opening it neither creates it nor
   * upgrades it. IndexedDB's version number is Dexie's times ten.
   */
  async isCurrent(): Promise<boolean> {
    const found = (await indexedDB.databases()).find((info) => info.name === this.name);
    return found?.version === Math.round(this.verno * 10);
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
      const entry: CallHistoryEntry = {
        ...historyEntryFor(call),
        ...(kept ? { recording: kept } : {}),
        ...(quality ? { quality } : {}),
      };
      await this.calls.put(stored(entry));
      return entry;
    });
  }

  /** Lists a saved recording on its call's entry; the entry, or undefined when it is not in history yet. */
  async attachRecording(callId: string, recording: HistoryRecording): Promise<CallHistoryEntry | undefined> {
    return this.transaction('rw', this.calls, async () => {
      const entry = await this.calls.get(callId);
      if (!entry) return undefined;
      await this.calls.update(callId, { recording });
      return withoutSearchKeys({ ...entry, recording });
    });
  }

  /** Reads `filter`'s list page by page, newest first. */
  pager(filter: HistoryFilter = {}): HistoryPager {
    return new HistoryPager(this.calls, historyQuery(filter));
  }

  /** Every entry of `filter`'s list as CSV, a page of lines at a time (the export can be 100,000 calls). */
  async *csv(filter: HistoryFilter = {}, pageSize = 2_000): AsyncGenerator<string> {
    yield HISTORY_CSV_HEADER;
    const pager = this.pager(filter);
    while (!pager.done) {
      const entries = await pager.next(pageSize);
      if (entries.length > 0) yield historyCsvRows(entries);
    }
  }

  private unseen(): Collection<StoredHistoryEntry, string> {
    return this.calls.where('[seen+startedAt]').between([0, -Infinity], [0, Infinity]);
  }

  unseenMissed(): Promise<number> {
    return this.unseen().count();
  }

  async markAllSeen(): Promise<void> {
    await this.unseen().modify({ seen: 1 });
  }

  async latestUnseenMissed(): Promise<CallHistoryEntry | undefined> {
    const latest = await this.unseen().last();
    return latest && withoutSearchKeys(latest);
  }

  async remove(id: string): Promise<void> {
    await this.calls.delete(id);
  }

  async clearAll(): Promise<void> {
    await this.calls.clear();
  }
}
