/**
 * A SIP server named for a direct (UDP, TCP or TLS) connection: `host`, `host:port`, `[v6]` or
 * `[v6]:port`. Without a port the server is found the RFC 3263 way (NAPTR, SRV, then A/AAAA on
 * 5060/5061).
 *
 * One reader for the account form (a message per problem) and the contract's zod schema (main refuses
 * bad input over IPC with it), so both always agree. Free of Electron and Node imports: the renderer
 * bundles it.
 */
import { readSipHost } from './sip-host';

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

/** Reads `value` (already trimmed) as a server address, or says what is wrong with it. */
export function readSipServer(
  value: string,
): { ok: true; server: SipServerAddress } | { ok: false; problem: SipServerProblem } {
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{0,6}))?$/.exec(value);
  if (!match) return { ok: false, problem: 'malformed' };
  const [, hostText = '', port] = match;
  // A host that cannot exist (999.1.1.1, 12345, [1::2::3]) is as malformed as one with a space.
  const read = readSipHost(hostText);
  if (!read.ok) return { ok: false, problem: 'malformed' };
  const host = read.host.host;
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
