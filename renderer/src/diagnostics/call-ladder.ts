import type { SipDirection } from '../sip/sip-capture';
import { clockTime, type SipLogEntry } from './sip-message-log';

/** One arrow of the ladder: a message between Ringline and the server. */
export interface LadderStep {
  seq: number;
  at: number;
  /** Milliseconds since the call's first message. */
  elapsedMs: number;
  direction: SipDirection;
  /** `INVITE sip:1010@pbx`, `407 Proxy Authentication Required (INVITE)`. */
  label: string;
  cseq?: number;
  failed?: string;
}

export interface CallLadder {
  callId: string;
  steps: LadderStep[];
}

/** Longer labels are shortened in the text drawing; the table shows them whole. */
const MAX_LABEL = 64;

function labelOf(entry: SipLogEntry): string {
  const { head } = entry;
  if (head.kind === 'request') return `${head.method} ${head.requestUri ?? ''}`.trim();
  if (head.kind === 'response') {
    const status = `${head.status ?? ''} ${head.reason ?? ''}`.trim();
    return head.method ? `${status} (${head.method})` : status;
  }
  return head.startLine || '?';
}

/** The messages of one Call-ID, in the order they crossed the transport. */
export function callLadder(entries: readonly SipLogEntry[], callId: string): CallLadder {
  const mine = entries.filter((entry) => entry.head.callId === callId).sort((a, b) => a.seq - b.seq);
  const first = mine[0]?.at ?? 0;
  return {
    callId,
    steps: mine.map((entry) => ({
      seq: entry.seq,
      at: entry.at,
      elapsedMs: entry.at - first,
      direction: entry.direction,
      label: labelOf(entry),
      ...(entry.head.cseq === undefined ? {} : { cseq: entry.head.cseq }),
      ...(entry.failed === undefined ? {} : { failed: entry.failed }),
    })),
  };
}

/**
 * The Call-ID of a call known by its SIP.js session id (history keeps that id). SIP.js names a session
 * by the Call-ID followed by the From tag of its INVITE, for calls made and calls taken alike.
 */
export function callIdOfSession(entries: readonly SipLogEntry[], sessionId: string): string | undefined {
  for (const { head } of entries) {
    if (head.callId && head.fromTag && head.callId + head.fromTag === sessionId) return head.callId;
  }
  return undefined;
}

function shorten(label: string): string {
  return label.length <= MAX_LABEL ? label : `${label.slice(0, MAX_LABEL - 1)}…`;
}

/**
 * The ladder drawn in plain text, one arrow per line, for a support ticket:
 *
 * ```
 * Time          Elapsed  Ringline                                   Server
 * 10:00:00.123     0 ms  |----- INVITE sip:1010@pbx ---------------->|
 * 10:00:00.135    12 ms  |<---- 407 Proxy Authentication Required ---|
 * ```
 */
export function ladderText(ladder: CallLadder, ends: { us: string; server: string }): string {
  const labels = ladder.steps.map((step) => shorten(step.label) + (step.failed ? ' [NOT SENT]' : ''));
  const width = Math.max(24, ...labels.map((label) => label.length + 12));
  const elapsed = ladder.steps.map((step) => `${step.elapsedMs} ms`);
  const elapsedWidth = Math.max(7, ...elapsed.map((text) => text.length));
  const lines = [
    `Call-ID: ${ladder.callId}`,
    `Ringline: ${ends.us}`,
    `Server: ${ends.server}`,
    '',
    `${'Time'.padEnd(12)}  ${'Elapsed'.padStart(elapsedWidth)}  ${'Ringline'.padEnd(width - 6)}Server`,
  ];
  ladder.steps.forEach((step, index) => {
    const label = labels[index] ?? '';
    const arrow =
      step.direction === 'sent'
        ? `|----- ${label} `.padEnd(width - 2, '-') + '>|'
        : `|<---- ${label} `.padEnd(width - 1, '-') + '|';
    lines.push(`${clockTime(step.at)}  ${(elapsed[index] ?? '').padStart(elapsedWidth)}  ${arrow}`);
  });
  return `${lines.join('\n')}\n`;
}
