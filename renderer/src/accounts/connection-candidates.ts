import type { ConnectionCandidate, SipServiceLookup } from '@common/contract';
import { formatSipServer } from '@common/sip-server';
import { isRestrictedPort } from '@common/unsafe-ports';

export type { ConnectionCandidate };

/** How a candidate is written for people and in the step list: the URL, or `TLS host:port`. */
export function candidateAddress(candidate: ConnectionCandidate): string {
  return candidate.transport === 'wss'
    ? candidate.url
    : `${candidate.transport.toUpperCase()} ${candidate.server}`;
}

/**
 * Where SIP servers usually serve WebSocket, most common first. There is no DNS record for a SIP
 * WebSocket URL (RFC 7118 defines none), so clients guess, as Zoiper and Bria do:
 * - `:443/ws`: a server behind a web front end (nginx, a load balancer), OpenSIPS/Kamailio setups;
 * - `:8089/ws`: Asterisk's built-in HTTPS server (`transport-wss`), which only upgrades on `/ws`;
 * - `:7443`: FreeSWITCH's `wss-binding`, any path;
 * - `:8443/ws`: the usual alternative HTTPS port;
 * - `:443` at the root: servers that upgrade on any path.
 */
const COMMON_WSS_ENDPOINTS: readonly { port: number; path: string }[] = [
  { port: 443, path: '/ws' },
  { port: 8089, path: '/ws' },
  { port: 7443, path: '' },
  { port: 8443, path: '/ws' },
  { port: 443, path: '' },
];

/** For a server named by DNS rather than typed, only the three most common endpoints are tried. */
const ENDPOINTS_PER_SRV_HOST = 3;

function wssUrl(host: string, port: number, path: string): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return `wss://${name}${port === 443 ? '' : `:${port}`}${path}`;
}

export interface CandidateInput {
  /** The domain of the SIP address (host name or IP address, IPv6 without brackets). */
  host: string;
  /** A port written in the SIP address: the SIP server's port (RFC 3263 §4.2: no SRV lookup then). */
  port?: number;
  /** `sips:` address: only TLS for direct connections (RFC 3261 §26.2.2). */
  secure: boolean;
  /** The domain's RFC 3263 lookup, when one could be made (the gateway can; a page cannot). */
  lookup?: SipServiceLookup;
  /** Whether the gateway can carry SIP over UDP/TCP/TLS here. */
  direct: boolean;
}

/**
 * The connections worth trying for an address, in the order to try them: the common WebSocket
 * endpoints of the domain, then those of hosts that DNS names as its SIP servers, then (with the
 * gateway) SIP to the domain over each transport DNS offers for it, in DNS's order (TLS, TCP, UDP
 * when DNS says nothing: the gateway then uses 5061/5060), or to the address's own port.
 */
export function connectionCandidates(input: CandidateInput): ConnectionCandidate[] {
  const candidates: ConnectionCandidate[] = [];
  const seen = new Set<string>();
  const add = (candidate: ConnectionCandidate): void => {
    const key = candidateAddress(candidate);
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push(candidate);
  };

  const targets = input.lookup?.targets ?? [];
  const hosts = [input.host, ...targets.map((target) => target.host.toLowerCase())];
  for (const [index, host] of [...new Set(hosts)].entries()) {
    const endpoints =
      index === 0 ? COMMON_WSS_ENDPOINTS : COMMON_WSS_ENDPOINTS.slice(0, ENDPOINTS_PER_SRV_HOST);
    for (const { port, path } of endpoints) {
      if (!isRestrictedPort(port)) add({ transport: 'wss', url: wssUrl(host, port, path) });
    }
  }

  if (!input.direct) return candidates;
  // The gateway resolves the domain itself (RFC 3263) on every connection, so what is tried, and
  // saved, is the domain with a transport DNS offers for it, not the address DNS gave today.
  const server = formatSipServer({
    host: input.host,
    ...(input.port === undefined ? {} : { port: input.port }),
  });
  const offered =
    input.port === undefined && targets.length > 0 ? targets.map((target) => target.transport) : [];
  const transports = offered.length > 0 ? [...new Set(offered)] : (['tls', 'tcp', 'udp'] as const);
  // A sips: address goes direct only over TLS (RFC 3261 §26.2.2).
  for (const transport of transports) if (!input.secure || transport === 'tls') add({ transport, server });
  return candidates;
}
