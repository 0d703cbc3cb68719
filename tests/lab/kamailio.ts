/**
 * Kamailio as the lab's registrar and proxy: UDP and TCP for plain SIP phones, TLS for SIP over TLS and
 * with WebSocket upgrade (WSS) for WebRTC phones, digest auth against an in-memory table, in-memory location table.
 * The routing itself lives in `kamailio.cfg`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabCertificate } from './certificate.js';
import { findFreePort, findPortFreeForTcpAndUdp } from './ports.js';
import { createPresenceStore } from './presence-store.js';
import { startLabProcess, type LabProcess } from './processes.js';
import { runCommand } from './run-command.js';
import { renderTemplate } from './templates.js';
import type { LabUser } from './users.js';
import { waitFor } from './wait.js';

/** A SIP request as logged by the `RL-REQ` xlog line in kamailio.cfg. */
export interface SipRequestRecord {
  /** When Kamailio received it (ms since the epoch). */
  time: number;
  method: string;
  /** From URI, e.g. "sip:1011@127.0.0.1". */
  from: string;
  /** To URI. */
  to: string;
  requestUri: string;
  /** Transport it arrived on: "udp", "ws", "wss", ... */
  transport: string;
  callId: string;
  /** The Replaces header (RFC 3891) as received, e.g. "abc;to-tag=1;from-tag=2"; undefined without one. */
  replaces?: string;
  /** The Event header (SUBSCRIBE, PUBLISH, NOTIFY), e.g. "presence"; undefined without one. */
  event?: string;
  /** The Expires header, e.g. "0" for an un-SUBSCRIBE or a PUBLISH removal; undefined without one. */
  expires?: string;
  /** The CSeq number. */
  cseq: number;
  /** The user name of the request's digest credentials (Authorization or Proxy-Authorization); undefined without any. */
  authUser?: string;
}

/** A SUBSCRIBE the presence server handled, as logged by the `RL-SUBSCRIBED` xlog line in kamailio.cfg. */
export interface SubscribeOutcome {
  /** When Kamailio handled it (ms since the epoch). */
  time: number;
  callId: string;
  cseq: number;
  /** The Expires the server went by ("0": an un-SUBSCRIBE). */
  expires: string;
  /** True when the presence module took it: a subscription made, refreshed or (Expires: 0) ended. */
  taken: boolean;
}

/**
 * Narrows {@link SipRequestRecord}s. `from`/`to` match a URI exactly ("sip:1010@127.0.0.1") or
 * just its user part ("1010"), so a test can pass `user.aor` or `user.user`.
 */
export interface SipRequestFilter {
  from?: string;
  to?: string;
  callId?: string;
  /** Only requests received at or after this time (ms since the epoch), e.g. after a call started. */
  since?: number;
}

/** A running Kamailio. */
export interface Kamailio {
  /** UDP port; SIP over TCP listens on the same number. */
  udpPort: number;
  /** TLS port: SIP over TLS, and WebSocket clients at wss://127.0.0.1:tlsPort. */
  tlsPort: number;
  /** The running process (a new one after {@link Kamailio.start}). */
  readonly process: LabProcess;
  /** AoRs with at least one registered contact, as "sip:user@domain". */
  registeredAors(): Promise<string[]>;
  /** Contact URIs registered for `aor` ("sip:1010@127.0.0.1"); empty when none. */
  registeredContacts(aor: string): Promise<string[]>;
  /** Seconds left of each contact registered for `aor` (Kamailio's `ul.lookup`). */
  registeredExpiries(aor: string): Promise<number[]>;
  /** Requests Kamailio has received so far (retransmissions included), oldest first. */
  sipRequests(filter?: SipRequestFilter): Promise<SipRequestRecord[]>;
  /** SUBSCRIBEs that got past the proxy's checks to the presence server, oldest first. */
  subscribeOutcomes(): Promise<SubscribeOutcome[]>;
  /** PUBLISHes the presence server handled, oldest first (same shape: Expires "0" is a removal). */
  publishOutcomes(): Promise<SubscribeOutcome[]>;
  /**
   * Makes the proxy refuse every in-dialog re-INVITE (hold, resume) with `statusCode` until called
   * with undefined: a far end or proxy that rejects a hold, without needing such a phone.
   */
  setReInviteFailure(statusCode: number | undefined): Promise<void>;
  /**
   * Makes the presence server grant every SUBSCRIBE (initial or refresh) only `seconds`, as a notifier
   * may (RFC 6665 §4.2.1.1), so that watchers refresh within seconds; undefined grants what is asked.
   */
  setSubscriptionExpiry(seconds: number | undefined): Promise<void>;
  /**
   * Makes the presence server authenticate every in-dialog SUBSCRIBE (refresh or un-SUBSCRIBE) with a
   * 401 or 407 challenge, as many PBXes do, and refuse one whose CSeq is not above the last one seen in
   * its dialog with 500 (RFC 3261 §12.2.2); undefined lets them in as before.
   */
  setSubscriptionChallenge(statusCode: 401 | 407 | undefined): Promise<void>;
  /**
   * While on, the presence server answers no new dialog (BLF) subscription (neither its 200 nor its
   * first NOTIFY), as a PBX slow to look the line up; turned off, it answers the held ones (each is
   * held 10 s at most).
   */
  setSubscriptionHold(on: boolean): Promise<void>;
  /**
   * While on, the first try of every un-REGISTER and removal PUBLISH is challenged as if its nonce had
   * expired, though its credentials are right (route[STALE_NONCE]); the retry is taken.
   */
  setStaleNonce(on: boolean): Promise<void>;
  /**
   * The shortest registration the registrar accepts, in seconds (`min_expires`, changed at run time);
   * a REGISTER asking less gets 423 Interval Too Brief. Kamailio's default is 60.
   */
  setMinRegistrationExpiry(seconds: number): Promise<void>;
  /** The registrar's longest registration (s): a REGISTER asking more is granted this (default 3600). */
  setMaxRegistrationExpiry(seconds: number): Promise<void>;
  /**
   * Puts a binding into the location table as a REGISTER would have (`kamcmd ul.add`), e.g. to give
   * back a plain UDP phone its registration after a restart.
   */
  addBinding(aor: string, contact: string, expiresSeconds: number): Promise<void>;
  /** Removes every binding of `aor` from the location table (`kamcmd ul.rm`), as if they had expired. */
  removeBindings(aor: string): Promise<void>;
  /** Stops the server (SIGTERM, SIGKILL after the grace time); its ports stay reserved for {@link start}. */
  stop(): Promise<void>;
  /**
   * Starts the server again after {@link stop}, on the same ports with the same config, and resolves
   * once it answers. Its location table is in memory, so every phone must register again. Its TLS
   * listener presents `certificate` when given (a server whose certificate was replaced), else the
   * one it was first started with.
   */
  start(certificate?: LabCertificate): Promise<void>;
  /** True while the server process runs. */
  isRunning(): boolean;
}

/** What {@link startKamailio} needs to know about the rest of the lab. */
export interface KamailioOptions {
  /** Where configs and the ctl socket go. */
  dir: string;
  logFile: string;
  domain: string;
  certificate: LabCertificate;
  rtpengineNgPort: number;
  users: readonly LabUser[];
}

/** Parses the key=value fields of one `RL-REQ` log line. */
function parseRequestLine(line: string): SipRequestRecord | undefined {
  const marker = line.indexOf('RL-REQ ');
  if (marker < 0) return undefined;
  // Replaces is the line's last field and may hold spaces: everything after its key is its value.
  const [head = '', replaces] = line
    .slice(marker + 7)
    .trim()
    .split(' replaces=');
  const fields = new Map<string, string>();
  for (const pair of head.split(' ')) {
    const equals = pair.indexOf('=');
    if (equals > 0) fields.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  const seconds = Number(fields.get('ts'));
  // xlog prints a missing header as "<null>".
  const header = (value: string | undefined) => (value && value !== '<null>' ? value : undefined);
  const replacing = header(replaces);
  const event = header(fields.get('event'));
  const expires = header(fields.get('expires'));
  const authUser = header(fields.get('auth'));
  return {
    time: Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0,
    method: fields.get('method') ?? '',
    from: fields.get('from') ?? '',
    to: fields.get('to') ?? '',
    requestUri: fields.get('ruri') ?? '',
    transport: fields.get('proto') ?? '',
    callId: fields.get('callid') ?? '',
    cseq: Number(fields.get('cseq')),
    ...(replacing ? { replaces: replacing } : {}),
    ...(event ? { event } : {}),
    ...(expires ? { expires } : {}),
    ...(authUser ? { authUser } : {}),
  };
}

/** Parses the key=value fields of one `RL-SUBSCRIBED` log line. */
/** An `RL-SUBSCRIBED` or `RL-PUBLISHED` line (kamailio.cfg, route[PRESENCE]). */
function parseOutcomeLine(
  line: string,
  marker: 'RL-SUBSCRIBED ' | 'RL-PUBLISHED ',
): SubscribeOutcome | undefined {
  const at = line.indexOf(marker);
  if (at < 0) return undefined;
  const fields = new Map(
    line
      .slice(at + marker.length)
      .trim()
      .split(' ')
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const),
  );
  return {
    time: Math.round(Number(fields.get('ts')) * 1000),
    callId: fields.get('callid') ?? '',
    cseq: Number(fields.get('cseq')),
    expires: fields.get('expires') ?? '',
    taken: fields.get('rc') === '1',
  };
}

function uriMatches(uri: string, wanted: string): boolean {
  if (uri === wanted) return true;
  const user = /^sips?:([^@;]+)@/.exec(uri)?.[1];
  return user === wanted;
}

function matchesFilter(request: SipRequestRecord, filter: SipRequestFilter): boolean {
  return (
    (filter.from === undefined || uriMatches(request.from, filter.from)) &&
    (filter.to === undefined || uriMatches(request.to, filter.to)) &&
    (filter.callId === undefined || request.callId === filter.callId) &&
    (filter.since === undefined || request.time >= filter.since)
  );
}

/**
 * Writes the configs for this run, starts Kamailio in the foreground (`-DD -E`: no daemon, log to
 * stderr, which goes to `logFile`) and resolves once its ctl socket answers and the TLS port
 * accepts connections. rtpengine must already be running: Kamailio pings it at start-up.
 */
export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const [udpPort, tlsPort] = await Promise.all([findPortFreeForTcpAndUdp(), findFreePort('tcp')]);
  const runDir = options.dir;
  const ctlSocket = `unix:${join(runDir, 'ctl')}`;
  const tlsConfig = join(options.dir, 'kamailio-tls.cfg');
  const config = join(options.dir, 'kamailio.cfg');

  for (const user of options.users) {
    // The values are pasted into the routing script as string literals.
    if (!/^[A-Za-z0-9._-]+$/.test(user.user) || !/^[A-Za-z0-9._-]+$/.test(user.password)) {
      throw new Error(`lab user ${user.user}: user and password must be plain [A-Za-z0-9._-]`);
    }
  }
  const renderTlsConfig = (certificate: LabCertificate) =>
    renderTemplate(
      'kamailio-tls.cfg',
      { KEY_PATH: certificate.keyPath, CERT_PATH: certificate.certPath },
      tlsConfig,
    );
  await renderTlsConfig(options.certificate);
  const presenceDbDir = await createPresenceStore(options.dir);
  await renderTemplate(
    'kamailio.cfg',
    {
      UDP_PORT: udpPort,
      TLS_PORT: tlsPort,
      TLS_CONFIG: tlsConfig,
      RUN_DIR: runDir,
      RTPENGINE_NG_PORT: options.rtpengineNgPort,
      DOMAIN: options.domain,
      PRESENCE_DB_DIR: presenceDbDir,
      USER_PASSWORDS: options.users
        .map((user) => `\t$sht(users=>${user.user}) = "${user.password}";`)
        .join('\n'),
    },
    config,
  );

  const kamcmd = (...args: string[]) => runCommand('kamcmd', ['-s', ctlSocket, ...args], 5000);
  const setRegistrarInt = async (name: 'min_expires' | 'max_expires', seconds: number): Promise<void> => {
    await kamcmd('cfg.set_now_int', 'registrar', name, String(seconds));
    // kamcmd exits 0 even when the server refuses a command: read the value back.
    const now = (await kamcmd('cfg.get', 'registrar', name)).trim();
    if (now !== String(seconds)) throw new Error(`registrar ${name} is ${now}, not ${seconds}`);
  };

  const launch = async (): Promise<LabProcess> => {
    // pua writes its in-memory table back at shutdown, with NULLs its own start-up then refuses to
    // load; presence state is memory-only by design (like usrloc), so every start gets fresh tables.
    await createPresenceStore(options.dir);
    const started = startLabProcess({
      name: 'kamailio',
      command: 'kamailio',
      // -m/-M: shared/private memory in MB; the defaults are sized for production servers.
      args: ['-DD', '-E', '-f', config, '-Y', runDir, '-m', '64', '-M', '8'],
      logFile: options.logFile,
      cwd: options.dir,
    });
    const abortReason = () => {
      const status = started.exitStatus();
      return status === undefined ? undefined : `kamailio exited (${status}); see ${options.logFile}`;
    };
    // The SIP sockets are bound before the workers (ctl included) start, so a ctl answer means the
    // UDP and TLS listeners are up too. (Probing the TLS port would log a handshake error.)
    await waitFor(async () => ((await kamcmd('core.uptime')) ? true : undefined), {
      timeoutMs: 10_000,
      description: 'the Kamailio ctl socket',
      abortReason,
    });
    return started;
  };

  let server = await launch();

  const registeredAors = async (): Promise<string[]> => {
    const dump = await kamcmd('ul.dump', 'brief');
    return [...dump.matchAll(/^\s*AoR:\s*(\S+)\s*$/gm)].map((match) => `sip:${match[1] ?? ''}`);
  };

  /** One field of each contact registered for `aor`, as `ul.lookup` prints it. */
  const contactFields = async (aor: string, field: 'Address' | 'Expires'): Promise<string[]> => {
    let dump: string;
    try {
      dump = await kamcmd('ul.lookup', 'location', aor.replace(/^sips?:/, ''));
    } catch {
      // kamcmd fails with "404 - AOR not found" when nothing is registered.
      return [];
    }
    return [...dump.matchAll(new RegExp(`^\\s*${field}:\\s*(\\S+)\\s*$`, 'gm'))].map(
      (match) => match[1] ?? '',
    );
  };
  const registeredContacts = (aor: string): Promise<string[]> => contactFields(aor, 'Address');
  const registeredExpiries = async (aor: string): Promise<number[]> =>
    (await contactFields(aor, 'Expires')).map(Number);

  const sipRequests = async (filter: SipRequestFilter = {}): Promise<SipRequestRecord[]> => {
    const log = await readFile(options.logFile, 'utf8');
    const requests: SipRequestRecord[] = [];
    for (const line of log.split('\n')) {
      const request = parseRequestLine(line);
      if (request && matchesFilter(request, filter)) requests.push(request);
    }
    return requests;
  };

  const outcomes = async (marker: 'RL-SUBSCRIBED ' | 'RL-PUBLISHED '): Promise<SubscribeOutcome[]> =>
    (await readFile(options.logFile, 'utf8'))
      .split('\n')
      .flatMap((line) => parseOutcomeLine(line, marker) ?? []);
  const subscribeOutcomes = () => outcomes('RL-SUBSCRIBED ');
  const publishOutcomes = () => outcomes('RL-PUBLISHED ');

  return {
    udpPort,
    tlsPort,
    get process() {
      return server;
    },
    registeredAors,
    registeredContacts,
    registeredExpiries,
    sipRequests,
    subscribeOutcomes,
    publishOutcomes,
    setReInviteFailure: async (statusCode) => {
      if (statusCode === undefined) await kamcmd('htable.delete', 'labctl', 'reinvite_fail');
      else await kamcmd('htable.seti', 'labctl', 'reinvite_fail', String(statusCode));
    },
    setSubscriptionExpiry: async (seconds) => {
      if (seconds === undefined) await kamcmd('htable.delete', 'labctl', 'subscribe_expires');
      else await kamcmd('htable.seti', 'labctl', 'subscribe_expires', String(seconds));
    },
    setSubscriptionChallenge: async (statusCode) => {
      if (statusCode === undefined) await kamcmd('htable.delete', 'labctl', 'subscribe_challenge');
      else await kamcmd('htable.seti', 'labctl', 'subscribe_challenge', String(statusCode));
    },
    setSubscriptionHold: async (on) => {
      if (on) await kamcmd('htable.seti', 'labctl', 'subscribe_hold', '1');
      else await kamcmd('htable.delete', 'labctl', 'subscribe_hold');
    },
    setStaleNonce: async (on) => {
      if (on) await kamcmd('htable.seti', 'labctl', 'stale_nonce', '1');
      else await kamcmd('htable.delete', 'labctl', 'stale_nonce');
    },
    setMinRegistrationExpiry: (seconds) => setRegistrarInt('min_expires', seconds),
    setMaxRegistrationExpiry: (seconds) => setRegistrarInt('max_expires', seconds),
    addBinding: async (aor, contact, expiresSeconds) => {
      // table, AoR, contact, expires, q, path, flags, cflags, methods (a bit per method; only used with
      // registrar's method_filtering, which the lab leaves off, so all of them).
      await kamcmd(
        'ul.add',
        'location',
        aor.replace(/^sips?:/, ''),
        contact,
        String(expiresSeconds),
        '1.0',
        // No Path; "s:" makes kamcmd send an empty string rather than drop the argument.
        's:',
        '0',
        '0',
        '65535',
      );
    },
    removeBindings: async (aor) => {
      try {
        await kamcmd('ul.rm', 'location', aor.replace(/^sips?:/, ''));
      } catch {
        // "404 - AOR not found": nothing was registered.
      }
    },
    stop: () => server.stop(),
    start: async (certificate = options.certificate) => {
      if (server.exitStatus() === undefined) throw new Error('Kamailio is already running');
      await renderTlsConfig(certificate);
      server = await launch();
    },
    isRunning: () => server.exitStatus() === undefined,
  };
}
