import { Core } from 'sip.js';

/**
 * What reaches SIP.js from the WebSocket goes through here first, so that bad SIP neither crashes the
 * app nor goes unanswered where RFC 3261 wants an answer. SIP.js 0.21 on its own:
 * - drops a request whose header it cannot parse, or that lacks From/To/Call-ID/CSeq/Via, without a
 *   reply; RFC 3261 §8.2.2 and §21.4.1 want 400 Bad Request whenever a reply can be routed (Via);
 * - throws from its parser on a response with a broken CSeq (`parsed.method` of undefined), and
 *   throws on a PRACK outside a dialog ("Unexpected out of dialog request method"); its transport
 *   re-throws into the WebSocket's message handler, an uncaught error in the page.
 *
 * Requests it can handle are passed on untouched; SIP.js answers them (405 unknown method, 481 no
 * dialog, 404/416 wrong Request-URI, 400 short body...).
 */
export interface InboundGuardOptions {
  /** Sends a raw SIP message on the same transport (a reply we build ourselves). */
  send(message: string): Promise<void>;
  log(level: 'warn' | 'error', message: string): void;
}

/** Headers a request needs before SIP.js will look at it (RFC 3261 §8.1.1 less Max-Forwards). */
const MANDATORY = ['from', 'to', 'call-id', 'cseq', 'via'] as const;

/** RFC 3261 §7.3.3 compact forms of the headers a reply copies. */
const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id' };

/** `Method SP Request-URI SP SIP-Version`, read leniently: enough to know where to reply. */
const REQUEST_LINE = /^([A-Za-z0-9.!%*_+`'~-]+) (\S+) SIP\/2\.0$/;

interface RawRequest {
  method: string;
  /** Header lines as received, by lower-case long name. */
  headers: Map<string, string[]>;
}

/** A request head read line by line without SIP.js's grammar, or undefined if it is not one. */
function readRawRequest(text: string): RawRequest | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  const lines = (headEnd === -1 ? text : text.slice(0, headEnd)).split('\r\n');
  const match = REQUEST_LINE.exec(lines[0] ?? '');
  if (!match?.[1]) return undefined;
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const longName = COMPACT[name] ?? name;
    headers.set(longName, [...(headers.get(longName) ?? []), line.slice(colon + 1).trim()]);
  }
  return { method: match[1], headers };
}

/**
 * A stateless reply to a request SIP.js could not take, built from its raw headers (RFC 3261 §8.2.6:
 * Via, From, To with a tag, Call-ID and CSeq copied), or undefined when it cannot be routed (no Via)
 * or must not be answered (ACK).
 */
export function statelessReply(
  text: string,
  statusCode: number,
  reason: string,
  toTag: string,
): string | undefined {
  const request = readRawRequest(text);
  if (!request || request.method.toUpperCase() === 'ACK') return undefined;
  const vias = request.headers.get('via') ?? [];
  if (vias.length === 0) return undefined;
  const lines = [`SIP/2.0 ${statusCode} ${reason.replace(/[\r\n]/g, ' ').slice(0, 120)}`];
  for (const via of vias) lines.push(`Via: ${via}`);
  const from = request.headers.get('from')?.[0];
  if (from !== undefined) lines.push(`From: ${from}`);
  const to = request.headers.get('to')?.[0];
  if (to !== undefined) lines.push(`To: ${/;\s*tag=/i.test(to) ? to : `${to};tag=${toTag}`}`);
  for (const name of ['call-id', 'cseq'] as const) {
    const value = request.headers.get(name)?.[0];
    if (value !== undefined) lines.push(`${name === 'call-id' ? 'Call-ID' : 'CSeq'}: ${value}`);
  }
  lines.push('Content-Length: 0');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

type Verdict =
  { kind: 'pass' } | { kind: 'reply'; statusCode: number; reason: string } | { kind: 'drop'; reason: string };

/** Collects SIP.js parser complaints instead of printing them, for one message. */
function quietLogger(complaints: string[]): Core.Logger {
  const note = (content: unknown): void => void complaints.push(String(content));
  return { error: note, warn: note, log: () => undefined, debug: () => undefined } as unknown as Core.Logger;
}

/** Decides, before SIP.js sees it, whether a message can be handed to SIP.js. */
function inspect(text: string): Verdict {
  const complaints: string[] = [];
  let message: Core.IncomingRequestMessage | Core.IncomingResponseMessage | undefined;
  try {
    message = Core.Parser.parseMessage(text, quietLogger(complaints));
  } catch (error) {
    complaints.push(error instanceof Error ? error.message : String(error));
  }
  if (!message) {
    const reason = complaints[0] ?? 'not a SIP message';
    return readRawRequest(text)
      ? { kind: 'reply', statusCode: 400, reason: 'Bad Request' }
      : { kind: 'drop', reason };
  }
  if (message instanceof Core.IncomingRequestMessage) {
    if (!message.hasHeader('via'))
      return { kind: 'drop', reason: 'a request without Via cannot be answered' };
    const missing = MANDATORY.find((name) => !message.hasHeader(name));
    if (missing)
      return {
        kind: 'reply',
        statusCode: 400,
        reason: `Missing ${missing === 'call-id' ? 'Call-ID' : missing}`,
      };
    // SIP.js throws on a Request-URI that is not a SIP URI (e.g. tel:) instead of answering 416
    // Unsupported URI Scheme (RFC 3261 §8.2.2.1).
    if (!message.ruri) return { kind: 'reply', statusCode: 416, reason: 'Unsupported URI Scheme' };
    // SIP.js throws on this instead of answering; RFC 3262 §3: a PRACK matching nothing is 481.
    if (message.method === 'PRACK' && !message.toTag)
      return { kind: 'reply', statusCode: 481, reason: 'Call/Transaction Does Not Exist' };
  }
  return { kind: 'pass' };
}

/**
 * Wraps SIP.js's transport message handler (`deliver`) so that malformed input is answered or
 * dropped with a log line, and an exception SIP.js throws for one message cannot escape.
 */
export function guardInbound(
  deliver: (message: string) => void,
  options: InboundGuardOptions,
): (message: string) => void {
  return (text) => {
    const lineEnd = text.indexOf('\r\n');
    const firstLine = text.slice(0, Math.min(lineEnd === -1 ? text.length : lineEnd, 200));
    const verdict = inspect(text);
    if (verdict.kind === 'drop') {
      options.log('warn', `Dropped a SIP message that is not valid SIP (${verdict.reason}): ${firstLine}`);
      return;
    }
    if (verdict.kind === 'reply') {
      const { statusCode, reason } = verdict;
      const response = statelessReply(text, statusCode, reason, Math.random().toString(36).slice(2, 12));
      if (!response) {
        options.log('warn', `Dropped a SIP request that cannot be answered (${reason}): ${firstLine}`);
        return;
      }
      options.log(
        'warn',
        `Answered ${statusCode} (${reason}) to a SIP request SIP.js cannot take: ${firstLine}`,
      );
      void options.send(response).catch(() => undefined);
      return;
    }
    try {
      deliver(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      options.log('error', `SIP.js failed on an incoming message (${detail}): ${firstLine}`);
    }
  };
}
