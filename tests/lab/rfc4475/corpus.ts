/**
 * RFC 4475's torture messages (`messages.ts`) with what a UA that is their target must do with each.
 *
 * The RFC's commentary is written for any element; for a UA the answers are RFC 3261 §8.2's (a final
 * response, the checks in §8.2's order) and §18.1.2's (a response that matches no client transaction
 * is dropped). Where the RFC allows a strict 400 or a liberal acceptance, both are listed, strict
 * first, and the liberal answer is the one a UA gives once it has taken the message (e.g. 404 for a
 * Request-URI user that is not its own).
 *
 * Only the Request-URI's user is ever rewritten, and only for messages whose point is not the
 * Request-URI: to the app's own user, so the request gets past §8.2.2.1 (404) and shows what the app
 * does with the rest. Every message fits a WebSocket message and a UDP datagram (the largest, longreq,
 * is 3.5 kB), so none has to be left out. Pure: no I/O.
 */
import { RFC4475_MESSAGES, type TortureName } from './messages';

/** What a UA must do with a message: answer with one of `answer` (final responses), or send nothing. */
export type TortureExpectation =
  | {
      answer: readonly number[];
      /** Header values the answer must carry, e.g. Unsupported on 420 (RFC 3261 §8.2.2.3). */
      headers?: Readonly<Record<string, string | RegExp>>;
      why: string;
    }
  | { drop: string };

export interface TortureMessage {
  /** The name of the RFC's file, e.g. `wsinv`. */
  name: TortureName;
  /** Where the RFC describes it, e.g. `3.1.1.1`. */
  section: string;
  /** Valid SIP (§3.1.1 and the semantic tests of §3.2-3.4), or invalid (§3.1.2). */
  valid: boolean;
  /** What is sent: the RFC's bytes, or those with the Request-URI user rewritten (`rewritten`). */
  bytes: Buffer;
  /** What was changed from the RFC's bytes and why; undefined when they go as they are. */
  rewritten?: string;
  expect: TortureExpectation;
  /** The Call-ID the answer carries (the first, for multi01), or the top Via when there is none (insuf). */
  answerKey: { header: 'call-id' | 'via'; value: string };
  /** The Call-ID of a request that must get no answer at all (dblreq's trailing INVITE). */
  unanswered?: string;
}

interface Entry {
  name: TortureName;
  section: string;
  valid: boolean;
  expect: TortureExpectation;
  /** The Request-URI user to replace with the app's, and why. */
  rewriteUser?: { from: string; why: string };
  unanswered?: string;
}

const STRAY_RESPONSE = 'a response matching no client transaction is dropped (RFC 3261 §18.1.2)';
const NOT_OUR_USER = 'taken and parsed; its Request-URI user is not ours (RFC 3261 §8.2.2.1)';
/**
 * Over UDP the gateway gives a Request-URI without a user (`sip:example.com`) the app's user (some
 * PBXs address the bare Contact host; see socket-rewriter.ts), so SIP.js answers 405 there and 404
 * over WSS: both are a UA's answer.
 */
const REGISTER_AT_UA =
  'a UA is no registrar: 405 (RFC 3261 §8.2.1), or 404 for a Request-URI naming no user of ours (§8.2.2.1)';
/** RFC 3261 §8.2.1: a 405 MUST list the methods the UAS supports. */
const ALLOWS_INVITE = /(^|,)\s*INVITE\s*(,|$)/;
const POINT_IS_NOT_THE_URI = 'its point is not the Request-URI: addressed to the app so it reaches its user';

const ENTRIES: readonly Entry[] = [
  // §3.1.1 Valid messages: all must be taken.
  {
    name: 'wsinv',
    section: '3.1.1.1',
    valid: true,
    // Its To carries a tag: a request in a dialog the app does not have (RFC 3261 §12.2.2).
    expect: { answer: [481], why: 'parsed; a To tag of no dialog of ours is 481 (RFC 3261 §12.2.2)' },
    rewriteUser: { from: 'vivekg', why: POINT_IS_NOT_THE_URI },
  },
  {
    name: 'intmeth',
    section: '3.1.1.2',
    valid: true,
    expect: {
      answer: [405],
      headers: { Allow: ALLOWS_INVITE },
      why: 'parsed; an unknown method is 405 with Allow (RFC 3261 §8.2.1)',
    },
  },
  { name: 'esc01', section: '3.1.1.3', valid: true, expect: { answer: [404], why: NOT_OUR_USER } },
  { name: 'escnull', section: '3.1.1.4', valid: true, expect: { answer: [404, 405], why: REGISTER_AT_UA } },
  {
    name: 'esc02',
    section: '3.1.1.5',
    valid: true,
    expect: {
      answer: [405],
      headers: { Allow: ALLOWS_INVITE },
      why: 'RE%47IST%45R is an unknown method, not REGISTER: 405 with Allow (RFC 3261 §8.2.1)',
    },
  },
  {
    name: 'lwsdisp',
    section: '3.1.1.6',
    valid: true,
    expect: { answer: [200], why: 'an OPTIONS to us is 200 (RFC 3261 §11.2)' },
    rewriteUser: { from: 'user', why: POINT_IS_NOT_THE_URI },
  },
  // Kept for another user: addressed to the app, a valid INVITE would ring over UDP.
  { name: 'longreq', section: '3.1.1.7', valid: true, expect: { answer: [404], why: NOT_OUR_USER } },
  {
    name: 'dblreq',
    section: '3.1.1.8',
    valid: true,
    // The INVITE after the REGISTER's Content-Length is trailing octets of the datagram (and of the
    // WebSocket message): never answered (RFC 3261 §18.3).
    expect: { answer: [404, 405], why: `the REGISTER only: ${REGISTER_AT_UA}` },
    unanswered: 'dblreq.0ha0isnda977644900765@192.0.2.15',
  },
  { name: 'semiuri', section: '3.1.1.9', valid: true, expect: { answer: [404], why: NOT_OUR_USER } },
  {
    name: 'transports',
    section: '3.1.1.10',
    valid: true,
    expect: { answer: [200], why: 'unknown transports in lower Vias are not ours to read: 200' },
    rewriteUser: { from: 'user', why: POINT_IS_NOT_THE_URI },
  },
  {
    name: 'mpart01',
    section: '3.1.1.11',
    valid: true,
    expect: {
      answer: [200, 415],
      why: 'a MESSAGE with a multipart body is taken, or refused as a type we cannot show (RFC 3261 §8.2.3)',
    },
    rewriteUser: { from: 'kumiko', why: POINT_IS_NOT_THE_URI },
  },
  { name: 'unreason', section: '3.1.1.12', valid: true, expect: { drop: STRAY_RESPONSE } },
  { name: 'noreason', section: '3.1.1.13', valid: true, expect: { drop: STRAY_RESPONSE } },

  // §3.1.2 Invalid messages.
  {
    name: 'badinv01',
    section: '3.1.2.1',
    valid: false,
    expect: { answer: [400], why: 'empty Via parameters' },
  },
  {
    name: 'clerr',
    section: '3.1.2.2',
    valid: false,
    expect: { answer: [400], why: 'a Content-Length past the end of the datagram (RFC 3261 §18.3)' },
  },
  {
    name: 'ncl',
    section: '3.1.2.3',
    valid: false,
    expect: { answer: [400], why: 'negative Content-Length' },
  },
  {
    name: 'scalar02',
    section: '3.1.2.4',
    valid: false,
    expect: { answer: [400], why: 'a CSeq number over 2**32-1 (RFC 3261 §8.1.1.5)' },
  },
  {
    name: 'scalarlg',
    section: '3.1.2.5',
    valid: false,
    expect: { drop: `overlarge scalars; ${STRAY_RESPONSE}` },
  },
  {
    name: 'quotbal',
    section: '3.1.2.6',
    valid: false,
    expect: { answer: [400], why: 'unterminated quote in To' },
  },
  {
    name: 'ltgtruri',
    section: '3.1.2.7',
    valid: false,
    expect: { answer: [400], why: '<> around the Request-URI' },
  },
  {
    name: 'lwsruri',
    section: '3.1.2.8',
    valid: false,
    expect: { answer: [400], why: 'LWS in the Request-URI' },
  },
  {
    name: 'lwsstart',
    section: '3.1.2.9',
    valid: false,
    expect: { answer: [400, 404], why: 'several SP in the request line: 400, or liberally ignored' },
  },
  {
    name: 'trws',
    section: '3.1.2.10',
    valid: false,
    expect: { answer: [400, 404], why: 'SP at the end of the request line: 400, or liberally ignored' },
  },
  {
    name: 'escruri',
    section: '3.1.2.11',
    valid: false,
    expect: { answer: [400, 404], why: 'escaped headers in the Request-URI: 400, or liberally ignored' },
  },
  {
    name: 'baddate',
    section: '3.1.2.12',
    valid: false,
    expect: { answer: [400, 404], why: 'a Date not in GMT: 400, or liberally ignored' },
  },
  {
    name: 'regbadct',
    section: '3.1.2.13',
    valid: false,
    expect: {
      answer: [400, 404, 405],
      why: `a Contact with ? outside <>: 400, or liberally, ${REGISTER_AT_UA}`,
    },
  },
  {
    name: 'badaspec',
    section: '3.1.2.14',
    valid: false,
    expect: { answer: [400, 404], why: 'spaces inside the To addr-spec: 400, or liberally ignored' },
  },
  {
    name: 'baddn',
    section: '3.1.2.15',
    valid: false,
    expect: { answer: [400, 404], why: 'unquoted non-token display names: 400, or liberally taken' },
  },
  {
    name: 'badvers',
    section: '3.1.2.16',
    valid: false,
    expect: { answer: [505], why: 'SIP/7.0 (RFC 3261 §8.2.2, §21.5.6)' },
  },
  {
    name: 'mismatch01',
    section: '3.1.2.17',
    valid: false,
    expect: { answer: [400], why: 'CSeq method is not the request’s (RFC 3261 §8.1.1.5)' },
  },
  {
    name: 'mismatch02',
    section: '3.1.2.18',
    valid: false,
    expect: { answer: [400], why: 'CSeq method is not the request’s (RFC 3261 §8.1.1.5)' },
  },
  {
    name: 'bigcode',
    section: '3.1.2.19',
    valid: false,
    expect: { drop: 'a status code over 699 is not SIP' },
  },

  // §3.2 Transaction layer.
  {
    name: 'badbranch',
    section: '3.2.1',
    valid: true,
    expect: { answer: [200], why: 'a bare magic-cookie branch still names a transaction: 200' },
    rewriteUser: { from: 'user', why: POINT_IS_NOT_THE_URI },
  },

  // §3.3 Application layer.
  {
    name: 'insuf',
    section: '3.3.1',
    valid: false,
    expect: { answer: [400], why: 'no Call-ID, From, To or Max-Forwards (RFC 3261 §8.1.1)' },
  },
  {
    name: 'unkscm',
    section: '3.3.2',
    valid: true,
    expect: { answer: [416], why: 'an unknown Request-URI scheme (RFC 3261 §8.2.2.1)' },
  },
  {
    name: 'novelsc',
    section: '3.3.3',
    valid: true,
    expect: { answer: [416], why: 'a known but unsupported Request-URI scheme (RFC 3261 §8.2.2.1)' },
  },
  {
    name: 'unksm2',
    section: '3.3.4',
    valid: true,
    expect: {
      answer: [400, 404, 405],
      why: `unknown schemes in To, From and Contact: refused, or taken and then ${REGISTER_AT_UA}`,
    },
  },
  {
    name: 'bext01',
    section: '3.3.5',
    valid: true,
    expect: {
      answer: [420],
      headers: { Unsupported: 'nothingSupportsThis, nothingSupportsThisEither' },
      why: 'unknown required extensions; Proxy-Require is a proxy’s business (RFC 3261 §8.2.2.3)',
    },
  },
  {
    name: 'invut',
    section: '3.3.6',
    valid: true,
    expect: {
      answer: [415],
      headers: { Accept: 'application/sdp' },
      why: 'a body type we cannot read (RFC 3261 §8.2.3)',
    },
  },
  { name: 'regaut01', section: '3.3.7', valid: true, expect: { answer: [404, 405], why: REGISTER_AT_UA } },
  {
    name: 'multi01',
    section: '3.3.8',
    valid: false,
    expect: { answer: [400], why: 'two CSeq, Call-ID, From, To, Max-Forwards values (RFC 3261 §7.3.1)' },
  },
  {
    name: 'mcl01',
    section: '3.3.9',
    valid: false,
    expect: { answer: [400], why: 'two Content-Length values (RFC 3261 §7.3.1)' },
  },
  { name: 'bcast', section: '3.3.10', valid: true, expect: { drop: STRAY_RESPONSE } },
  {
    name: 'zeromf',
    section: '3.3.11',
    valid: true,
    expect: { answer: [200], why: 'Max-Forwards 0 stops proxies, not the target (RFC 3261 §16.3)' },
    rewriteUser: { from: 'user', why: POINT_IS_NOT_THE_URI },
  },
  { name: 'cparam01', section: '3.3.12', valid: true, expect: { answer: [404, 405], why: REGISTER_AT_UA } },
  { name: 'cparam02', section: '3.3.13', valid: true, expect: { answer: [404, 405], why: REGISTER_AT_UA } },
  { name: 'regescrt', section: '3.3.14', valid: true, expect: { answer: [404, 405], why: REGISTER_AT_UA } },
  {
    name: 'sdp01',
    section: '3.3.15',
    valid: true,
    expect: {
      answer: [406],
      headers: { Accept: 'application/sdp' },
      why: 'the caller accepts no SDP, and our answer is SDP (RFC 3261 §21.4.7)',
    },
  },

  // §3.4 Backward compatibility.
  {
    name: 'inv2543',
    section: '3.4.1',
    valid: true,
    // Kept for another user: addressed to the app, a valid INVITE would ring over UDP.
    expect: {
      answer: [404],
      why: `an RFC 2543 INVITE (no branch, no Max-Forwards) is taken; ${NOT_OUR_USER}`,
    },
  },
];

/** The first value of a header (long or compact name) in the head of a message, or undefined. */
function headerValue(text: string, names: readonly string[]): string | undefined {
  const head = text.split('\r\n\r\n')[0] ?? '';
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && names.includes(line.slice(0, colon).trim().toLowerCase()))
      return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** The RFC's messages with the Request-URI user of those that need it set to `user`. */
export function tortureCorpus(user: string): TortureMessage[] {
  return ENTRIES.map((entry) => {
    let bytes = Buffer.from(RFC4475_MESSAGES[entry.name], 'base64');
    let rewritten: string | undefined;
    if (entry.rewriteUser) {
      const { from, why } = entry.rewriteUser;
      const text = bytes.toString('latin1');
      const lineEnd = text.indexOf('\r\n');
      const startLine = text.slice(0, lineEnd);
      const changed = startLine.replace(`sip:${from}@`, `sip:${user}@`);
      if (changed === startLine) throw new Error(`${entry.name}: no sip:${from}@ in its request line`);
      bytes = Buffer.from(changed + text.slice(lineEnd), 'latin1');
      rewritten = `Request-URI user ${from} -> ${user}: ${why}`;
    }
    const head = bytes.toString('latin1');
    const callId = headerValue(head, ['call-id', 'i']);
    const via = headerValue(head, ['via', 'v']) ?? '';
    return {
      name: entry.name,
      section: entry.section,
      valid: entry.valid,
      bytes,
      rewritten,
      expect: entry.expect,
      answerKey: callId === undefined ? { header: 'via', value: via } : { header: 'call-id', value: callId },
      unanswered: entry.unanswered,
    };
  });
}

/** Whether `answer` (a response the app sent) answers `message`: same Call-ID, or same top Via. */
export function answers(answer: string, message: TortureMessage): boolean {
  const { header, value } = message.answerKey;
  return headerValue(answer, header === 'call-id' ? ['call-id', 'i'] : ['via', 'v']) === value;
}

/** The value of header `name` (its long name) in a response the app sent, or undefined. */
export function answerHeader(answer: string, name: string): string | undefined {
  return headerValue(answer, [name.toLowerCase()]);
}

/** The Call-ID of a message, long or compact name. */
export function callIdOf(text: string): string | undefined {
  return headerValue(text, ['call-id', 'i']);
}

/** The status code of a response, or undefined for a request. */
export function statusOf(text: string): number | undefined {
  const match = /^SIP\/2\.0 (\d{3})/.exec(text);
  return match?.[1] ? Number(match[1]) : undefined;
}
