import { readSipServer } from '@common/sip-server';
import { isSipUri } from '@common/sip-uri';

/** A SIP address as a person types it into the assistant, read into its parts. */
export interface SipAddress {
  /** The address of record, always with a scheme: `sip:1001@pbx.example.com`. */
  aor: string;
  /** User part, e.g. `1001`; also the default authentication user. */
  user: string;
  /** Host name (lower case) or IP address of the domain, IPv6 without brackets. */
  host: string;
  /** A port written after the domain, e.g. `sip:1001@pbx.example.com:5080`. */
  port?: number;
  /** `sips:` asks for TLS all the way (RFC 3261 §19.1). */
  secure: boolean;
}

/** Why typed text is not a SIP address. */
export type SipAddressProblem = 'empty' | 'no-user' | 'no-domain' | 'malformed';

/**
 * Reads `sip:1001@pbx.example.com`, `sips:…`, or `1001@pbx.example.com` as people copy it from a
 * provider's welcome mail (the scheme is optional, like an e-mail address).
 */
export function readSipAddress(
  text: string,
): { ok: true; address: SipAddress } | { ok: false; problem: SipAddressProblem } {
  const value = text.trim();
  if (value === '') return { ok: false, problem: 'empty' };
  const scheme = /^(sips?):/i.exec(value);
  const rest = scheme ? value.slice(scheme[0].length) : value;
  const at = rest.lastIndexOf('@');
  if (at < 0) return { ok: false, problem: /[.:]/.test(rest) ? 'no-user' : 'no-domain' };
  const user = rest.slice(0, at);
  const domain = rest.slice(at + 1);
  if (user === '') return { ok: false, problem: 'no-user' };
  if (domain === '') return { ok: false, problem: 'no-domain' };
  const server = readSipServer(domain);
  if (!server.ok) return { ok: false, problem: 'malformed' };
  const secure = scheme?.[1]?.toLowerCase() === 'sips';
  const aor = `${secure ? 'sips' : 'sip'}:${user}@${domain.toLowerCase()}`;
  if (!isSipUri(aor)) return { ok: false, problem: 'malformed' };
  return {
    ok: true,
    address: {
      aor,
      user,
      host: server.server.host,
      ...(server.server.port === undefined ? {} : { port: server.server.port }),
      secure,
    },
  };
}
