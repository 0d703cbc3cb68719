/**
 * Where an account's SIP server is, the RFC 3263 way.
 *
 * The account fixes the transport (UDP, TCP or TLS), so of RFC 3263 §4.1 only what concerns that
 * transport applies:
 * - a numeric IP is used as is, on its port or 5060 (5061 for TLS);
 * - `host:port` skips NAPTR and SRV: A/AAAA of the host, on that port (§4.2);
 * - `host` alone: NAPTR first (a provider may name its own SRV record for the transport:
 *   `SIPS+D2T`, `SIP+D2T`, `SIP+D2U`), else the standard SRV name (`_sips._tcp`, `_sip._tcp`,
 *   `_sip._udp`); SRV targets are tried by priority, then weighted at random within one priority
 *   (RFC 2782); with no SRV at all, A/AAAA of the host on 5060/5061 (§4.2).
 *
 * Every target comes with the name it was found under, which TLS checks the certificate against.
 */
import { isIP } from 'node:net';
import type { DirectSipTransport, SipServiceLookup, SipServiceTarget } from '../../common/contract';
import { readSipServer, type SipServerAddress } from '../../common/sip-server';
import { DnsFailure, type DnsClient, type SrvAnswer } from './dns-client';

/** One address to try, in order. */
export interface ResolvedTarget {
  /** IP address to connect to. */
  address: string;
  family: 4 | 6;
  port: number;
  /** The host name this address belongs to (SRV target or the server's own name; the IP itself when numeric). */
  hostName: string;
  source: 'numeric' | 'address' | 'srv';
}

/** The name does not lead to any address (in words, for the registration status). */
export class SipServerNotFound extends Error {
  override readonly name = 'SipServerNotFound';
}

/** NAPTR service field per transport (RFC 3263 §4.1). */
const NAPTR_SERVICE: Record<DirectSipTransport, string> = {
  udp: 'SIP+D2U',
  tcp: 'SIP+D2T',
  tls: 'SIPS+D2T',
};

/** The SRV name used when NAPTR names none (RFC 3263 §4.2). */
const SRV_PREFIX: Record<DirectSipTransport, string> = {
  udp: '_sip._udp.',
  tcp: '_sip._tcp.',
  tls: '_sips._tcp.',
};

export function defaultPort(transport: DirectSipTransport): number {
  return transport === 'tls' ? 5061 : 5060;
}

/**
 * SRV records in the order to try them: ascending priority, and within a priority a weighted random
 * order (RFC 2782: weight 0 entries first in the running sum so they keep a small chance).
 */
export function orderSrv(records: readonly SrvAnswer[], random: () => number = Math.random): SrvAnswer[] {
  // RFC 2782: a single record with target "." means the service is decidedly not available.
  const usable = records.filter((record) => record.name !== '' && record.name !== '.');
  const priorities = [...new Set(usable.map((record) => record.priority))].sort((a, b) => a - b);
  const ordered: SrvAnswer[] = [];
  for (const priority of priorities) {
    const pool = usable
      .filter((record) => record.priority === priority)
      .sort((a, b) => Number(a.weight !== 0) - Number(b.weight !== 0));
    while (pool.length > 0) {
      const total = pool.reduce((sum, record) => sum + record.weight, 0);
      const pick = random() * (total + 1);
      let running = 0;
      let index = pool.findIndex((record) => {
        running += record.weight;
        return running >= pick;
      });
      if (index === -1) index = pool.length - 1;
      ordered.push(...pool.splice(index, 1));
    }
  }
  return ordered;
}

export class SipResolver {
  constructor(
    private readonly dns: DnsClient,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The addresses to try for `server` (`host[:port]`) over `transport`, best first. Rejects with
   * {@link SipServerNotFound} when nothing resolves.
   */
  async resolve(server: string, transport: DirectSipTransport): Promise<ResolvedTarget[]> {
    const read = readSipServer(server);
    if (!read.ok) throw new SipServerNotFound(`"${server}" is not a host[:port]`);
    const targets = await this.targetsOf(read.server, transport);
    if (targets.length === 0) throw new SipServerNotFound(`${server}: no address found (NAPTR, SRV, A/AAAA)`);
    return targets;
  }

  private async targetsOf(
    server: SipServerAddress,
    transport: DirectSipTransport,
  ): Promise<ResolvedTarget[]> {
    const family = isIP(server.host);
    if (family !== 0) {
      return [
        {
          address: server.host,
          family: family === 6 ? 6 : 4,
          port: server.port ?? defaultPort(transport),
          hostName: server.host,
          source: 'numeric',
        },
      ];
    }
    if (server.port !== undefined) return this.addressTargets(server.host, server.port, 'address');
    const srvName =
      (await this.naptrSrvName(server.host, transport)) ?? `${SRV_PREFIX[transport]}${server.host}`;
    const records = orderSrv(await this.dns.srv(srvName), this.random);
    if (records.length > 0) {
      const perRecord = await Promise.all(
        records.map((record) => this.addressTargets(record.name, record.port, 'srv').catch(() => [])),
      );
      return perRecord.flat();
    }
    return this.addressTargets(server.host, defaultPort(transport), 'address');
  }

  /** The SRV name a NAPTR record gives for this transport (lowest order, then preference), if any. */
  private async naptrSrvName(domain: string, transport: DirectSipTransport): Promise<string | undefined> {
    let records;
    try {
      records = await this.dns.naptr(domain);
    } catch (error) {
      // NAPTR is optional (RFC 3263 §4.1): a resolver that fails it should not stop the SRV step.
      if (error instanceof DnsFailure) return undefined;
      throw error;
    }
    const wanted = records
      .filter(
        (record) =>
          record.flags.toUpperCase() === 'S' && record.service.toUpperCase() === NAPTR_SERVICE[transport],
      )
      .sort((a, b) => a.order - b.order || a.preference - b.preference);
    const replacement = wanted[0]?.replacement.replace(/\.$/, '');
    return replacement === undefined || replacement === '' ? undefined : replacement;
  }

  private async addressTargets(
    host: string,
    port: number,
    source: 'address' | 'srv',
  ): Promise<ResolvedTarget[]> {
    const addresses = await this.dns.addresses(host);
    return addresses.map(({ address, family }) => ({ address, family, port, hostName: host, source }));
  }

  /**
   * Every way to reach `domain`'s SIP service, for the account assistant: NAPTR order when the domain
   * has NAPTR records, else the SRV records of TLS, TCP and UDP (in that order of preference), else
   * the domain's own address on 5060 (UDP, TCP) and 5061 (TLS).
   */
  async lookup(domain: string): Promise<SipServiceLookup> {
    const name = domain.trim().toLowerCase().replace(/\.$/, '');
    try {
      const targets: SipServiceTarget[] = [];
      const naptr = (await this.dns.naptr(name).catch(() => []))
        .filter((record) => record.flags.toUpperCase() === 'S')
        .sort((a, b) => a.order - b.order || a.preference - b.preference);
      const order: { transport: DirectSipTransport; srvName: string }[] = [];
      for (const record of naptr) {
        const transport = (Object.keys(NAPTR_SERVICE) as DirectSipTransport[]).find(
          (candidate) => NAPTR_SERVICE[candidate] === record.service.toUpperCase(),
        );
        if (transport && !order.some((entry) => entry.transport === transport))
          order.push({ transport, srvName: record.replacement.replace(/\.$/, '') });
      }
      if (order.length === 0)
        for (const transport of ['tls', 'tcp', 'udp'] as const)
          order.push({ transport, srvName: `${SRV_PREFIX[transport]}${name}` });
      for (const { transport, srvName } of order) {
        for (const record of orderSrv(await this.dns.srv(srvName), this.random))
          targets.push({ transport, host: record.name, port: record.port, source: 'srv' });
      }
      if (targets.length === 0 && (await this.dns.addresses(name)).length > 0) {
        for (const transport of ['udp', 'tcp', 'tls'] as const)
          targets.push({ transport, host: name, port: defaultPort(transport), source: 'address' });
      }
      return targets.length > 0
        ? { domain: name, targets }
        : {
            domain: name,
            targets: [],
            error: `${name} has no SIP service records (NAPTR, SRV) and no address`,
          };
    } catch (error) {
      return { domain: name, targets: [], error: error instanceof Error ? error.message : String(error) };
    }
  }
}
