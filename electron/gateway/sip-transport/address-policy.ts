/**
 * The one place that says where an account's SIP may go and where it may come from: the addresses its
 * server resolved to (RFC 3263), nothing else. Not the Request-URI, not a Route, not a Contact: the
 * renderer writes those, and a compromised renderer must not turn the gateway into a packet cannon
 * (issue 12, "Security"). The server routes requests onwards; we only ever talk to the server.
 */
import { isIP } from 'node:net';
import { hostPort } from './flow';
import type { HostPort } from './socket-rewriter';

/** A send to, or a datagram from, an address that is not the account's server. */
export class AddressNotAllowed extends Error {
  override readonly name = 'AddressNotAllowed';
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`, as dual-stack sockets report IPv4 peers) read as plain IPv4. */
function canonical(address: string): string {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped?.[1] ?? lower;
}

export class AddressPolicy {
  private readonly allowed: ReadonlySet<string>;

  /** `servers`: every address the account's configured server resolved to, with its port. */
  constructor(servers: readonly HostPort[]) {
    for (const server of servers)
      if (isIP(server.host) === 0) throw new Error(`AddressPolicy needs IP addresses, not ${server.host}`);
    this.allowed = new Set(
      servers.map((server) => hostPort({ host: canonical(server.host), port: server.port })),
    );
  }

  allows(address: HostPort): boolean {
    return this.allowed.has(hostPort({ host: canonical(address.host), port: address.port }));
  }

  /** Throws {@link AddressNotAllowed} unless `destination` is one of the account's server addresses. */
  checkDestination(destination: HostPort): void {
    if (!this.allows(destination))
      throw new AddressNotAllowed(`${hostPort(destination)} is not this account's SIP server; nothing sent`);
  }
}
