/**
 * A SIP message read line by line, without SIP.js's grammar: enough to decide how to answer a
 * message SIP.js would mishandle, and to build that answer. Reading is liberal (any case, compact
 * header names, RFC 3261 §7.3.1 line folding); nothing is interpreted beyond the start line.
 */

import { canonicalHeaderName } from '@common/sip-header-names';

/**
 * `Method SP Request-URI SP SIP-Version` (RFC 3261 §7.1), any version, extra spaces tolerated, and a
 * Request-URI with white space in it read as one: such a request is still a request, owed a 400 (RFC
 * 4475 §3.1.2.8 "lwsruri"), not silence.
 */
const REQUEST_LINE = /^([A-Za-z0-9.!%*_+`'~-]+) +(\S(?:.*\S)?) +(SIP\/\d+\.\d+) *$/i;
/** `SIP-Version SP Status-Code SP Reason-Phrase` (RFC 3261 §7.2). */
const STATUS_LINE = /^(SIP\/\d+\.\d+) +(\d{3})(?: (.*))?$/i;

export interface RawSipMessage {
  kind: 'request' | 'response';
  /** Request method as sent (methods are case-sensitive, RFC 3261 §7.1). */
  method?: string;
  requestUri?: string;
  statusCode?: number;
  reasonPhrase?: string;
  /** As sent, e.g. `SIP/2.0`. */
  version: string;
  /** Header values by lower-case long name, in arrival order (one entry per header line). */
  headers: Map<string, string[]>;
  /** Everything after the blank line that ends the head (the whole rest of the frame). */
  body: string;
}

/** Reads a frame's start line and headers, or undefined when its first line is neither kind. */
export function readRawSipMessage(text: string): RawSipMessage | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const body = headEnd === -1 ? '' : text.slice(headEnd + 4);
  const [startLine = '', ...lines] = head.split('\r\n');
  const request = REQUEST_LINE.exec(startLine);
  const status = request ? undefined : STATUS_LINE.exec(startLine);
  if (!request && !status) return undefined;
  const headers = new Map<string, string[]>();
  let last: { name: string; index: number } | undefined;
  for (const line of lines) {
    // A line starting with white space continues the previous header (RFC 3261 §7.3.1).
    if (/^[ \t]/.test(line) && last) {
      const values = headers.get(last.name);
      if (values) values[last.index] = `${values[last.index] ?? ''} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = canonicalHeaderName(line.slice(0, colon));
    const values = headers.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(name, values);
    last = { name, index: values.length - 1 };
  }
  if (request) {
    const [, method = '', requestUri = '', version = ''] = request;
    return { kind: 'request', method, requestUri, version, headers, body };
  }
  const [, version = '', code = '', reasonPhrase = ''] = status ?? [];
  return { kind: 'response', version, statusCode: Number(code), reasonPhrase, headers, body };
}

/** The first value of a header, or undefined. */
export function firstHeader(message: RawSipMessage, name: string): string | undefined {
  return message.headers.get(name)?.[0];
}

/**
 * Every element of a comma-separated header (RFC 3261 §7.3.1), over all its header lines; commas
 * inside quoted strings and angle brackets are not separators.
 */
export function headerList(message: RawSipMessage, name: string): string[] {
  const items: string[] = [];
  for (const value of message.headers.get(name) ?? []) {
    let current = '';
    let quoted = false;
    let angled = false;
    for (let i = 0; i < value.length; i += 1) {
      const char = value[i] ?? '';
      if (char === '\\' && quoted) {
        current += char + (value[i + 1] ?? '');
        i += 1;
        continue;
      }
      if (char === '"') quoted = !quoted;
      else if (!quoted && char === '<') angled = true;
      else if (!quoted && char === '>') angled = false;
      if (char === ',' && !quoted && !angled) {
        if (current.trim()) items.push(current.trim());
        current = '';
      } else current += char;
    }
    if (current.trim()) items.push(current.trim());
  }
  return items;
}

/** The value of a `;name=value` parameter in a header value, lower-cased name, quotes removed. */
export function headerParameter(value: string, name: string): string | undefined {
  for (const part of value.split(';').slice(1)) {
    const [key = '', ...rest] = part.split('=');
    if (key.trim().toLowerCase() === name)
      return rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/** The `tag` parameter of a From or To header value (outside the URI's angle brackets). */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const afterUri = value.includes('>') ? value.slice(value.lastIndexOf('>') + 1) : value;
  return headerParameter(`x${afterUri}`, 'tag');
}

/** `type/subtype` of a Content-Type or media range, lower case, without parameters. */
export function mediaType(value: string | undefined): string | undefined {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

/** FNV-1a, 32 bits: a stable short hash for stateless To tags. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/**
 * A stateless reply to a request (RFC 3261 §8.2.6: Via, From, To with a tag, Call-ID and CSeq
 * copied), or undefined when it cannot be routed (no Via) or must not be answered (ACK).
 *
 * The To tag is derived from the request, so a retransmission gets the same tag: a stateless UAS
 * "MUST generate the same tag for the same request consistently" (RFC 3261 §8.2.7).
 */
export function statelessReply(
  text: string,
  statusCode: number,
  reason: string,
  extraHeaders: readonly string[] = [],
): string | undefined {
  const request = readRawSipMessage(text);
  if (request?.kind !== 'request' || request.method?.toUpperCase() === 'ACK') return undefined;
  const vias = request.headers.get('via') ?? [];
  if (vias.length === 0) return undefined;
  const from = firstHeader(request, 'from');
  const to = firstHeader(request, 'to');
  const callId = firstHeader(request, 'call-id');
  const cseq = firstHeader(request, 'cseq');
  const lines = [`SIP/2.0 ${statusCode} ${reason.replace(/[\r\n]/g, ' ').slice(0, 120)}`];
  for (const via of vias) lines.push(`Via: ${via}`);
  if (from !== undefined) lines.push(`From: ${from}`);
  if (to !== undefined) {
    const tag = fnv1a(`${callId ?? ''}|${tagOf(from) ?? ''}|${vias[0] ?? ''}|${cseq ?? ''}`);
    lines.push(`To: ${tagOf(to) === undefined ? `${to};tag=${tag}` : to}`);
  }
  if (callId !== undefined) lines.push(`Call-ID: ${callId}`);
  if (cseq !== undefined) lines.push(`CSeq: ${cseq}`);
  for (const header of extraHeaders) lines.push(header.replace(/[\r\n]/g, ' '));
  lines.push('Content-Length: 0');
  return `${lines.join('\r\n')}\r\n\r\n`;
}
