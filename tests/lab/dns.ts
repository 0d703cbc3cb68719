/**
 * A real DNS server for the lab (Debian's dnsmasq) answering for the lab's SIP domain, so the app's
 * gateway finds Kamailio the RFC 3263 way: NAPTR -> SRV (`_sip._udp`, `_sip._tcp`, `_sips._tcp`) ->
 * A, all on 127.0.0.1. The gateway is pointed at it with `RINGLINE_DNS_SERVER=127.0.0.1:PORT`.
 *
 * `--local` makes dnsmasq the authority for the domain: a name it does not know is NXDOMAIN at once,
 * never forwarded (the lab has no upstream, it runs in a loopback-only namespace).
 */
import { promises as dns } from 'node:dns';
import { userInfo } from 'node:os';
import { findPortFreeForTcpAndUdp } from './ports.js';
import { startLabProcess, type LabProcess } from './processes.js';
import { waitFor } from './wait.js';

/** The lab's SIP domain, served by its DNS server. */
export const LAB_SIP_DOMAIN = 'ringline.test';
/** The name its SRV records point at (A 127.0.0.1). */
export const LAB_SIP_HOST = `sip.${LAB_SIP_DOMAIN}`;

export interface LabDns {
  /** `127.0.0.1:PORT`, for `RINGLINE_DNS_SERVER`. */
  server: string;
  process: LabProcess;
  stop(): Promise<void>;
}

export interface LabDnsOptions {
  logFile: string;
  /** Kamailio's UDP and TCP port (the same number). */
  sipPort: number;
  /** Kamailio's TLS port (SIP over TLS, and WSS). */
  tlsPort: number;
}

export async function startLabDns(options: LabDnsOptions): Promise<LabDns> {
  const port = await findPortFreeForTcpAndUdp();
  const host = LAB_SIP_HOST;
  const domain = LAB_SIP_DOMAIN;
  const dnsmasq = startLabProcess({
    name: 'dnsmasq',
    command: 'dnsmasq',
    args: [
      '--keep-in-foreground',
      '--log-facility=-',
      '--log-queries',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--bind-interfaces',
      '--listen-address=127.0.0.1',
      `--port=${port}`,
      '--pid-file=',
      // dnsmasq drops privileges to "nobody" by default, which a user namespace may not allow.
      `--user=${process.getuid?.() === 0 ? 'root' : userInfo().username}`,
      `--local=/${domain}/`,
      // NAPTR order: TLS first, then TCP, then UDP (RFC 3263 §4.1 lets the domain rank them).
      `--naptr-record=${domain},10,10,S,SIPS+D2T,,_sips._tcp.${domain}`,
      `--naptr-record=${domain},20,10,S,SIP+D2T,,_sip._tcp.${domain}`,
      `--naptr-record=${domain},30,10,S,SIP+D2U,,_sip._udp.${domain}`,
      `--srv-host=_sips._tcp.${domain},${host},${options.tlsPort},10,0`,
      `--srv-host=_sip._tcp.${domain},${host},${options.sipPort},10,0`,
      `--srv-host=_sip._udp.${domain},${host},${options.sipPort},10,0`,
      `--host-record=${host},127.0.0.1`,
    ],
    logFile: options.logFile,
  });
  const server = `127.0.0.1:${port}`;
  await waitFor(async () => ((await resolves(server, host)) ? true : undefined), {
    timeoutMs: 10_000,
    intervalMs: 50,
    description: 'dnsmasq to answer',
    abortReason: () => {
      const status = dnsmasq.exitStatus();
      return status === undefined ? undefined : `dnsmasq exited (${status}); see ${options.logFile}`;
    },
  });
  return { server, process: dnsmasq, stop: () => dnsmasq.stop() };
}

async function resolves(server: string, name: string): Promise<boolean> {
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([server]);
  try {
    return (await resolver.resolve4(name)).includes('127.0.0.1');
  } catch {
    return false;
  }
}
