/**
 * The digits a baresip desk phone received, read from its ctrl_tcp events.
 */
import type { BaresipEvent } from './baresip-control.js';

/**
 * A key press from the app is at least tone + gap (230 ms) after the previous one. A START of the
 * same digit sooner than this after its END is a late packet of that event: baresip 1.0 tells
 * RFC 4733 events apart by packet order rather than by RTP timestamp (RFC 4733 §2.5.1.1), so an
 * event packet relayed behind the event's end packets starts the "same" digit again.
 */
export const LATE_EVENT_PACKET_MS = 50;

/** The digits pressed, in order, from CALL_DTMF_START/CALL_DTMF_END events of one call. */
export function digitsFromEvents(events: readonly BaresipEvent[]): string {
  let digits = '';
  let lastEnd: { digit: string; at: number } | undefined;
  for (const event of events) {
    const digit = typeof event.param === 'string' ? event.param.trim() : '';
    if (event.type === 'CALL_DTMF_END') {
      lastEnd = { digit: digit || (digits.at(-1) ?? ''), at: event.receivedAt };
    } else if (event.type === 'CALL_DTMF_START') {
      const repeat = lastEnd?.digit === digit && event.receivedAt - lastEnd.at < LATE_EVENT_PACKET_MS;
      if (!repeat) digits += digit;
    }
  }
  return digits;
}
