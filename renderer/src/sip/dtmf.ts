/** DTMF digits: what may be sent, and how they look in SIP INFO. */

/** The 16 DTMF events of RFC 4733 §3.2 that a phone keypad (and the A-D column) can send. */
const DTMF_DIGIT = /^[0-9A-D*#]$/;

/** Keeps the characters that are DTMF digits, upper-casing a-d; anything else is dropped. */
export function dtmfDigits(input: string): string {
  return [...input.toUpperCase()].filter((c) => DTMF_DIGIT.test(c)).join('');
}

/** Tone length in ms, within RTCDTMFSender's allowed 40-6000 ms, and the gap between tones. */
export const DTMF_DURATION_MS = 160;
export const DTMF_GAP_MS = 70;

/**
 * Body of a SIP INFO carrying one digit as `application/dtmf-relay`: not standardised, but the form
 * Cisco introduced and that Asterisk, FreeSWITCH and baresip accept (`Signal=` then `Duration=` in ms).
 */
export function dtmfRelayBody(digit: string, durationMs = DTMF_DURATION_MS): string {
  return `Signal=${digit}\r\nDuration=${durationMs}\r\n`;
}

/**
 * The INFO body for one digit in either SIP INFO format: `application/dtmf-relay` (above) or
 * `application/dtmf`, whose body is the digit alone (as Asterisk and many SBCs send it).
 */
export function dtmfInfoBody(
  format: 'info' | 'info-dtmf',
  digit: string,
): { contentType: string; content: string } {
  return format === 'info'
    ? { contentType: 'application/dtmf-relay', content: dtmfRelayBody(digit) }
    : { contentType: 'application/dtmf', content: digit };
}
