/**
 * A SIP server named for a direct (UDP, TCP or TLS) connection: `host`, `host:port`, `[v6]` or
 * `[v6]:port`. Without a port the server is found the RFC 3263 way (NAPTR, SRV, then A/AAAA on
 * 5060/5061).
 *
 * One reader for the account form (a message per problem) and the contract's zod schema (main refuses
 * bad input over IPC with it), so both always agree. Free of Electron and Node imports: the renderer
 * bundles it.
 */

/** Why a server address is refused. */
export type SipServerProblem =
  /** Empty, spaces, a scheme (`sip:`), a path, user info: anything but host[:port]. */
  | 'malformed'
  /** A port outside 1–65535. */
  | 'port';

export interface SipServerAddress {
  /** Host name (lower case) or IP address, IPv6 without brackets. */
  host: string;
  /** Absent: look the server up (RFC 3263). */
  port?: number;
}

/** RFC 3261 §25.1 `hostname`: labels of letters, digits and inner hyphens, an optional final dot. */
const HOSTNAME =
  /^(?=.{1,253}\.?$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** Loose IPv6 shape check; the socket layer is the real judge of a literal. */
const IPV6 = /^[0-9a-f:.]{2,45}$/i;

/** Reads `value` (already trimmed) as a server address, or says what is wrong with it. */
export function readSipServer(
  value: string,
): { ok: true; server: SipServerAddress } | { ok: false; problem: SipServerProblem } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{0,6}))?$/.exec(value);
  if (!match) return { ok: false, problem: 'malformed' };
  const [, v6, name, port] = match;
  let host: string;
  if (v6 !== undefined) {
    if (!IPV6.test(v6) || !v6.includes(':')) return { ok: false, problem: 'malformed' };
    host = v6.toLowerCase();
  } else {
    host = (name ?? '').toLowerCase();
    // An all-numeric name that is not a dotted quad (e.g. 999.1.1.1 or 12345) cannot be a host.
    if (/^[\d.]+$/.test(host) ? !IPV4.test(host) : !HOSTNAME.test(host))
      return { ok: false, problem: 'malformed' };
  }
  if (port === undefined) return { ok: true, server: { host } };
  const number = Number(port);
  if (port === '' || !Number.isInteger(number) || number < 1 || number > 65_535)
    return { ok: false, problem: 'port' };
  return { ok: true, server: { host, port: number } };
}

/** Null when `value` (already trimmed) is a usable server address. */
export function sipServerProblem(value: string): SipServerProblem | null {
  const read = readSipServer(value);
  return read.ok ? null : read.problem;
}

/** `host[:port]` written back, IPv6 in brackets. */
export function formatSipServer(server: SipServerAddress): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return server.port === undefined ? host : `${host}:${server.port}`;
}
