/**
 * What is wrong with a SIP WebSocket server address (RFC 7118), if anything.
 *
 * One function for the account form (which shows a message per problem) and the contract's zod schema
 * (which main uses to refuse bad input over IPC), so both always agree. Free of Electron and Node
 * imports: the renderer bundles it.
 */

/** Why a WebSocket URL is refused. */
export type WssUrlProblem =
  /** Not a URL at all. */
  | 'malformed'
  /** `ws:`, `https:` or anything but `wss:`: credentials must never travel in clear. */
  | 'scheme'
  /** A port outside 1–65535 (0 is a wildcard, not a port one can connect to). */
  | 'port'
  /** `user:password@` in the URL: SIP digest authentication carries credentials, never the URL. */
  | 'credentials';

/** The explicit port written in `value`, or null when there is none. Read before `URL` drops it. */
function explicitPort(value: string): string | null {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value)?.[1] ?? '';
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  // A bracketed IPv6 literal has colons of its own; only a colon after `]` starts a port.
  const match = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(hostAndPort);
  return match === null ? null : (match[1] ?? '');
}

/** Null when `value` (already trimmed) is a usable `wss://host[:port][/path]` address. */
export function wssUrlProblem(value: string): WssUrlProblem | null {
  const port = explicitPort(value);
  if (port !== null && port !== '') {
    if (!/^\d{1,5}$/.test(port)) return 'port';
    const number = Number(port);
    if (number < 1 || number > 65_535) return 'port';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'malformed';
  }
  if (url.protocol !== 'wss:') return 'scheme';
  if (url.username !== '' || url.password !== '') return 'credentials';
  return null;
}

/** The port a `wss:`/`https:` URL means when it names none. */
const DEFAULT_TLS_PORT = '443';

/**
 * `host:port` of a TLS URL, lower-case, with the default port written out; null for other schemes or
 * unparseable text. Certificates are pinned per server address; Chromium reports a WebSocket's
 * certificate error with its `wss:` URL.
 */
export function serverAddress(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'wss:' && parsed.protocol !== 'https:') return null;
  if (parsed.hostname === '') return null;
  return `${parsed.hostname.toLowerCase()}:${parsed.port === '' ? DEFAULT_TLS_PORT : parsed.port}`;
}
