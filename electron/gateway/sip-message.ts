/**
 * A SIP message as the gateway handles it: a start line, header fields in order, and a body of bytes.
 *
 * The gateway does not interpret SIP (SIP.js in the renderer does); it only reads and rewrites the few
 * fields that depend on the socket (Via, Contact) or on the media bridge (the SDP body), so this model
 * keeps everything else exactly as it came. Reading is liberal (RFC 3261 §7.3.1 line folding, compact
 * header names, any case), writing is what SIP.js and servers expect: one field per line, CRLF, and a
 * Content-Length that matches the body in bytes.
 *
 * Plain TypeScript over `Buffer`: no Electron, no sockets.
 */

import { canonicalHeaderName } from '../common/sip-header-names';

export interface SipHeader {
  /** As received (or as set), e.g. `Via` or `v`. */
  name: string;
  value: string;
}

export type SipStartLine =
  | { kind: 'request'; method: string; uri: string; version: string }
  | { kind: 'response'; version: string; status: number; reason: string };

/** Why bytes could not be read as a SIP message. */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
}

const REQUEST_LINE = /^([A-Za-z0-9.!%*_+`'~-]+) +(\S+) +(SIP\/\d+\.\d+)$/i;
const STATUS_LINE = /^(SIP\/\d+\.\d+) +(\d{3})(?: (.*))?$/i;
/**
 * A request line as a broken sender writes it: white space inside the Request-URI or after the version
 * (RFC 4475 §3.1.2.8 "lwsruri", §3.1.2.10 "trws"). Not read, only recognised, so that the request is
 * answered (400) rather than dropped.
 */
const LOOSE_REQUEST_LINE = /^[A-Za-z0-9.!%*_+`'~-]+ +\S.*? +SIP\/\d+\.\d+ *$/i;
const CRLF = '\r\n';

export class SipMessage {
  constructor(
    public startLine: SipStartLine,
    public headers: SipHeader[],
    public body: Buffer = Buffer.alloc(0),
  ) {}

  get isRequest(): boolean {
    return this.startLine.kind === 'request';
  }

  /** The request's method, or the method of the request a response answers (its CSeq). */
  get method(): string {
    if (this.startLine.kind === 'request') return this.startLine.method.toUpperCase();
    return (this.cseq?.method ?? '').toUpperCase();
  }

  get status(): number | undefined {
    return this.startLine.kind === 'response' ? this.startLine.status : undefined;
  }

  get callId(): string | undefined {
    return this.header('call-id')?.trim();
  }

  get cseq(): { number: number; method: string } | undefined {
    const match = /^\s*(\d+)\s+(\S+)\s*$/.exec(this.header('cseq') ?? '');
    return match?.[1] && match[2] ? { number: Number(match[1]), method: match[2] } : undefined;
  }

  /** The first field of that name (long or compact form, any case), or undefined. */
  header(name: string): string | undefined {
    const wanted = canonicalHeaderName(name);
    return this.headers.find((h) => canonicalHeaderName(h.name) === wanted)?.value;
  }

  /** Every field of that name, in order (a field holding a comma-separated list counts as one). */
  headerValues(name: string): string[] {
    const wanted = canonicalHeaderName(name);
    return this.headers.filter((h) => canonicalHeaderName(h.name) === wanted).map((h) => h.value);
  }

  /** Replaces the value of the first field of that name; appends the field when there is none. */
  setHeader(name: string, value: string): void {
    const wanted = canonicalHeaderName(name);
    const found = this.headers.find((h) => canonicalHeaderName(h.name) === wanted);
    if (found) found.value = value;
    else this.headers.push({ name, value });
  }

  removeHeader(name: string): void {
    const wanted = canonicalHeaderName(name);
    this.headers = this.headers.filter((h) => canonicalHeaderName(h.name) !== wanted);
  }

  /** The body as text (SIP bodies the gateway reads, SDP among them, are UTF-8). */
  get bodyText(): string {
    return this.body.toString('utf8');
  }

  /** The body's media type without parameters, lower case, e.g. `application/sdp`. */
  get contentType(): string | undefined {
    return this.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  }

  /** Replaces the body; Content-Length follows when the message is written. */
  setBody(body: string | Buffer, contentType?: string): void {
    this.body = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (contentType !== undefined) this.setHeader('Content-Type', contentType);
  }

  /** The message on the wire: start line, fields, a Content-Length equal to the body's bytes, body. */
  toBuffer(): Buffer {
    const lines = [startLineText(this.startLine)];
    let lengthWritten = false;
    for (const header of this.headers) {
      if (canonicalHeaderName(header.name) === 'content-length') {
        // One Content-Length, where the first one was, always true to the body.
        if (lengthWritten) continue;
        lengthWritten = true;
        lines.push(`${header.name}: ${this.body.length}`);
        continue;
      }
      lines.push(`${header.name}: ${header.value}`);
    }
    if (!lengthWritten) lines.push(`Content-Length: ${this.body.length}`);
    return Buffer.concat([Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'utf8'), this.body]);
  }

  toString(): string {
    return this.toBuffer().toString('utf8');
  }

  /** A deep copy, to rewrite without touching the original. */
  clone(): SipMessage {
    return new SipMessage(
      { ...this.startLine },
      this.headers.map((h) => ({ ...h })),
      Buffer.from(this.body),
    );
  }

  /**
   * Reads one whole message (a datagram, or one framed from a stream by {@link SipStreamFramer}).
   * The body is what follows the blank line, cut to Content-Length when that is shorter; a longer
   * Content-Length than the bytes present is an error (RFC 3261 §18.3: a datagram's body is the rest).
   */
  static parse(bytes: Buffer | string): SipMessage {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    const headEnd = buffer.indexOf('\r\n\r\n');
    if (headEnd === -1) throw new SipParseError('no blank line after the header fields');
    const head = buffer.subarray(0, headEnd).toString('utf8');
    const lines = unfold(head.split(CRLF));
    const first = lines.shift() ?? '';
    const startLine = readStartLine(first);
    const headers: SipHeader[] = [];
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new SipParseError(`not a header field: ${line.slice(0, 60)}`);
      const name = line.slice(0, colon).trim();
      if (!/^[A-Za-z0-9.!%*_+`'~-]+$/.test(name))
        throw new SipParseError(`bad header name: ${name.slice(0, 60)}`);
      headers.push({ name, value: line.slice(colon + 1).trim() });
    }
    let body = buffer.subarray(headEnd + 4);
    const lengths = headers
      .filter((h) => canonicalHeaderName(h.name) === 'content-length')
      .map((h) => h.value);
    if (lengths.length > 0) {
      const distinct = new Set(lengths.map((v) => v.trim()));
      if (distinct.size > 1) throw new SipParseError('conflicting Content-Length fields');
      const length = Number(lengths[0]);
      if (!/^\d{1,9}$/.test(lengths[0]?.trim() ?? '') || !Number.isSafeInteger(length))
        throw new SipParseError(`bad Content-Length: ${lengths[0]?.slice(0, 20)}`);
      if (length > body.length)
        throw new SipParseError(`Content-Length ${length} but only ${body.length} bytes`);
      body = body.subarray(0, length);
    }
    return new SipMessage(startLine, headers, Buffer.from(body));
  }
}

function startLineText(line: SipStartLine): string {
  return line.kind === 'request'
    ? `${line.method} ${line.uri} ${line.version}`
    : `${line.version} ${line.status} ${line.reason}`;
}

function readStartLine(line: string): SipStartLine {
  const response = STATUS_LINE.exec(line);
  if (response?.[1] && response[2]) {
    return { kind: 'response', version: response[1], status: Number(response[2]), reason: response[3] ?? '' };
  }
  const request = REQUEST_LINE.exec(line);
  if (request?.[1] && request[2] && request[3]) {
    return { kind: 'request', method: request[1], uri: request[2], version: request[3] };
  }
  throw new SipParseError(`not a SIP start line: ${line.slice(0, 80)}`);
}

/** RFC 3261 §7.3.1: a line starting with space or tab continues the previous field. */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 1) out[out.length - 1] += ` ${line.trim()}`;
    else out.push(line);
  }
  return out;
}

/**
 * Whether a datagram that {@link SipMessage.parse} refused still reads as a request with a whole
 * header section: a request line, then a blank line. Such a request can be answered (RFC 3261 §18.3:
 * a request whose Content-Length runs past the datagram SHOULD get 400; §8.2.2 likewise for other
 * malformed requests); anything else can only be dropped.
 */
export function readsAsRequest(datagram: Buffer): boolean {
  const firstLineEnd = datagram.indexOf('\r\n');
  if (firstLineEnd === -1 || datagram.indexOf('\r\n\r\n') === -1) return false;
  return LOOSE_REQUEST_LINE.test(datagram.subarray(0, firstLineEnd).toString('utf8'));
}

/**
 * Splits a header value holding a comma-separated list (Via, Contact, Route…) into its elements,
 * leaving commas inside quotes and angle brackets alone.
 */
export function splitHeaderList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && quoted) {
      current += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle++;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && angle === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

/** Most a peer may make us buffer for one message on a stream before we give up on the connection. */
export const MAX_STREAM_MESSAGE_BYTES = 65_535;

/**
 * Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3: Content-Length is mandatory on
 * streams). Bare CRLFs between messages are RFC 5626 keep-alives: a double CRLF is a ping (answer a
 * single CRLF), a single CRLF a pong.
 */
export class SipStreamFramer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly handlers: {
      message(bytes: Buffer): void;
      ping(): void;
      pong(): void;
      /** The stream cannot be framed any more (no Content-Length, too large): close the connection. */
      error(reason: string): void;
    },
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (!this.takeKeepAlive()) break;
      const headEnd = this.pending.indexOf('\r\n\r\n');
      if (headEnd === -1) {
        if (this.pending.length > MAX_STREAM_MESSAGE_BYTES) this.fail('header fields too long');
        return;
      }
      const head = this.pending.subarray(0, headEnd).toString('utf8');
      const length = contentLengthOf(head);
      if (length === undefined) return this.fail('a message without a valid Content-Length on a stream');
      const total = headEnd + 4 + length;
      if (total > MAX_STREAM_MESSAGE_BYTES) return this.fail(`a message of ${total} bytes`);
      if (this.pending.length < total) return;
      const message = this.pending.subarray(0, total);
      this.pending = this.pending.subarray(total);
      this.handlers.message(Buffer.from(message));
    }
  }

  /** Consumes leading keep-alives; false when nothing is left to read. */
  private takeKeepAlive(): boolean {
    for (;;) {
      if (this.pending.length === 0) return false;
      if (this.pending.subarray(0, 4).equals(Buffer.from('\r\n\r\n'))) {
        this.pending = this.pending.subarray(4);
        this.handlers.ping();
        continue;
      }
      if (this.pending.subarray(0, 2).equals(Buffer.from('\r\n'))) {
        // As the client we send the pings, so a lone CRLF is read as the server's pong (a server's
        // ping split across two segments would read as two pongs: harmless, it just goes unanswered).
        this.pending = this.pending.subarray(2);
        this.handlers.pong();
        continue;
      }
      return true;
    }
  }

  private fail(reason: string): void {
    this.pending = Buffer.alloc(0);
    this.handlers.error(reason);
  }
}

/** Content-Length of a message head, undefined when absent, malformed or given twice differently. */
function contentLengthOf(head: string): number | undefined {
  const values = unfold(head.split(CRLF))
    .slice(1)
    .flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0 && canonicalHeaderName(line.slice(0, colon)) === 'content-length'
        ? [line.slice(colon + 1).trim()]
        : [];
    });
  if (values.length === 0 || new Set(values).size > 1) return undefined;
  const value = values[0] ?? '';
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
