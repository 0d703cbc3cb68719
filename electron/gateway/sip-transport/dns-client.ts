/**
 * The DNS queries RFC 3263 needs (NAPTR, SRV, A/AAAA), from the system's resolver configuration or,
 * when `RINGLINE_DNS_SERVER` names one (`127.0.0.1:5353`), from that server only: the tests point it
 * at a real dnsmasq on loopback.
 */
import { promises as dns, type LookupAddress } from 'node:dns';

export interface NaptrAnswer {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

export interface SrvAnswer {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface AddressAnswer {
  address: string;
  family: 4 | 6;
}

/** Each query resolves to its records, or to none when the name or the record type does not exist. */
export interface DnsClient {
  naptr(name: string): Promise<NaptrAnswer[]>;
  srv(name: string): Promise<SrvAnswer[]>;
  addresses(name: string): Promise<AddressAnswer[]>;
}

/** The query went out but the answer is an error other than "no such name/record" (a broken resolver). */
export class DnsFailure extends Error {
  override readonly name = 'DnsFailure';
}

/** Answers meaning "no such record here": the next RFC 3263 step is tried. */
const NOT_FOUND: ReadonlySet<string> = new Set([dns.NODATA, dns.NOTFOUND, dns.NONAME]);

/** `RINGLINE_DNS_SERVER` read as `ip[:port]` / `[v6]:port`, or undefined when unset. Throws when malformed. */
export function dnsServerOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env['RINGLINE_DNS_SERVER']?.trim();
  if (value === undefined || value === '') return undefined;
  if (!/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-f:]+\](:\d{1,5})?)$/i.test(value))
    throw new Error(`RINGLINE_DNS_SERVER must be ip[:port], not "${value}"`);
  return value;
}

async function orNone<T>(query: Promise<T[]>): Promise<T[]> {
  try {
    return await query;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && NOT_FOUND.has(code)) return [];
    throw new DnsFailure(`${code ?? 'DNS error'}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The system's DNS: NAPTR and SRV through c-ares (`dns.Resolver`, with the servers the OS configures),
 * addresses through `getaddrinfo` (`dns.lookup`), so the hosts file counts as it does for every other
 * program. With an override, every query goes to that one server.
 */
export function systemDnsClient(env: NodeJS.ProcessEnv = process.env): DnsClient {
  const override = dnsServerOverride(env);
  const resolver = new dns.Resolver({ timeout: 3000, tries: 2 });
  if (override !== undefined) resolver.setServers([override]);
  return {
    naptr: (name) => orNone(resolver.resolveNaptr(name)),
    srv: (name) => orNone(resolver.resolveSrv(name)),
    addresses: async (name) => {
      if (override !== undefined) {
        const [v4, v6] = await Promise.all([
          orNone(resolver.resolve4(name)),
          orNone(resolver.resolve6(name)),
        ]);
        return [
          ...v4.map((address) => ({ address, family: 4 as const })),
          ...v6.map((address) => ({ address, family: 6 as const })),
        ];
      }
      const found: LookupAddress[] = await orNone(dns.lookup(name, { all: true, order: 'verbatim' }));
      return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
    },
  };
}
