/**
 * The host part of a SIP URI or server address (RFC 3261 §25.1 `host = hostname / IPv4address /
 * IPv6reference`), read strictly enough to refuse hosts that cannot exist, with the reason.
 *
 * RFC 3261's grammar is looser than the Internet: `IPv4address` is `1*3DIGIT` four times, so
 * `999.1.1.1` parses, yet no such address exists. This reader refuses:
 * - four dot-separated numbers that are not each 0–255 without leading zeros (`999.1.1.1`,
 *   `010.1.1.1`: many resolvers read a leading zero as octal, so it would reach another address than
 *   the one shown);
 * - other all-numeric names (`12345`, `1.2.3`, `example.123`): RFC 3261's `toplabel` starts with a
 *   letter, and RFC 3696 §2 explains why a top-level label is never all digits — such a "name" is
 *   really a broken address;
 * - IPv6 references that are not RFC 4291 §2.2 text (`[1::2::3]`, `[12345::]`, `[::1%25eth0]`, an
 *   address without brackets).
 *
 * Shared by the link parser and the server-address reader; no Electron or Node imports.
 */

/** Why a host is refused. */
export type SipHostProblem =
  /** Four numbers separated by dots, one of them above 255 or written with a leading zero. */
  | 'ipv4-invalid'
  /** Only digits and dots (or a last label of digits only), and not an IPv4 address either. */
  | 'numeric'
  /** In brackets, or full of colons, but not an IPv6 address. */
  | 'ipv6-invalid'
  /** Anything else that is not a host name: empty, spaces, `_`, a label over 63 characters... */
  | 'malformed';

export interface SipHost {
  kind: 'name' | 'ipv4' | 'ipv6';
  /** Lower case; an IPv6 address without its brackets. */
  host: string;
}

export type SipHostReading = { ok: true; host: SipHost } | { ok: false; problem: SipHostProblem };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const DIGITS = /^\d+$/;
const DEC_OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;
const MAX_NAME_LENGTH = 253;

/** True for a dotted quad of 0–255 without leading zeros (RFC 3986 `IPv4address`). */
export function isIpv4Address(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => DEC_OCTET.test(part));
}

/** True for RFC 4291 §2.2 text: eight groups, `::` once for one or more zero groups, a dotted quad at the end. */
export function isIpv6Address(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (half: string | undefined): string[] => (half ? half.split(':') : []);
  const groups = [...groupsOf(halves[0]), ...groupsOf(halves[1])];
  const last = groups.at(-1);
  // An embedded IPv4 address (`::ffff:192.0.2.1`) stands for the last two groups.
  const embedsIpv4 = last !== undefined && last.includes('.');
  if (embedsIpv4 && !isIpv4Address(last)) return false;
  const hexGroups = embedsIpv4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((group) => HEX_GROUP.test(group))) return false;
  const width = hexGroups.length + (embedsIpv4 ? 2 : 0);
  return halves.length === 2 ? width <= 7 : width === 8;
}

/**
 * Reads `text` as a SIP host: a name, a dotted-quad IPv4 address or a bracketed IPv6 reference.
 * Never throws.
 */
export function readSipHost(text: string): SipHostReading {
  if (text.startsWith('[') || text.endsWith(']')) {
    const inner = /^\[([^\]]*)\]$/.exec(text)?.[1];
    return inner !== undefined && isIpv6Address(inner)
      ? { ok: true, host: { kind: 'ipv6', host: inner.toLowerCase() } }
      : { ok: false, problem: 'ipv6-invalid' };
  }
  // An IPv6 address needs its brackets in a SIP URI (RFC 3261 §19.1.1), or its colons read as a port.
  if (text.includes(':')) return { ok: false, problem: 'ipv6-invalid' };
  const name = text.toLowerCase();
  const labels = (name.endsWith('.') ? name.slice(0, -1) : name).split('.');
  if (labels.length === 4 && labels.every((label) => DIGITS.test(label))) {
    return isIpv4Address(name)
      ? { ok: true, host: { kind: 'ipv4', host: name } }
      : { ok: false, problem: 'ipv4-invalid' };
  }
  if (name.length > MAX_NAME_LENGTH || !labels.every((label) => LABEL.test(label)))
    return { ok: false, problem: 'malformed' };
  if (DIGITS.test(labels.at(-1) ?? '')) return { ok: false, problem: 'numeric' };
  return { ok: true, host: { kind: 'name', host: name } };
}
