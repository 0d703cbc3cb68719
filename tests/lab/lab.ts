/**
 * The Ringline test lab: a real SIP registrar/proxy (Kamailio, UDP + WSS), a media relay that
 * bridges WebRTC and plain RTP (rtpengine) and legacy desk phones (baresip), all on 127.0.0.1 with
 * fresh ports, certificate and folder for every run.
 *
 * Run it inside a loopback-only network namespace (`unshare -n bash -c 'ip link set lo up; ...'`):
 * otherwise Chromium offers the machine's other addresses as ICE candidates. Missing tools are
 * reported (or installed) by `tests/lab/ensure-deps.sh`.
 *
 * @example
 * const lab = await startLab();
 * try {
 *   await lab.legacy.dial(lab.users.alice.aor);
 * } finally {
 *   await lab.stop();
 * }
 */
import { mkdir, mkdtemp, readdir, readFile, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToneWav } from './audio.js';
import {
  REGISTRATION_INTERVAL_SECONDS as DESK_PHONE_REGINT_SECONDS,
  startLegacyPhone as startBaresip,
  type AnswerMode,
  type LegacyPhone,
} from './baresip.js';
import { createLabCertificate, type LabCertificate } from './certificate.js';
import { startTurnServer, type TurnServer } from './coturn.js';
import { LAB_SIP_DOMAIN, startLabDns, type LabDns } from './dns.js';
import {
  startKamailio,
  type Kamailio,
  type SipRequestFilter,
  type SipRequestRecord,
  type SubscribeOutcome,
} from './kamailio.js';
import { startRtpengine, type Rtpengine, type RtpengineSession } from './rtpengine.js';
import { createLabUsers, LAB_DOMAIN, type LabUser, type LabUsers } from './users.js';
import { publishMailbox, type MailboxCounts } from './voicemail.js';
import { waitFor } from './wait.js';

export type { AudioMeasurement } from './audio.js';
export type { TurnAllocationUsage, TurnServer } from './coturn.js';
export type { AnswerMode, BaresipEvent, LegacyPhone, VideoStreamStatus } from './baresip.js';
export type { RgbaPicture } from './picture-summary.js';
export type { SipRequestFilter, SipRequestRecord, SubscribeOutcome } from './kamailio.js';
export type { RtpengineSession } from './rtpengine.js';
export type { LabUser, LabUsers } from './users.js';
export type { MailboxCounts } from './voicemail.js';

/** Options of {@link startLab}. */
export interface StartLabOptions {
  /** Tone the default legacy phone ({@link Lab.legacy}) sends; 440 Hz unless set. */
  toneHz?: number;
}

/** Options of {@link Lab.startLegacyPhone}. */
export interface LegacyPhoneStartOptions {
  /** Tone the phone sends as its microphone; 440 Hz unless set. */
  toneHz?: number;
  /** "auto" (default) answers every incoming call at once; "manual" waits for `answer()`. */
  answerMode?: AnswerMode;
  /** Not registered, no outbound proxy: reached at its own SIP port (see baresip.ts). */
  direct?: boolean;
  mediaEncryption?: 'srtp' | 'srtp-mand';
  /** A video phone: VP8 from a fake camera beside the audio (see baresip.ts); the default has no video. */
  video?: boolean;
}

/** A running lab. Everything in it is stopped by {@link Lab.stop}. */
export interface Lab {
  /** This run's own temporary folder (configs, certificate, phone folders, logs). */
  dir: string;
  /** kamailio.log, rtpengine.log and baresip-<user>.log; kept after stop(). */
  logsDir: string;
  /** SIP domain of all users, which is also the registrar's address: "127.0.0.1". */
  domain: string;
  /** Kamailio's TLS listener, which upgrades HTTP to WebSocket (SIP over WSS, RFC 7118). */
  wssUrl: string;
  /** Kamailio's UDP port on 127.0.0.1; SIP over TCP listens on the same number. */
  udpPort: number;
  /** Kamailio's TLS port on 127.0.0.1: SIP over TLS (and the WSS of {@link Lab.wssUrl}). */
  tlsPort: number;
  /**
   * The lab's DNS server (dnsmasq), `127.0.0.1:PORT`: NAPTR/SRV/A for {@link Lab.sipDomain}, pointing
   * at Kamailio. The gateway uses it with `RINGLINE_DNS_SERVER`.
   */
  dnsServer: string;
  /** A SIP domain only the lab's DNS server knows (`ringline.test`): found by SRV, no port given. */
  sipDomain: string;
  /** PEM certificate of the WSS listener (self-signed, CN/SAN 127.0.0.1 and localhost). */
  certPath: string;
  /** Private key of {@link Lab.certPath}, for test-owned TLS servers in front of Kamailio (ws-proxy.ts). */
  keyPath: string;
  /** Base64 SHA-256 of the certificate's SPKI, for Chromium's `--ignore-certificate-errors-spki-list`. */
  certSpkiSha256: string;
  /** SHA-256 of the certificate itself (colon hex), as a fingerprint is shown to the user. */
  certSha256: string;
  /** App users alice/bob/carol (1001-1003, WebRTC) and legacy phones legacy/legacy2 (1010, 1011). */
  users: LabUsers;
  /** baresip registered as `users.legacy` over UDP; answers automatically and sends a tone. */
  legacy: LegacyPhone;
  /** Starts another baresip phone registered as `user`; stopped with the lab. */
  startLegacyPhone(user: LabUser, opts?: LegacyPhoneStartOptions): Promise<LegacyPhone>;
  /**
   * The lab's TURN server (coturn on 127.0.0.1, one long-term credential), started on first use and
   * stopped with the lab.
   */
  turnServer(): Promise<TurnServer>;
  /** AoRs with a registered contact, e.g. ["sip:1010@127.0.0.1"] (Kamailio's `ul.dump`). */
  registeredAors(): Promise<string[]>;
  /** Contact URIs registered for `aor`, e.g. `sip:x@127.0.0.1:40000;transport=udp` (Kamailio's `ul.lookup`). */
  registeredContacts(aor: string): Promise<string[]>;
  /** Seconds left of each contact registered for `aor` (Kamailio's `ul.lookup`). */
  registeredExpiries(aor: string): Promise<number[]>;
  /**
   * Forgets every contact registered for `aor`, as if they had expired: a page that closes
   * withdraws its registration, but one whose unregister was lost or still unanswered when its
   * context went would leave a stale contact, and over UDP nothing else tells the registrar; it
   * would get a share of every forked call.
   */
  forgetRegistrations(aor: string): Promise<void>;
  /** Resolves once `aor` ("sip:1001@127.0.0.1") has a registered contact. Default timeout 10 s. */
  waitForRegistered(aor: string, timeoutMs?: number): Promise<void>;
  /** Requests Kamailio received, oldest first, e.g. `sipRequests({ since: callStart })`. */
  sipRequests(filter?: SipRequestFilter & { method?: string }): Promise<SipRequestRecord[]>;
  /**
   * Resolves with the first request of `method` that Kamailio received (already, or within
   * `timeoutMs`, default 10 s) and that matches `filter`, e.g. proof that the server saw a BYE.
   * `from`/`to` take a full URI or a user part.
   */
  waitForSipRequest(method: string, filter?: SipRequestFilter, timeoutMs?: number): Promise<SipRequestRecord>;
  /** SUBSCRIBEs the presence server handled, oldest first: e.g. proof that an un-SUBSCRIBE ended one. */
  subscribeOutcomes(): Promise<SubscribeOutcome[]>;
  /** PUBLISHes the presence server handled, oldest first: e.g. proof that a removal was taken. */
  publishOutcomes(): Promise<SubscribeOutcome[]>;
  /** While set, the proxy refuses in-dialog re-INVITEs (hold/resume) with this status; undefined clears. */
  setReInviteFailure(statusCode: number | undefined): Promise<void>;
  /** While set, the presence server grants subscriptions only this long (s); undefined clears. */
  setSubscriptionExpiry(seconds: number | undefined): Promise<void>;
  /**
   * While set, the presence server challenges every in-dialog SUBSCRIBE (refresh, un-SUBSCRIBE) with
   * this status and refuses one whose CSeq is out of order with 500; undefined clears.
   */
  setSubscriptionChallenge(statusCode: 401 | 407 | undefined): Promise<void>;
  /** While on, new dialog (BLF) subscriptions are left unanswered (10 s at most); off answers them. */
  setSubscriptionHold(on: boolean): Promise<void>;
  /** While on, each un-REGISTER's and removal PUBLISH's first try is challenged as stale (RFC 2617). */
  setStaleNonce(on: boolean): Promise<void>;
  /** The registrar's shortest accepted registration (s); shorter REGISTERs get 423 (default 60). */
  setMinRegistrationExpiry(seconds: number): Promise<void>;
  /** The registrar's longest registration (s): a REGISTER asking more is granted this (default 3600). */
  setMaxRegistrationExpiry(seconds: number): Promise<void>;
  /**
   * Stops Kamailio only (rtpengine and the phones keep running, so calls keep their media path):
   * a SIP server restart or crash as clients see it, their WebSocket connections closed.
   */
  stopSipServer(): Promise<void>;
  /**
   * Starts Kamailio again on the same ports. Its location table was in memory: the app must register
   * anew to be reachable. The lab's desk phones get their bindings back (as if they had re-registered;
   * baresip would only do so at its next refresh, minutes later), so other tests can still call them.
   * Its TLS listener (SIP over TLS and WSS) presents `certificate` when given, else the lab's own.
   */
  startSipServer(certificate?: LabCertificate): Promise<void>;
  /**
   * A new self-signed certificate (new key, same names as the lab's: 127.0.0.1 and localhost), for
   * `startSipServer` to present instead of the lab's own: a server whose certificate was replaced.
   * Whoever starts Kamailio with it starts it again without (the lab's own) before the next test.
   */
  createCertificate(): Promise<LabCertificate>;
  /** Calls rtpengine is relaying right now, with RTP packet counters. */
  rtpengineSessions(): Promise<RtpengineSession[]>;
  /**
   * What rtpengine itself knows of a call: the ng commands it logged for that Call-ID, and whether
   * it holds a session for it now (its ng `list`). A direct call has neither.
   */
  rtpengineView(callId: string): Promise<{ commands: string[]; listed: boolean }>;
  /**
   * The voicemail system PUBLISHes `user`'s mailbox state (message-summary) to the presence server,
   * which NOTIFYs the user's MWI subscriptions. Resolves once the server accepted it.
   */
  publishMailbox(user: LabUser, counts: MailboxCounts): Promise<void>;
  /** The last lines of every log, for printing when a test fails. */
  dumpLogs(linesPerLog?: number): Promise<string>;
  /** Stops phones, then Kamailio, then rtpengine. Idempotent; never throws. */
  stop(): Promise<void>;
}

/**
 * Length of the tone files. baresip's aufile source loads the whole file at the start of every call
 * and sends silence once it is used up, so this is the longest call that carries a tone.
 */
const TONE_SECONDS = 120;

/**
 * Tones are cached across runs: sox needs ~0.2 s per tone, a large part of the lab's start-up.
 * Files are written under a temporary name and renamed, so concurrent labs never read half a file.
 */
async function cachedToneFile(hz: number): Promise<string> {
  const cacheDir = join(tmpdir(), 'ringline-lab-tones');
  const path = join(cacheDir, `tone-${hz}hz-${TONE_SECONDS}s.wav`);
  try {
    await stat(path);
    return path;
  } catch {
    // Not cached yet.
  }
  await mkdir(cacheDir, { recursive: true });
  const partial = `${path}.${process.pid}.${Date.now()}.partial.wav`;
  await createToneWav(partial, hz, TONE_SECONDS);
  await rename(partial, path);
  return path;
}

/** Tail of every file in `logsDir`, each under a header. */
async function tailLogs(logsDir: string, linesPerLog: number): Promise<string> {
  let names: string[];
  try {
    names = (await readdir(logsDir)).sort();
  } catch {
    return `(no logs in ${logsDir})`;
  }
  const sections: string[] = [];
  for (const name of names) {
    const lines = (await readFile(join(logsDir, name), 'utf8')).trimEnd().split('\n');
    const tail = lines.slice(-linesPerLog);
    const header = `===== ${join(logsDir, name)} (last ${tail.length} of ${lines.length} lines) =====`;
    sections.push(`${header}\n${tail.join('\n')}`);
  }
  return sections.join('\n\n');
}

/**
 * Starts the whole lab and resolves when it is ready: rtpengine answers, Kamailio's ctl socket
 * answers (so its listeners are bound) and the default legacy phone is registered.
 * On failure everything already started is stopped and the error carries the log tails.
 */
export async function startLab(opts: StartLabOptions = {}): Promise<Lab> {
  const dir = await mkdtemp(join(tmpdir(), 'ringline-lab-'));
  const logsDir = join(dir, 'logs');
  await mkdir(logsDir);
  const users = createLabUsers();

  const toneFiles = new Map<number, Promise<string>>();
  const toneFile = (hz: number): Promise<string> => {
    let file = toneFiles.get(hz);
    if (!file) {
      file = cachedToneFile(hz);
      // Started early and awaited later: keep a failure from counting as an unhandled rejection.
      file.catch(() => undefined);
      toneFiles.set(hz, file);
    }
    return file;
  };

  let rtpengine: Rtpengine | undefined;
  let kamailio: Kamailio | undefined;
  let turn: Promise<TurnServer> | undefined;
  let dns: LabDns | undefined;
  const phones: LegacyPhone[] = [];
  const phonesPerUser = new Map<string, number>();

  const startPhone = async (user: LabUser, phoneOpts: LegacyPhoneStartOptions = {}): Promise<LegacyPhone> => {
    if (!kamailio) throw new Error('the lab is not running');
    const registrar = kamailio;
    // A second phone for the same user gets its own folder and log: "baresip-1010-2".
    const count = (phonesPerUser.get(user.user) ?? 0) + 1;
    phonesPerUser.set(user.user, count);
    const suffix = count === 1 ? '' : `-${count}`;
    const phoneDir = join(dir, `baresip-${user.user}${suffix}`);
    await mkdir(phoneDir);
    const phone = await startBaresip({
      user,
      dir: phoneDir,
      logFile: join(logsDir, `baresip-${user.user}${suffix}.log`),
      toneFile: await toneFile(phoneOpts.toneHz ?? 440),
      answerMode: phoneOpts.answerMode ?? 'auto',
      ...(phoneOpts.direct ? { direct: true } : {}),
      ...(phoneOpts.mediaEncryption ? { mediaEncryption: phoneOpts.mediaEncryption } : {}),
      ...(phoneOpts.video ? { video: true } : {}),
      proxy: { host: LAB_DOMAIN, udpPort: registrar.udpPort },
      registeredContacts: (aor) => registrar.registeredContacts(aor),
    });
    phones.push(phone);
    return phone;
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Phones first: they un-REGISTER on exit, which waits for Kamailio's answer (or 5 s without it).
      await Promise.allSettled(phones.map((phone) => phone.stop()));
      await kamailio?.stop().catch(() => undefined);
      await rtpengine?.stop().catch(() => undefined);
      await turn?.then((server) => server.stop()).catch(() => undefined);
      await dns?.stop().catch(() => undefined);
    })();
    return stopping;
  };

  try {
    const kamailioDir = join(dir, 'kamailio');
    // The tone is only needed by the phone; let it be made while the servers start.
    void toneFile(opts.toneHz ?? 440);
    const [certificate, startedRtpengine] = await Promise.all([
      createLabCertificate(dir),
      startRtpengine({ logFile: join(logsDir, 'rtpengine.log') }),
      mkdir(kamailioDir),
    ]);
    rtpengine = startedRtpengine;
    kamailio = await startKamailio({
      dir: kamailioDir,
      logFile: join(logsDir, 'kamailio.log'),
      domain: LAB_DOMAIN,
      certificate,
      rtpengineNgPort: rtpengine.ngPort,
      users: Object.values(users),
    });
    const [legacy, startedDns] = await Promise.all([
      startPhone(users.legacy, { toneHz: opts.toneHz ?? 440 }),
      startLabDns({
        logFile: join(logsDir, 'dnsmasq.log'),
        sipPort: kamailio.udpPort,
        tlsPort: kamailio.tlsPort,
      }),
    ]);
    dns = startedDns;

    const running = kamailio;
    const media = rtpengine;
    const phonesUsers = (): string[] =>
      [...phonesPerUser.keys()].flatMap((name) =>
        Object.values(users)
          .filter((u) => u.user === name)
          .map((u) => u.aor),
      );
    let deskBindings: { aor: string; contact: string }[] = [];
    const sipRequests = async (filter: SipRequestFilter & { method?: string } = {}) =>
      (await running.sipRequests(filter)).filter(
        (request) => filter.method === undefined || request.method === filter.method,
      );

    return {
      dir,
      logsDir,
      domain: LAB_DOMAIN,
      wssUrl: `wss://${LAB_DOMAIN}:${running.tlsPort}`,
      udpPort: running.udpPort,
      tlsPort: running.tlsPort,
      dnsServer: startedDns.server,
      sipDomain: LAB_SIP_DOMAIN,
      certPath: certificate.certPath,
      keyPath: certificate.keyPath,
      certSpkiSha256: certificate.spkiSha256,
      certSha256: certificate.sha256,
      users,
      legacy,
      startLegacyPhone: startPhone,
      turnServer: () => {
        turn ??= (async () => {
          const turnDir = join(dir, 'coturn');
          await mkdir(turnDir);
          return startTurnServer({ dir: turnDir, logFile: join(logsDir, 'coturn.log') });
        })();
        return turn;
      },
      registeredAors: () => running.registeredAors(),
      registeredContacts: (aor) => running.registeredContacts(aor),
      registeredExpiries: (aor) => running.registeredExpiries(aor),
      forgetRegistrations: (aor) => running.removeBindings(aor),
      waitForRegistered: async (aor, timeoutMs = 10_000) => {
        await waitFor(async () => ((await running.registeredAors()).includes(aor) ? true : undefined), {
          timeoutMs,
          intervalMs: 50,
          description: `${aor} to register`,
        });
      },
      sipRequests,
      waitForSipRequest: (method, filter = {}, timeoutMs = 10_000) =>
        waitFor(async () => (await sipRequests({ ...filter, method }))[0], {
          timeoutMs,
          intervalMs: 50,
          description: `Kamailio to receive ${method} ${JSON.stringify(filter)}`,
        }),
      subscribeOutcomes: () => running.subscribeOutcomes(),
      publishOutcomes: () => running.publishOutcomes(),
      setReInviteFailure: (statusCode) => running.setReInviteFailure(statusCode),
      setSubscriptionExpiry: (seconds) => running.setSubscriptionExpiry(seconds),
      setSubscriptionChallenge: (statusCode) => running.setSubscriptionChallenge(statusCode),
      setSubscriptionHold: (on) => running.setSubscriptionHold(on),
      setStaleNonce: (on) => running.setStaleNonce(on),
      setMinRegistrationExpiry: (seconds) => running.setMinRegistrationExpiry(seconds),
      setMaxRegistrationExpiry: (seconds) => running.setMaxRegistrationExpiry(seconds),
      stopSipServer: async () => {
        deskBindings = (
          await Promise.all(
            phonesUsers().map(async (aor) =>
              (await running.registeredContacts(aor)).map((contact) => ({ aor, contact })),
            ),
          )
        ).flat();
        await running.stop();
      },
      startSipServer: async (replacement) => {
        await running.start(replacement);
        for (const { aor, contact } of deskBindings)
          await running.addBinding(aor, contact, DESK_PHONE_REGINT_SECONDS);
        deskBindings = [];
      },
      createCertificate: async () => createLabCertificate(await mkdtemp(join(dir, 'certificate-'))),
      rtpengineSessions: () => media.sessions(),
      rtpengineView: async (callId) => {
        const list = await media.command({ command: 'list' });
        const listed = Array.isArray(list.calls) && list.calls.includes(callId);
        return { commands: await media.commandsFor(callId), listed };
      },
      publishMailbox: (user, counts) => publishMailbox(dir, running.udpPort, LAB_DOMAIN, user, counts),
      dumpLogs: (linesPerLog = 80) => tailLogs(logsDir, linesPerLog),
      stop,
    };
  } catch (error) {
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`the lab failed to start: ${message}\n\n${await tailLogs(logsDir, 40)}`, {
      cause: error,
    });
  }
}
