/**
 * What SIP.js cannot know about the gateway's sockets, set in one place.
 *
 * SIP.js believes it talks over a WebSocket (RFC 7118): its Via sent-by is a random `*.invalid` host
 * without a port and its Contact is `sip:user@that-host;transport=ws`. On UDP/TCP/TLS those must be
 * real (RFC 3261 §18.1.1, §8.1.1.8), so on the way out:
 * - the top Via of each request gets the socket's transport and our `ip:port` as sent-by (the public
 *   address once the server told us one with `received`/`rport`, RFC 3581), with `rport`;
 * - every Contact that points at SIP.js's host gets our `ip:port` and `transport=udp|tcp|tls`
 *   (a Contact pointing elsewhere, such as a 302's new target, is left alone). The registrar's 200
 *   then lists that rewritten Contact; SIP.js's Registerer still finds its own in it because, with no
 *   `contactName` configured (Phone sets none), it compares the user part only (sip.js 0.21
 *   `Registerer`, "contact.uri.user === this.userAgent.contact.uri.user").
 * On the way in:
 * - a response's top Via gets SIP.js's own sent-by back: SIP.js drops any response whose top Via host
 *   differs from its `viaHost` or carries a port (`UserAgent.onTransportMessage`, sip.js 0.21);
 *   `received`/`rport` are read first, and are where we learn our public address;
 * - a request's Request-URI: SIP.js accepts a request when the R-URI's *user part* equals that of its
 *   address of record or Contact and ignores host and port (`UserAgentCore.receiveRequest`), so our
 *   rewritten Contact needs nothing more. Two things real servers send would still be refused: a
 *   `sips:` R-URI (SIP.js answers 416 to every scheme but `sip`) — TLS to the server is the
 *   transport's business here, so it is read as `sip:`; and an R-URI without a user part aimed at our
 *   socket (some PBXs address the bare Contact host) — it gets SIP.js's Contact user.
 *
 * Plain functions over {@link SipMessage}; no sockets, so every rule is unit-tested.
 */
import type { DirectSipTransport } from '../../common/contract';
import { splitHeaderList, type SipMessage } from '../sip-message';

export interface HostPort {
  host: string;
  port: number;
}

/** The socket a message leaves by: its transport and the sent-by it should carry. */
export interface SocketEndpoint extends HostPort {
  transport: DirectSipTransport;
}

/** What SIP.js put in its first request, remembered to give it back. */
interface SipJsIdentity {
  viaHost: string;
  viaTransport: string;
  contactUser?: string;
}

const VIA = /^\s*SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9-]+)\s+(\[[^\]]+\]|[^\s;:]+)(?:\s*:\s*(\d+))?\s*(;.*)?$/i;
/**
 * `sip(s):[userinfo@]host[:port][;params][?headers]`. The userinfo runs to the `@`: it may hold `;`,
 * `?`, `/` and `,` (RFC 3261 §25.1 user-unreserved, RFC 4475 §3.1.1.2 "intmeth" and §3.1.1.9
 * "semiuri"), and no `@` appears unescaped anywhere else in a SIP URI.
 */
const URI = /^(sips?):(?:([^@]*)@)?(\[[^\]]+\]|[^;:?]+)(?::(\d+))?((?:;[^?]*)?)(\?.*)?$/i;

interface ParsedVia {
  transport: string;
  host: string;
  port?: number;
  params: string;
}

function parseVia(value: string): ParsedVia | undefined {
  const match = VIA.exec(value);
  if (!match?.[1] || !match[2]) return undefined;
  return {
    transport: match[1],
    host: match[2].replace(/^\[|\]$/g, ''),
    ...(match[3] ? { port: Number(match[3]) } : {}),
    params: match[4] ?? '',
  };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The value of a `;name=value` (or bare `;name`) parameter, `''` for a bare one, undefined when absent. */
function paramOf(params: string, name: string): string | undefined {
  for (const part of params.split(';').slice(1)) {
    const [key, value] = part.split('=', 2);
    if (key?.trim().toLowerCase() === name) return value?.trim() ?? '';
  }
  return undefined;
}

function withParam(params: string, name: string, value: string | undefined): string {
  const kept = params
    .split(';')
    .slice(1)
    .filter((part) => part.split('=', 1)[0]?.trim().toLowerCase() !== name);
  const added = value === undefined ? name : `${name}=${value}`;
  return kept.map((part) => `;${part}`).join('') + `;${added}`;
}

/** The first element of the first Via field, and a way to put a new one in its place. */
function topVia(message: SipMessage): { value: string; replace(next: string): void } | undefined {
  const field = message.headers.find((h) => ['via', 'v'].includes(h.name.trim().toLowerCase()));
  if (!field) return undefined;
  const [first, ...rest] = splitHeaderList(field.value);
  if (first === undefined) return undefined;
  return {
    value: first,
    replace: (next) => {
      field.value = [next, ...rest].join(', ');
    },
  };
}

/** Rewrites the SIP.js side of an account's messages to and from its sockets (see the module comment). */
/** INVITEs whose top Via is remembered for their CANCEL or ACK: far more than can be in progress at once. */
const INVITES_REMEMBERED = 64;

export class SocketRewriter {
  private sipJs: SipJsIdentity | undefined;
  /** `SIP/2.0/<transport> <sent-by>` of recent INVITEs, by branch. */
  private readonly inviteSentBy = new Map<string, string>();

  /**
   * A message from SIP.js about to leave by `via` (its socket); Contacts get `contact` (the account's
   * main socket, where the server should send new requests). Changes `message` in place.
   */
  outbound(message: SipMessage, via: SocketEndpoint, contact: SocketEndpoint): void {
    if (message.isRequest) this.rewriteOutboundVia(message, via);
    this.rewriteContacts(message, contact);
  }

  /**
   * A message from the server about to reach SIP.js. Returns the address the server saw us at, when a
   * response says (`received`/`rport` on its top Via). Changes `message` in place.
   */
  inbound(message: SipMessage): { publicAddress?: HostPort } {
    if (message.isRequest) {
      this.rewriteRequestUri(message);
      return {};
    }
    const via = topVia(message);
    const parsed = via ? parseVia(via.value) : undefined;
    if (!via || !parsed) return {};
    const received = paramOf(parsed.params, 'received');
    const rport = paramOf(parsed.params, 'rport');
    const port = rport !== undefined && /^\d{1,5}$/.test(rport) ? Number(rport) : parsed.port;
    const publicAddress =
      (received !== undefined && received !== '') || (rport !== undefined && rport !== '')
        ? { host: received || parsed.host, port: port ?? 0 }
        : undefined;
    if (this.sipJs) via.replace(`SIP/2.0/${this.sipJs.viaTransport} ${this.sipJs.viaHost}${parsed.params}`);
    return publicAddress && publicAddress.port > 0 ? { publicAddress } : {};
  }

  /** The Via sent-by host SIP.js uses (its `viaHost`), once its first request went out. */
  get sipJsViaHost(): string | undefined {
    return this.sipJs?.viaHost;
  }

  private rewriteOutboundVia(message: SipMessage, endpoint: SocketEndpoint): void {
    const via = topVia(message);
    const parsed = via ? parseVia(via.value) : undefined;
    if (!via || !parsed) return;
    // SIP.js's own Via (a `.invalid` host, no port) is the identity to restore on responses; a Via
    // that already names a real host is a retransmission or a message written by the gateway.
    if (parsed.port === undefined && parsed.host.toLowerCase().endsWith('.invalid')) {
      this.sipJs = { ...this.sipJs, viaHost: parsed.host, viaTransport: parsed.transport };
    }
    const params =
      paramOf(parsed.params, 'rport') === undefined
        ? withParam(parsed.params, 'rport', undefined)
        : parsed.params;
    const branch = paramOf(parsed.params, 'branch');
    const method = message.method;
    // A CANCEL, and the ACK of a failed INVITE, must carry the INVITE's own top Via (RFC 3261 §9.1,
    // §17.1.1.3): the public address may have been learnt in between, so reuse what the INVITE had.
    const sentBy =
      (method === 'CANCEL' || method === 'ACK') && branch ? this.inviteSentBy.get(branch) : undefined;
    const next =
      sentBy ?? `SIP/2.0/${endpoint.transport.toUpperCase()} ${formatHost(endpoint.host)}:${endpoint.port}`;
    if (method === 'INVITE' && branch) {
      this.inviteSentBy.set(branch, next);
      if (this.inviteSentBy.size > INVITES_REMEMBERED)
        this.inviteSentBy.delete(this.inviteSentBy.keys().next().value ?? '');
    }
    via.replace(`${next}${params}`);
  }

  private rewriteContacts(message: SipMessage, endpoint: SocketEndpoint): void {
    const viaHost = this.sipJs?.viaHost.toLowerCase();
    if (viaHost === undefined) return;
    for (const field of message.headers) {
      if (!['contact', 'm'].includes(field.name.trim().toLowerCase())) continue;
      field.value = splitHeaderList(field.value)
        .map((contact) => this.rewriteContact(contact, viaHost, endpoint))
        .join(', ');
    }
  }

  private rewriteContact(contact: string, viaHost: string, endpoint: SocketEndpoint): string {
    if (contact.trim() === '*') return contact;
    const angle = /^(.*?)<([^>]*)>(.*)$/.exec(contact);
    const [display, uriText, headerParams] = angle
      ? [angle[1] ?? '', angle[2] ?? '', angle[3] ?? '']
      : ['', contact.split(';')[0] ?? '', contact.slice((contact.split(';')[0] ?? '').length)];
    const uri = URI.exec(uriText.trim());
    if (!uri?.[1] || !uri[3] || uri[3].replace(/^\[|\]$/g, '').toLowerCase() !== viaHost) return contact;
    const user = uri[2];
    if (user !== undefined && this.sipJs) this.sipJs.contactUser = user;
    const params = withParam(uri[5] ?? '', 'transport', endpoint.transport);
    const rewritten = `${uri[1]}:${user !== undefined ? `${user}@` : ''}${formatHost(endpoint.host)}:${endpoint.port}${params}${uri[6] ?? ''}`;
    // Always in angle brackets: a bare Contact's `;params` would be header parameters, not URI ones.
    return `${display}<${rewritten}>${headerParams}`;
  }

  private rewriteRequestUri(message: SipMessage): void {
    if (message.startLine.kind !== 'request') return;
    const uri = URI.exec(message.startLine.uri);
    if (!uri?.[1] || !uri[3]) return;
    const scheme = 'sip';
    const user = uri[2] ?? this.sipJs?.contactUser;
    message.startLine.uri = `${scheme}:${user !== undefined ? `${user}@` : ''}${uri[3]}${uri[4] ? `:${uri[4]}` : ''}${uri[5] ?? ''}${uri[6] ?? ''}`;
  }
}
