import { headerParameter, mediaType } from './raw-sip-message';

/**
 * What the body of an INVITE offers the call (RFC 3261 §8.2.3 content processing):
 * - `none`: no body, the offer is left to our answer (RFC 3261 §13.2.1);
 * - `sdp`: a session description, possibly taken out of a multipart body (`fromMultipart`);
 * - `unsupported`: a body we cannot use (415 Unsupported Media Type, with `Accept`).
 */
export type SessionBody =
  | { kind: 'none' }
  | { kind: 'sdp'; sdp: string; fromMultipart: boolean }
  | { kind: 'unsupported'; reason: string };

interface BodyPart {
  contentType: string | undefined;
  disposition: string | undefined;
  content: string;
}

/** The parts of a `multipart/*` body (RFC 2046 §5.1.1), or undefined when it is not well formed. */
function multipartParts(body: string, boundary: string): BodyPart[] | undefined {
  const delimiter = `--${boundary}`;
  const sections = body.split(delimiter);
  // The preamble comes before the first delimiter, and the close delimiter ends with "--".
  if (sections.length < 3 || !sections[sections.length - 1]?.startsWith('--')) return undefined;
  const parts: BodyPart[] = [];
  for (const section of sections.slice(1, -1)) {
    const text = section.replace(/^[ \t]*\r\n/, '').replace(/\r\n$/, '');
    const headEnd = text.indexOf('\r\n\r\n');
    const headLines = headEnd === -1 ? [] : text.slice(0, headEnd).split('\r\n');
    const content = headEnd === -1 ? text.replace(/^\r\n/, '') : text.slice(headEnd + 4);
    const header = (name: string): string | undefined =>
      headLines
        .find((line) => line.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    parts.push({ contentType: header('content-type'), disposition: header('content-disposition'), content });
  }
  return parts;
}

/**
 * Reads an INVITE's body as a session offer.
 *
 * Multipart bodies (RFC 5621) come from providers that carry ISUP next to the SDP (SIP-T, RFC 3372;
 * SIP-I): the SDP part is the offer. A part we do not understand is only a reason to refuse when it
 * says so with `handling=required` (RFC 3261 §20.11, RFC 5621 §9); ISUP parts are sent with
 * `handling=optional` (RFC 3204 §3), and some senders leave the parameter out although its default
 * is `required` — being liberal here costs nothing, as the SDP alone carries the call.
 */
export function readSessionBody(
  contentType: string | undefined,
  contentEncoding: string | undefined,
  body: string,
): SessionBody {
  if (!body.trim()) return { kind: 'none' };
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    return { kind: 'unsupported', reason: `content encoding ${encoding}` };
  const type = mediaType(contentType);
  if (type === 'application/sdp') return { kind: 'sdp', sdp: body, fromMultipart: false };
  if (!type) return { kind: 'unsupported', reason: 'a body without Content-Type' };
  if (!type.startsWith('multipart/')) return { kind: 'unsupported', reason: type };
  const boundary = headerParameter(contentType ?? '', 'boundary');
  const parts = boundary ? multipartParts(body, boundary) : undefined;
  if (!parts) return { kind: 'unsupported', reason: `a malformed ${type} body` };
  const sdp = parts.find((part) => mediaType(part.contentType) === 'application/sdp');
  const required = parts.find(
    (part) =>
      part !== sdp &&
      headerParameter(part.disposition ?? '', 'handling')?.toLowerCase() === 'required' &&
      mediaType(part.contentType) !== 'application/sdp',
  );
  if (required) return { kind: 'unsupported', reason: `a required ${mediaType(required.contentType)} part` };
  if (!sdp) return { kind: 'unsupported', reason: `${type} without an SDP part` };
  return { kind: 'sdp', sdp: sdp.content, fromMultipart: true };
}

/**
 * The same message with `sdp` as its only body: Content-Type, Content-Length and the multipart's
 * own MIME headers replaced, everything else kept in order. SIP.js reads only single-part SDP.
 */
export function withSdpBody(text: string, sdp: string): string {
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const [startLine = '', ...lines] = head.split('\r\n');
  const dropped = /^(content-type|c|content-length|l|content-disposition|mime-version)\s*:/i;
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    skipping = dropped.test(line);
    if (!skipping) kept.push(line);
  }
  kept.push('Content-Type: application/sdp', `Content-Length: ${new TextEncoder().encode(sdp).length}`);
  return `${[startLine, ...kept].join('\r\n')}\r\n\r\n${sdp}`;
}

/**
 * Whether an `Accept` header list (RFC 3261 §20.1) takes `application/sdp`: a matching media range
 * (`application/sdp`, `application/*`, `* / *`) without `q=0`. Absent means SDP (§20.1: "If no Accept
 * header field is present, the server SHOULD assume a default value of application/sdp"); an empty
 * one means nothing is acceptable.
 */
export function acceptsSdp(
  acceptHeaderLines: readonly string[] | undefined,
  ranges: readonly string[],
): boolean {
  if (!acceptHeaderLines || acceptHeaderLines.length === 0) return true;
  return ranges.some((range) => {
    const type = mediaType(range);
    if (type !== 'application/sdp' && type !== 'application/*' && type !== '*/*') return false;
    const q = headerParameter(range, 'q');
    return q === undefined || Number(q) > 0;
  });
}
