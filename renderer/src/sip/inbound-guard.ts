import { Core } from 'sip.js';
import {
  firstHeader,
  headerList,
  readRawSipMessage,
  statelessReply,
  tagOf,
  type RawSipMessage,
} from './raw-sip-message';
import { acceptsSdp, readSessionBody, withSdpBody } from './session-body';
import type { TransactionBranches } from './transaction-branches';

/**
 * Every SIP message that reaches SIP.js, on any transport (WSS, and the gateway's UDP/TCP/TLS),
 * goes through here first, so that bad SIP neither crashes the app nor gets a wrong answer.
 *
 * SIP.js 0.21 on its own:
 * - drops a request whose header it cannot parse, or that lacks From/To/Call-ID/CSeq/Via, without a
 *   reply; RFC 3261 §8.2.2 and §21.4.1 want 400 Bad Request whenever a reply can be routed (Via);
 * - throws from its parser on a response with a broken CSeq, and on a PRACK outside a dialog;
 * - takes any SIP version, a CSeq whose method is not the request's, and two different
 *   Content-Length values, and answers 200;
 * - skips RFC 3261 §8.2.2.3 (Require) and §8.2.3 (content processing) entirely ("TODO" in its
 *   user-agent-core.js), so an unknown required extension gets 200 and an INVITE whose body is not
 *   SDP rings;
 * - ignores the caller's Accept, so an INVITE that accepts no SDP still gets an SDP answer;
 * - drops a dialog-creating 1xx without Contact (see {@link ProvisionalWithoutContact}).
 *
 * The checks run in RFC 3261 §8.2's order. A request carrying a To tag of a dialog we do not have
 * is left to SIP.js, which answers 481 (§12.2.2: the dialog is matched before §8.2's checks apply).
 * Replies built here are stateless (§8.2.7): SIP.js never sees the request, so nothing rings and no
 * transaction is left behind.
 */
export interface InboundGuardOptions {
  /** Sends a raw SIP message on the same transport (a reply we build ourselves). */
  send(message: string): Promise<void>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /**
   * Option tags of the extensions we support (RFC 3261 §8.2.2.3); a request requiring another one
   * gets 420 Bad Extension. Without this list every Require is let through.
   */
  supportedExtensions?: readonly string[];
  /** Whether a dialog exists with this local (our) and remote tag; unknown ones are left to SIP.js. */
  knowsDialog?(callId: string, localTag: string, remoteTag: string): boolean;
  /** A 1xx to our INVITE that SIP.js drops for lack of a Contact; see {@link ProvisionalWithoutContact}. */
  onProvisionalWithoutContact?(response: ProvisionalWithoutContact): void;
  /**
   * Gives a request whose Via branch another sender or method already used a branch of its own
   * before SIP.js sees it (see {@link TransactionBranches}); the same object must restore the branch
   * in what SIP.js sends.
   */
  branches?: TransactionBranches;
}

/**
 * A 180/183 to one of our INVITEs without a Contact header. RFC 3261 §12.1.1 says a UAS MUST put a
 * Contact in a dialog-creating response, which a 101-199 with a To tag is (§12.1), so SIP.js drops it
 * ("Non-100 1xx INVITE response received without a Contact header field, dropping"; see
 * https://github.com/onsip/SIP.js/issues/793). Linphone sends exactly that
 * (https://github.com/BelledonneCommunications/linphone-desktop/issues/641), and a caller would never
 * hear ringback. We are liberal: SIP.js still gets the response (its INVITE transaction moves to
 * Proceeding, so Timer B does not end the call after 32 s), and the call is told it rings. No early
 * dialog is made from it, so the 200 OK's Contact sets the dialog's remote target as usual.
 */
export interface ProvisionalWithoutContact {
  callId: string;
  /** Our tag (the From tag of our INVITE): with the Call-ID it names the SIP.js session. */
  fromTag: string;
  statusCode: number;
  reasonPhrase: string;
  /** The response carries a body (an SDP answer for early media we cannot use without a dialog). */
  hasBody: boolean;
}

/** Headers a request needs before SIP.js will look at it (RFC 3261 §8.1.1 less Max-Forwards). */
const MANDATORY = ['from', 'to', 'call-id', 'cseq', 'via'] as const;

/** Headers that may appear once (RFC 3261 §7.3.1); two different values make the request ambiguous. */
const SINGLE_VALUED = ['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type'];

const HEADER_NAMES: Readonly<Record<string, string>> = {
  from: 'From',
  to: 'To',
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  via: 'Via',
  'max-forwards': 'Max-Forwards',
  'content-length': 'Content-Length',
  'content-type': 'Content-Type',
};

/** What to do with one inbound message. */
export type InboundVerdict =
  /** Hand to SIP.js; `text` is the message itself or a rewrite SIP.js can read (multipart → SDP). */
  | { kind: 'pass'; text: string; note?: string }
  | { kind: 'reply'; statusCode: number; reason: string; headers: string[] }
  | { kind: 'drop'; reason: string }
  | { kind: 'provisional-without-contact'; response: ProvisionalWithoutContact };

export interface InboundContext {
  supportedExtensions?: readonly string[];
  knowsDialog?(callId: string, localTag: string, remoteTag: string): boolean;
}

/** Collects SIP.js parser complaints instead of printing them, for one message. */
function quietLogger(complaints: string[]): Core.Logger {
  const note = (content: unknown): void => void complaints.push(String(content));
  return { error: note, warn: note, log: () => undefined, debug: () => undefined } as unknown as Core.Logger;
}

const reply = (statusCode: number, reason: string, headers: string[] = []): InboundVerdict => ({
  kind: 'reply',
  statusCode,
  reason,
  headers,
});

/** Decides, before SIP.js sees it, what becomes of one message. */
export function inspectInbound(text: string, context: InboundContext = {}): InboundVerdict {
  const raw = readRawSipMessage(text);
  // RFC 3261 §8.2.2 / §21.5.6 (and RFC 4475's torture test "badvers"): a UAS answers a SIP version it
  // does not speak with 505; SIP.js's grammar reads any version and would answer 200.
  if (raw && raw.version.toUpperCase() !== 'SIP/2.0') {
    return raw.kind === 'request'
      ? reply(505, 'Version Not Supported')
      : { kind: 'drop', reason: `a response of version ${raw.version}` };
  }
  const complaints: string[] = [];
  let message: Core.IncomingRequestMessage | Core.IncomingResponseMessage | undefined;
  try {
    message = Core.Parser.parseMessage(text, quietLogger(complaints));
  } catch (error) {
    complaints.push(error instanceof Error ? error.message : String(error));
  }
  if (!message || !raw) {
    const reason = complaints[0] ?? 'not a SIP message';
    return raw?.kind === 'request' ? reply(400, 'Bad Request') : { kind: 'drop', reason };
  }
  if (message instanceof Core.IncomingResponseMessage) return inspectResponse(text, raw);
  return inspectRequest(text, raw, message, context);
}

function inspectResponse(text: string, raw: RawSipMessage): InboundVerdict {
  const statusCode = raw.statusCode ?? 0;
  const cseqMethod = firstHeader(raw, 'cseq')?.split(/\s+/)[1];
  const toTag = tagOf(firstHeader(raw, 'to'));
  const fromTag = tagOf(firstHeader(raw, 'from'));
  const callId = firstHeader(raw, 'call-id');
  if (
    statusCode > 100 &&
    statusCode < 200 &&
    cseqMethod === 'INVITE' &&
    toTag !== undefined &&
    fromTag !== undefined &&
    callId !== undefined &&
    !raw.headers.has('contact')
  ) {
    return {
      kind: 'provisional-without-contact',
      response: {
        callId,
        fromTag,
        statusCode,
        reasonPhrase: raw.reasonPhrase ?? '',
        hasBody: raw.body.trim().length > 0,
      },
    };
  }
  return { kind: 'pass', text };
}

function inspectRequest(
  text: string,
  raw: RawSipMessage,
  message: Core.IncomingRequestMessage,
  context: InboundContext,
): InboundVerdict {
  if (!message.hasHeader('via')) return { kind: 'drop', reason: 'a request without Via cannot be answered' };
  const missing = MANDATORY.find((name) => !message.hasHeader(name));
  if (missing) return reply(400, `Missing ${HEADER_NAMES[missing] ?? missing}`);
  const method = raw.method ?? message.method;
  // A CSeq names the request's own method (RFC 3261 §8.1.1.5; RFC 4475's "mismatch01" expects 400).
  const cseqMethod = firstHeader(raw, 'cseq')?.split(/\s+/)[1];
  if (cseqMethod !== method) {
    return method.toUpperCase() === 'ACK'
      ? { kind: 'drop', reason: `an ACK whose CSeq names ${cseqMethod ?? 'no method'}` }
      : reply(400, 'CSeq Method Does Not Match');
  }
  // Numbers past what the grammar allows: a CSeq number is below 2**31 (RFC 3261 §8.1.1.5) and
  // Max-Forwards is 0-255 (§20.22). SIP.js takes any digits; RFC 4475's "scalar02" (§3.1.2.4) expects
  // 400 for a request carrying such values.
  const cseqNumber = firstHeader(raw, 'cseq')?.split(/\s+/)[0] ?? '';
  if (!/^\d+$/.test(cseqNumber) || Number(cseqNumber) >= 2 ** 31) return reply(400, 'Bad CSeq Number');
  const maxForwards = firstHeader(raw, 'max-forwards');
  if (maxForwards !== undefined && (!/^\d+$/.test(maxForwards) || Number(maxForwards) > 255))
    return reply(400, 'Bad Max-Forwards');
  // Two different values of a header that may appear once: which one SIP.js reads is an accident
  // (RFC 3261 §7.3.1; RFC 4475's "mcl01" and "multi01" expect 400).
  for (const name of SINGLE_VALUED) {
    const values = raw.headers.get(name) ?? [];
    if (new Set(values.map((value) => value.replace(/\s+/g, ' '))).size > 1)
      return reply(400, `Conflicting ${HEADER_NAMES[name] ?? name} Values`);
  }
  // SIP.js throws on a Request-URI that is not a SIP URI (e.g. tel:) instead of answering 416
  // Unsupported URI Scheme (RFC 3261 §8.2.2.1).
  if (!message.ruri) return reply(416, 'Unsupported URI Scheme');
  // SIP.js throws on this instead of answering; RFC 3262 §3: a PRACK matching nothing is 481.
  if (message.method === 'PRACK' && !message.toTag) return reply(481, 'Call/Transaction Does Not Exist');
  if (
    message.toTag &&
    message.fromTag &&
    context.knowsDialog &&
    !context.knowsDialog(message.callId, message.toTag, message.fromTag)
  )
    return { kind: 'pass', text };

  const upper = method.toUpperCase();
  // RFC 3261 §8.2.2.3: Require and Proxy-Require are ignored in ACK and CANCEL.
  if (context.supportedExtensions && upper !== 'ACK' && upper !== 'CANCEL') {
    const supported = new Set(context.supportedExtensions.map((tag) => tag.toLowerCase()));
    const unsupported = headerList(raw, 'require').filter((tag) => !supported.has(tag.toLowerCase()));
    if (unsupported.length > 0)
      return reply(420, 'Bad Extension', [`Unsupported: ${unsupported.join(', ')}`]);
  }
  if (upper !== 'INVITE') return { kind: 'pass', text };

  // RFC 3261 §8.2.3 content processing: a body we cannot use is 415 with what we accept.
  const body = readSessionBody(
    firstHeader(raw, 'content-type'),
    firstHeader(raw, 'content-encoding'),
    raw.body,
  );
  if (body.kind === 'unsupported') {
    const headers = body.reason.startsWith('content encoding')
      ? ['Accept-Encoding: identity']
      : ['Accept: application/sdp'];
    return reply(415, 'Unsupported Media Type', headers);
  }
  // Our answer (or offer) goes in the 2xx as SDP: a caller that accepts no SDP cannot read it
  // (RFC 3261 §21.4.7 406 Not Acceptable; RFC 4475's "sdp01").
  if (!acceptsSdp(raw.headers.get('accept'), headerList(raw, 'accept')))
    return reply(406, 'Not Acceptable', ['Accept: application/sdp']);
  if (body.kind === 'sdp' && body.fromMultipart)
    return { kind: 'pass', text: withSdpBody(text, body.sdp), note: 'took the SDP part of a multipart body' };
  return { kind: 'pass', text };
}

/**
 * Wraps SIP.js's transport message handler (`deliver`) so that every message is first checked by
 * {@link inspectInbound}: malformed or unacceptable requests are answered as RFC 3261 says or
 * dropped with a log line, and an exception SIP.js throws for one message cannot escape.
 */
export function guardInbound(
  deliver: (message: string) => void,
  options: InboundGuardOptions,
): (message: string) => void {
  const safeDeliver = (text: string, firstLine: string): void => {
    try {
      deliver(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      options.log('error', `SIP.js failed on an incoming message (${detail}): ${firstLine}`);
    }
  };
  return (text) => {
    const lineEnd = text.indexOf('\r\n');
    const firstLine = text.slice(0, Math.min(lineEnd === -1 ? text.length : lineEnd, 200));
    const verdict = inspectInbound(text, options);
    switch (verdict.kind) {
      case 'drop':
        options.log('warn', `Dropped a SIP message that is not valid SIP (${verdict.reason}): ${firstLine}`);
        return;
      case 'reply': {
        const { statusCode, reason, headers } = verdict;
        const response = statelessReply(text, statusCode, reason, headers);
        if (!response) {
          options.log('warn', `Dropped a SIP request that cannot be answered (${reason}): ${firstLine}`);
          return;
        }
        options.log('warn', `Answered ${statusCode} (${reason}) to a SIP request: ${firstLine}`);
        void options.send(response).catch(() => undefined);
        return;
      }
      case 'provisional-without-contact':
        options.log(
          'info',
          `A ${verdict.response.statusCode} without Contact (RFC 3261 §12.1.1 wants one): shown as ringing, no early dialog made`,
        );
        safeDeliver(text, firstLine);
        options.onProvisionalWithoutContact?.(verdict.response);
        return;
      case 'pass':
        if (verdict.note) options.log('info', `${verdict.note}: ${firstLine}`);
        safeDeliver(options.branches?.inbound(verdict.text) ?? verdict.text, firstLine);
        return;
    }
  };
}
