/**
 * Click-to-call links (`tel:`, `sip:`, `sips:`, `callto:`) turned into something safe to dial.
 *
 * A link comes from outside: a web page, an e-mail, another app. It must never do more than put a
 * number or an address in front of the user, so anything unusual is rejected with a reason instead of
 * being "repaired". Pure: no Electron or Node imports, because the browser build's web host uses it too.
 *
 * Accepted:
 * - `tel:` (RFC 3966): a global number (`tel:+1-201-555-0123`) or a local one
 *   (`tel:555-0123;phone-context=example.com`). Visual separators (`-` `.` `(` `)`, spaces, `%20`) are
 *   removed. A `phone-context` that is a global number prefix (`+1-201`) is put in front of the local
 *   digits; a domain context is ignored. Other parameters (`ext`, `isub`, …) are dropped: we dial the
 *   number only.
 * - `callto:` / `callto://` with a phone number (the old NetMeeting/Skype scheme). Anything else after
 *   `callto:`, such as a Skype name, is `malformed`.
 * - `sip:` / `sips:` (RFC 3261) of the form `user@host[:port]`. The result is always that plain form:
 *   - URI parameters: `transport=…` and `user=phone` are dropped (we only ever talk WebSocket to our own
 *     server, and the far end learns the user part is a number from the digits). Every other parameter
 *     (`maddr` re-routes the request, `method` changes it, `lr`, `ttl`, unknown ones) is rejected as
 *     `headers-not-allowed`.
 *   - Headers (`?name=value&…`): only `subject` and `priority` are tolerated, and dropped. Any other
 *     header (Route, Via, From, To, Call-ID, Contact, Replaces, Refer-To, `body`, compact forms, unknown
 *     ones) is rejected as `headers-not-allowed`: they would make us send a request the user never
 *     asked for (join or replace someone's call, spoof the caller, route through another proxy).
 *   - A password in the URI (`sip:alice:secret@host`, deprecated by RFC 3261) is `malformed`.
 *   - A host that cannot exist is refused with its own reason (see `sip-host.ts`): `host-ipv4-invalid`
 *     (`999.1.1.1`, `010.1.1.1`), `host-numeric` (`12345`, `example.123`), `host-ipv6-invalid`
 *     (`[1::2::3]`, or an IPv6 address without brackets).
 *
 * Numbers are normalised to E.164 with `libphonenumber-js` when valid (national numbers read with the
 * account's `defaultCountry`); short numbers (extensions, feature codes like `*72`) and numbers the
 * library does not consider valid are passed on as their dialable digits.
 *
 * Rejected, checked in this order: `empty`, `too-long` (over {@link MAX_LINK_LENGTH} characters),
 * `control-characters` (raw, or percent-encoded like `%0D%0A`, also C1 controls, line/paragraph
 * separators and bidirectional overrides that could disguise the number), `unsupported-scheme`,
 * `scheme-disabled`, then the scheme's own checks.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { LinkRejection, LinkRequest, LinkScheme, LinkTarget } from './contract';
import { readSipHost, type SipHostProblem } from './sip-host';

/** Longer input is refused outright; no real number or address comes close. */
export const MAX_LINK_LENGTH = 512;

/** `LinkRequest.link` is shortened to this many characters for display. */
export const MAX_DISPLAY_LENGTH = 80;

/** Same bound as the contract's text fields: a SIP URI the rest of the app can take. */
const MAX_URI_LENGTH = 256;

/** More digits than any dial string (E.164 has 15; carrier prefixes and PINs add some). */
const MAX_DIGITS = 32;

export interface ParseLinkOptions {
  /** Settings `linkSchemes`: a switched-off scheme is rejected as `scheme-disabled`. */
  enabledSchemes: Readonly<Record<LinkScheme, boolean>>;
  /** How to read national numbers, from the account (`Account.defaultCountry`). */
  defaultCountry?: CountryCode;
}

/**
 * C0 and C1 controls, DEL, line/paragraph separators, and the zero-width and bidirectional formatting
 * characters (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069): they can split a SIP message or make a
 * displayed number read differently from the one dialled.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
const CONTROL_GLOBAL = new RegExp(CONTROL.source, 'g');

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** RFC 3966 visual separators, plus the spaces people paste and `tel:` links carry as `%20`. */
const VISUAL_SEPARATORS = /[\s\-.()\u00a0]/g;

const DIALABLE = /^\+?[0-9*#]+$/;
const GLOBAL_NUMBER = /^\+[0-9]+$/;

/** RFC 3261 user part: unreserved, escaped, and user-unreserved minus `;` `?` (which we split on). */
const SIP_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,/]|%[0-9A-Fa-f]{2})+$/;
const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const SIP_HOSTNAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*\\.?$`);

/** URI parameters that are safe to drop; any other one is refused. */
const DROPPABLE_PARAMS = /^(?:transport=(?:udp|tcp|tls|sctp|ws|wss)|user=phone)$/i;

/** Headers a `sip:` link may carry; they are dropped, never sent. */
const TOLERATED_HEADERS: ReadonlySet<string> = new Set(['subject', 'priority']);

const LINK_SCHEME_SET: ReadonlySet<string> = new Set<LinkScheme>(['tel', 'sip', 'sips', 'callto']);

type Parsed = { ok: true; target: LinkTarget } | { ok: false; reason: LinkRejection };

/** Parses one link; see the module comment for what is accepted and rejected. Never throws. */
export function parseLink(input: string, options: ParseLinkOptions): LinkRequest {
  const link = displayLink(input);
  const parsed = parse(input, options);
  return parsed.ok
    ? { kind: 'dial', link, target: parsed.target }
    : { kind: 'rejected', link, reason: parsed.reason };
}

/** The link as shown to the user: control characters removed, at most {@link MAX_DISPLAY_LENGTH}. */
export function displayLink(input: string): string {
  const visible = Array.from(input.replace(CONTROL_GLOBAL, '').trim());
  if (visible.length <= MAX_DISPLAY_LENGTH) return visible.join('');
  return `${visible.slice(0, MAX_DISPLAY_LENGTH - 1).join('')}…`;
}

function parse(input: string, options: ParseLinkOptions): Parsed {
  const text = input.trim();
  if (text === '') return reject('empty');
  if (input.length > MAX_LINK_LENGTH) return reject('too-long');
  if (CONTROL.test(input) || CONTROL.test(percentDecodeLoosely(text))) return reject('control-characters');

  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return reject('malformed');
  if (!isLinkScheme(scheme)) return reject('unsupported-scheme');
  if (!options.enabledSchemes[scheme]) return reject('scheme-disabled');

  const body = text.slice(scheme.length + 1);
  switch (scheme) {
    case 'tel':
      return parseTel(stripSlashes(body), options.defaultCountry);
    case 'callto':
      return parseCallto(stripSlashes(body), options.defaultCountry);
    case 'sip':
    case 'sips':
      return parseSip(scheme, body);
  }
}

function isLinkScheme(scheme: string): scheme is LinkScheme {
  return LINK_SCHEME_SET.has(scheme);
}

/** `callto://…` and the `tel://…` some pages write: the slashes carry nothing. */
function stripSlashes(body: string): string {
  return body.startsWith('//') ? body.slice(2).replace(/\/$/, '') : body;
}

/** RFC 3966 `telephone-subscriber`: number, then `;name=value` parameters. */
function parseTel(body: string, country: CountryCode | undefined): Parsed {
  // RFC 3966 has no headers; a `?` means this is not a telephone-subscriber.
  if (body.includes('?')) return reject('malformed');
  const [rawNumber = '', ...params] = body.split(';');
  if (rawNumber === '' && params.length === 0) return reject('empty');
  const local = decode(rawNumber);
  if (local === null) return reject('malformed');
  let digits = local.replace(VISUAL_SEPARATORS, '');
  if (!DIALABLE.test(digits)) return reject(digits === '' ? 'empty' : 'malformed');

  for (const param of params) {
    const [name = '', value = ''] = splitOnce(param, '=');
    if (!/^[A-Za-z0-9-]+$/.test(name)) return reject('malformed');
    if (name.toLowerCase() !== 'phone-context' || digits.startsWith('+')) continue;
    const context = decode(value) ?? '';
    if (context.startsWith('+')) {
      const prefix = context.replace(VISUAL_SEPARATORS, '');
      if (!GLOBAL_NUMBER.test(prefix)) return reject('malformed');
      digits = prefix + digits;
    } else if (!SIP_HOSTNAME.test(context)) {
      return reject('malformed');
    }
  }
  return numberTarget(digits, country);
}

function parseCallto(body: string, country: CountryCode | undefined): Parsed {
  if (body === '') return reject('empty');
  const decoded = decode(body);
  if (decoded === null) return reject('malformed');
  const digits = decoded.replace(VISUAL_SEPARATORS, '');
  if (!DIALABLE.test(digits)) return reject('malformed');
  return numberTarget(digits, country);
}

function numberTarget(digits: string, country: CountryCode | undefined): Parsed {
  const count = digits.replace('+', '').length;
  if (count === 0 || count > MAX_DIGITS) return reject('malformed');
  return { ok: true, target: { kind: 'number', number: normaliseNumber(digits, country) } };
}

/**
 * E.164 when libphonenumber-js calls the number valid, else the digits as given. Numbers of six digits
 * or fewer are extensions or feature codes and are never rewritten (same rule as the dial field).
 */
export function normaliseNumber(digits: string, country: CountryCode | undefined): string {
  if (/[*#]/.test(digits) || digits.replace('+', '').length <= 6) return digits;
  const parsed = parsePhoneNumberFromString(digits, country);
  return parsed?.isValid() ? parsed.number : digits;
}

function parseSip(scheme: 'sip' | 'sips', body: string): Parsed {
  if (body === '') return reject('empty');
  // `sip://…` is not SIP syntax (RFC 3261 has no authority part); do not guess what was meant.
  if (body.startsWith('//')) return reject('malformed');
  const [uriPart = '', headers] = splitOnce(body, '?');
  if (headers !== undefined) {
    const refused = headers
      .split('&')
      .filter((header) => header !== '')
      .some((header) => {
        const name = decode(splitOnce(header, '=')[0] ?? '');
        return name === null || !TOLERATED_HEADERS.has(name.trim().toLowerCase());
      });
    if (refused) return reject('headers-not-allowed');
  }

  const [userHost = '', ...params] = uriPart.split(';');
  const at = userHost.indexOf('@');
  if (at <= 0 || userHost.indexOf('@', at + 1) !== -1) return reject('malformed');
  const user = userHost.slice(0, at);
  const hostPort = userHost.slice(at + 1);
  // `user:password@host`: a password in a link is never legitimate (RFC 3261 §19.1.1 deprecates it).
  if (!SIP_USER.test(user) || decode(user) === null) return reject('malformed');
  const host = parseHostPort(hostPort);
  if (typeof host !== 'string') return reject(host.reason);

  for (const param of params) {
    if (param === '') continue;
    if (!DROPPABLE_PARAMS.test(param)) return reject('headers-not-allowed');
  }

  const uri = `${scheme}:${user}@${host}`;
  if (uri.length > MAX_URI_LENGTH) return reject('too-long');
  return { ok: true, target: { kind: 'sip', uri } };
}

const HOST_REJECTIONS: Readonly<Record<SipHostProblem, LinkRejection>> = {
  'ipv4-invalid': 'host-ipv4-invalid',
  numeric: 'host-numeric',
  'ipv6-invalid': 'host-ipv6-invalid',
  malformed: 'malformed',
};

/**
 * `host[:port]` written back (host lower-cased), or why not. Port 1–65535; host a DNS name, IPv4 or
 * `[IPv6]` that can exist (`readSipHost`).
 */
function parseHostPort(text: string): string | { reason: LinkRejection } {
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(text);
  if (match === null) {
    // More than one colon and no brackets: an IPv6 address written the way RFC 3261 §19.1.1 forbids.
    const bareIpv6 = !/[[\]]/.test(text) && (text.match(/:/g) ?? []).length > 1;
    return { reason: bareIpv6 ? 'host-ipv6-invalid' : 'malformed' };
  }
  const [, hostText = '', port] = match;
  const host = readSipHost(hostText);
  if (!host.ok) return { reason: HOST_REJECTIONS[host.problem] };
  if (port !== undefined) {
    const value = Number(port);
    if (value < 1 || value > 65535) return { reason: 'malformed' };
  }
  const written = host.host.kind === 'ipv6' ? `[${host.host.host}]` : host.host.host;
  return `${written}${port === undefined ? '' : `:${Number(port)}`}`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index === -1 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Percent-decodes for the control-character check only. Escapes that are not valid UTF-8 are decoded
 * byte by byte, so `%0D%0A` is found even next to a broken sequence such as `%E0%A4`.
 */
function percentDecodeLoosely(text: string): string {
  return (
    decode(text) ??
    text.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  );
}

function reject(reason: LinkRejection): Parsed {
  return { ok: false, reason };
}
