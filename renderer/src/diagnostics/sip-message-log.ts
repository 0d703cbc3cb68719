import { redact } from '@common/log-redaction';
import type { CapturedSipMessage, SipDirection } from '../sip/sip-capture';
import { readSipMessageHead, type SipMessageHead } from './sip-message-head';

/** How many messages the log keeps at most: the oldest goes when one more arrives. */
export const SIP_LOG_CAPACITY = 2000;

/**
 * How much message text the log keeps at most, in bytes of the renderer's heap: the oldest messages go
 * until the rest fit. Messages differ tenfold in size (a 100 Trying takes a few hundred bytes, an
 * INVITE with Chromium's SDP ~4 KB in the bench's heap snapshots), so a count alone does not bound the
 * memory: 2,000 INVITEs would be ~8 MB. 1 MiB keeps the whole signalling of the last ~60 calls (the
 * bench's full log: 623 messages of ~62 calls, each INVITE twice with its challenge, the responses,
 * ACK, BYE) or a day of registration refreshes, which is what a support case looks at, and costs a
 * phone left open for weeks the same as one that has made sixty calls. Each message also costs its
 * entry and parsed head, ~0.6 KB (the same log retained 1,028 KiB in all).
 */
export const SIP_LOG_TEXT_BUDGET = 1024 * 1024;

/** The log's two limits as the viewer words them ("2,000", "1 MiB"). */
export function sipLogLimits(): { count: string; size: string } {
  return { count: SIP_LOG_CAPACITY.toLocaleString(), size: `${SIP_LOG_TEXT_BUDGET / 1024 / 1024} MiB` };
}

/**
 * The most bytes a message's text can take in the renderer's heap: two a UTF-16 code unit. V8 keeps
 * a string in one byte a character only when it was made that way, and SIP messages built from parts
 * of received ones often are not: counted at one byte a Latin-1 character, a log "full" at 1 MiB held
 * 1.35 MiB of message strings in the bench's heap snapshot.
 */
export function heldTextBytes(text: string): number {
  return text.length * 2;
}

/** One message in the log, with what the filters and the ladder read from it. */
export interface SipLogEntry {
  /** Increases by one per message, across accounts: the list's key and the order of arrival. */
  seq: number;
  id: string;
  accountId: string;
  direction: SipDirection;
  at: number;
  /** Redacted at capture (`sip-capture.ts`). */
  text: string;
  head: SipMessageHead;
  failed?: string;
}

/**
 * The last SIP messages of every account, oldest first: at most {@link SIP_LOG_CAPACITY} of them and
 * {@link SIP_LOG_TEXT_BUDGET} bytes of their text. A ring buffer, so a phone left running for weeks
 * holds the same megabyte or so as one that has made a hundred calls.
 */
export class SipMessageLog {
  private readonly ring: (SipLogEntry | undefined)[];
  /** Index of the oldest entry. */
  private start = 0;
  private count = 0;
  private nextSeq = 1;
  private droppedCount = 0;
  private heldBytes = 0;

  constructor(
    readonly capacity = SIP_LOG_CAPACITY,
    readonly textBudget = SIP_LOG_TEXT_BUDGET,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity ${capacity}`);
    if (!Number.isInteger(textBudget) || textBudget < 1) throw new RangeError(`text budget ${textBudget}`);
    this.ring = new Array<SipLogEntry | undefined>(capacity);
  }

  /** Messages in the log now. */
  get size(): number {
    return this.count;
  }

  /** Bytes of message text held now ({@link heldTextBytes}). */
  get textBytes(): number {
    return this.heldBytes;
  }

  /** Messages pushed out by newer ones since the start (or the last {@link clear}). */
  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Adds a message; a report of a failed send (same `id`, `failed` set) updates the entry already
   * there instead, which is found among the newest few.
   */
  add(message: CapturedSipMessage): SipLogEntry {
    if (message.failed !== undefined) {
      const earlier = this.findRecent(message.id);
      if (earlier) {
        const index = (this.start + earlier.position) % this.capacity;
        const updated = { ...earlier.entry, failed: message.failed };
        this.ring[index] = updated;
        return updated;
      }
    }
    const entry: SipLogEntry = {
      seq: this.nextSeq++,
      id: message.id,
      accountId: message.accountId,
      direction: message.direction,
      at: message.at,
      text: message.text,
      head: readSipMessageHead(message.text),
      ...(message.failed === undefined ? {} : { failed: message.failed }),
    };
    if (this.count === this.capacity) this.dropOldest();
    this.ring[(this.start + this.count) % this.capacity] = entry;
    this.count += 1;
    this.heldBytes += heldTextBytes(entry.text);
    // The newest message stays even when it alone is over the budget: the log is never empty after a message.
    while (this.heldBytes > this.textBudget && this.count > 1) this.dropOldest();
    return entry;
  }

  private dropOldest(): void {
    const oldest = this.ring[this.start];
    if (oldest) this.heldBytes -= heldTextBytes(oldest.text);
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.count -= 1;
    this.droppedCount += 1;
  }

  /** Every entry, oldest first (a new array). */
  entries(): SipLogEntry[] {
    const out: SipLogEntry[] = [];
    for (let i = 0; i < this.count; i++) {
      const entry = this.ring[(this.start + i) % this.capacity];
      if (entry) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.droppedCount = 0;
    this.heldBytes = 0;
  }

  private findRecent(id: string): { entry: SipLogEntry; position: number } | undefined {
    // A failed send is reported a moment after the message itself; a few dozen back is plenty.
    for (let position = this.count - 1; position >= Math.max(0, this.count - 64); position--) {
      const entry = this.ring[(this.start + position) % this.capacity];
      if (entry?.id === id) return { entry, position };
    }
    return undefined;
  }
}

/** What the viewer narrows the log to; every field is optional and they combine with AND. */
export interface SipLogFilter {
  accountId?: string;
  /** A request method; responses count by their CSeq method, so `INVITE` shows the whole exchange. */
  method?: string;
  /** `request`, a class such as `4xx`, or one status code such as `401`. */
  status?: string;
  /** Part of a Call-ID, case-sensitive as Call-IDs are (RFC 3261 §20.8). */
  callId?: string;
  /** Anywhere in the message, any case. */
  text?: string;
}

/** The filter as a predicate over entries. */
export function sipLogMatcher(filter: SipLogFilter): (entry: SipLogEntry) => boolean {
  const text = filter.text?.trim().toLowerCase() ?? '';
  const callId = filter.callId?.trim() ?? '';
  const method = filter.method?.trim().toUpperCase() ?? '';
  const status = filter.status?.trim().toLowerCase() ?? '';
  return (entry) =>
    (!filter.accountId || entry.accountId === filter.accountId) &&
    (method === '' || entry.head.method === method) &&
    (status === '' || statusMatches(entry.head, status)) &&
    (callId === '' || (entry.head.callId ?? '').includes(callId)) &&
    (text === '' || entry.text.toLowerCase().includes(text));
}

function statusMatches(head: SipMessageHead, wanted: string): boolean {
  if (wanted === 'request') return head.kind === 'request';
  if (head.status === undefined) return false;
  const classOf = /^([1-6])xx$/.exec(wanted);
  if (classOf) return Math.floor(head.status / 100) === Number(classOf[1]);
  return String(head.status) === wanted;
}

/** Methods, statuses and Call-IDs present in `entries`, sorted, for the filter choices. */
export function sipLogFacets(entries: readonly SipLogEntry[]): {
  methods: string[];
  statuses: number[];
  callIds: string[];
} {
  const methods = new Set<string>();
  const statuses = new Set<number>();
  const callIds = new Set<string>();
  for (const { head } of entries) {
    if (head.method) methods.add(head.method);
    if (head.status !== undefined) statuses.add(head.status);
    if (head.callId) callIds.add(head.callId);
  }
  return {
    methods: [...methods].sort(),
    statuses: [...statuses].sort((a, b) => a - b),
    callIds: [...callIds],
  };
}

/** `2026-12-07T10:00:00.123Z` in local time with milliseconds: `10:00:00.123`. */
export function clockTime(at: number): string {
  const time = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`;
}

export interface SipLogExportHeader {
  app: string;
  exportedAt: number;
  /** Names of the accounts by id, so the export says whose messages these are. */
  accountNames: Readonly<Record<string, string>>;
  dropped: number;
}

/**
 * The log as a text file a support desk can read: a header, then each message under a line saying
 * when, which way and for which account. The messages were redacted when captured; the whole text is
 * redacted once more so that nothing a later change lets through can reach a file.
 */
export function sipLogExport(entries: readonly SipLogEntry[], header: SipLogExportHeader): string {
  const lines = [
    `${header.app} SIP log, exported ${new Date(header.exportedAt).toISOString()}`,
    `${entries.length} messages, oldest first${header.dropped > 0 ? ` (${header.dropped} older messages no longer kept)` : ''}.`,
    'Passwords and Authorization / Proxy-Authorization values are removed.',
    '',
  ];
  for (const entry of entries) {
    const account = header.accountNames[entry.accountId] ?? entry.accountId;
    const way = entry.direction === 'sent' ? 'sent by Ringline' : 'received by Ringline';
    const failed = entry.failed === undefined ? '' : ` (NOT SENT: ${entry.failed})`;
    lines.push(`===== #${entry.seq} ${new Date(entry.at).toISOString()} ${way}, account ${account}${failed}`);
    lines.push(entry.text.replace(/\r\n/g, '\n').trimEnd(), '');
  }
  return redact(`${lines.join('\n')}\n`);
}
