/**
 * What the log viewer and the call ladder need to know of a SIP message, read from its text without
 * SIP.js: the start line, Call-ID, CSeq and the From/To tags. Liberal (RFC 3261 §7.3: any case,
 * compact names, folded lines, LF without CR), and never throws: a message too broken to read is
 * still listed, as `unknown`.
 */
export interface SipMessageHead {
  kind: 'request' | 'response' | 'unknown';
  /** The request's method, or for a response the method of its CSeq (upper case); '' if unknown. */
  method: string;
  /** Responses only. */
  status?: number;
  reason?: string;
  /** Requests only. */
  requestUri?: string;
  callId?: string;
  /** CSeq number. */
  cseq?: number;
  fromTag?: string;
  toTag?: string;
  /** The first line as it came, for the list and the ladder. */
  startLine: string;
}

/** RFC 3261 §7.3.3 compact forms of the headers read here. */
const COMPACT: Readonly<Record<string, string>> = { i: 'call-id', f: 'from', t: 'to' };

const REQUEST = /^([A-Za-z0-9.!%*_+`'~-]+)\s+(\S+)\s+SIP\/\d+\.\d+$/i;
const RESPONSE = /^SIP\/\d+\.\d+\s+(\d{3})(?:\s+(.*))?$/i;
const CSEQ = /^(\d+)\s+(\S+)$/;
const TAG = /;\s*tag\s*=\s*([^;\s>]+)/i;

/** Header lines of the head, folded lines joined (RFC 3261 §7.3.1), by lower-case long name; first wins. */
function headerFields(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  let current: { name: string; value: string } | undefined;
  const keep = (): void => {
    if (current && !fields.has(current.name)) fields.set(current.name, current.value.trim());
  };
  for (const line of lines) {
    if (/^[ \t]/.test(line) && current) {
      current.value += ` ${line.trim()}`;
      continue;
    }
    keep();
    const colon = line.indexOf(':');
    if (colon <= 0) {
      current = undefined;
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    current = { name: COMPACT[name] ?? name, value: line.slice(colon + 1) };
  }
  keep();
  return fields;
}

export function readSipMessageHead(text: string): SipMessageHead {
  const headEnd = text.search(/\r?\n\r?\n/);
  const lines = (headEnd === -1 ? text : text.slice(0, headEnd)).split(/\r?\n/);
  const startLine = (lines[0] ?? '').trim();
  const fields = headerFields(lines.slice(1));
  const cseq = CSEQ.exec(fields.get('cseq') ?? '');
  const common = {
    startLine,
    ...optional('callId', fields.get('call-id')),
    ...(cseq ? { cseq: Number(cseq[1]) } : {}),
    ...optional('fromTag', TAG.exec(fields.get('from') ?? '')?.[1]),
    ...optional('toTag', TAG.exec(fields.get('to') ?? '')?.[1]),
  };
  const cseqMethod = cseq?.[2]?.toUpperCase() ?? '';
  const request = REQUEST.exec(startLine);
  if (request) {
    return { kind: 'request', method: (request[1] ?? '').toUpperCase(), requestUri: request[2], ...common };
  }
  const response = RESPONSE.exec(startLine);
  if (response) {
    return {
      kind: 'response',
      method: cseqMethod,
      status: Number(response[1]),
      reason: response[2]?.trim() ?? '',
      ...common,
    };
  }
  return { kind: 'unknown', method: cseqMethod, ...common };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
