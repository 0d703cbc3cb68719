/**
 * SIP header names as both SIP readers of ours compare them: the renderer's inbound guard and the
 * gateway's message model. Plain TypeScript, no Node or browser API.
 */

/** RFC 3261 §7.3.3 (and later RFCs') compact header names, by their one-letter form. */
const COMPACT_NAMES: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  u: 'allow-events',
  x: 'session-expires',
};

/** The long, lower-case name of a header field, whatever form it arrived in. */
export function canonicalHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT_NAMES[lower] ?? lower;
}
