import type { Account, AppInfo, SecretStorage } from '@common/contract';
import { redact } from '@common/log-redaction';
import type { CallHistoryEntry } from '../history/call-history';
import type { RegistrationSnapshot } from '../sip/phone';

/** Something that went wrong lately, for the "last errors" part of the report. */
export interface DiagnosticsProblem {
  at: number;
  /** Where it came from: the registration, or the SIP engine's log. */
  source: 'registration' | 'sip';
  accountId?: string;
  /** Already redacted where it came from a log; redacted again with the whole report. */
  text: string;
  /** How many times it happened in a row (a retry failing the same way), when more than once. */
  count?: number;
}

/** The browser engine and OS as the page can see them. */
export interface EngineInfo {
  /** `Chromium 156.0.8078.114` (the full version when the browser tells it). */
  browser: string;
  /** The Electron version in the desktop app. */
  electron?: string;
  /** `Linux 6.12.0`, `Windows 15.0.0`, or what the host reports. */
  os: string;
  userAgent: string;
}

export interface DiagnosticsInput {
  generatedAt: number;
  app: AppInfo;
  engine: EngineInfo;
  /** The UI language in use. */
  language: string;
  logLevel: string;
  secretStorage: SecretStorage;
  accounts: readonly Account[];
  registrations: Readonly<Record<string, RegistrationSnapshot>>;
  /** Newest last. */
  problems: readonly DiagnosticsProblem[];
  /** The latest calls from history, newest first. */
  calls: readonly CallHistoryEntry[];
  sipLog: { size: number; capacity: number; textBytes: number; textBudget: number; dropped: number };
}

/** What `navigator.userAgentData.getHighEntropyValues` gives, where the browser has it. */
export interface UserAgentHints {
  platform?: string;
  platformVersion?: string;
  fullVersionList?: readonly { brand: string; version: string }[];
}

/**
 * The engine from the user-agent string and, when present, the client hints: Chromium reduces the
 * string to `Chrome/156.0.0.0` and a fixed OS, so the hints carry the real build and OS version.
 */
export function engineInfo(userAgent: string, hints: UserAgentHints, hostPlatform: string): EngineInfo {
  const chromium =
    hints.fullVersionList?.find((brand) => brand.brand === 'Chromium')?.version ??
    /(?:Chrome|Chromium)\/([\d.]+)/.exec(userAgent)?.[1];
  const electron = /Electron\/([\d.]+)/.exec(userAgent)?.[1];
  const os = hints.platform
    ? `${hints.platform} ${hints.platformVersion ?? ''}`.trim()
    : hostPlatform || 'unknown';
  return {
    browser: chromium ? `Chromium ${chromium}` : 'unknown',
    ...(electron ? { electron } : {}),
    os:
      hints.platform && hostPlatform && hints.platform.toLowerCase() !== hostPlatform.toLowerCase()
        ? `${os} (${hostPlatform})`
        : os,
    userAgent,
  };
}

/**
 * A URL or URI with anything that could be a credential taken out: the password of a SIP URI
 * (`sip:alice:secret@host`, deprecated by RFC 3261 §19.1.1), the user info of a URL or of a STUN/TURN
 * URI (which has none by RFC 7064/7065), and the values of query parameters other than `transport`
 * (a WebSocket URL may carry a token).
 */
export function withoutCredentials(address: string): string {
  const sip = /^(sips?:[^:@;?]+):[^@]*@/i;
  const userInfo = sip.test(address)
    ? address.replace(sip, '$1@')
    : address.replace(/^((?:stuns?|turns?):|[a-z][a-z0-9+.-]*:\/\/)[^@/?#\s]*@/i, '$1');
  // `transport=` (STUN/TURN, SIP) says only how to connect.
  return userInfo.replace(/([?&](?!transport=)[^=&#\s]+=)[^&#\s]*/gi, '$1[REDACTED]');
}

const time = (at: number): string => new Date(at).toISOString();
const kib = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;

function accountLines(account: Account, registration: RegistrationSnapshot | undefined): string[] {
  const transport = account.transport ?? 'wss';
  const servers =
    transport === 'wss'
      ? [account.wssUrl, ...(account.fallbackWssUrls ?? [])]
      : [account.sipServer ?? '', ...(account.fallbackSipServers ?? [])];
  const media = account.media;
  const lines = [
    `- ${account.displayName || account.sipUri} (${account.id})`,
    `  SIP address: ${withoutCredentials(account.sipUri)}`,
    `  Authentication user: ${account.authUser || '(from the SIP address)'}`,
    `  Password stored: ${account.hasPassword ? 'yes' : 'no'}`,
    `  Transport: ${transport}`,
    `  Servers: ${servers.filter(Boolean).map(withoutCredentials).join(', ') || '(none)'}`,
  ];
  if (account.outboundProxy) lines.push(`  Outbound proxy: ${withoutCredentials(account.outboundProxy)}`);
  if (account.realm) lines.push(`  Registrar domain: ${account.realm}`);
  if (account.trustedCertificate)
    lines.push(
      `  Trusted certificate: ${account.trustedCertificate.host} SHA-256 ${account.trustedCertificate.sha256}`,
    );
  if (media) {
    lines.push(
      `  Audio codecs: ${media.audioCodecs.join(', ')}; video codecs: ${media.videoCodecs.join(', ')}`,
    );
    // TURN user names and credentials are secrets: only the server addresses are listed.
    const ice = media.iceServers.map((server) => withoutCredentials(server.url));
    lines.push(`  STUN/TURN: ${ice.join(', ') || '(none)'}; media: ${media.iceTransportPolicy}`);
  }
  if (account.callHandling) lines.push(`  DTMF: ${account.callHandling.dtmfMode}`);
  if (!registration) {
    lines.push('  Registration: not started');
    return lines;
  }
  const error = registration.error;
  const why = error
    ? ` (${[error.kind, error.statusCode, error.detail].filter((part) => part !== undefined).join(' ')})`
    : '';
  lines.push(`  Registration: ${registration.state}${why} since ${time(registration.since)}`);
  if (registration.server) lines.push(`  Server in use: ${withoutCredentials(registration.server)}`);
  if (registration.nextAttemptAt !== undefined)
    lines.push(`  Next attempt: ${time(registration.nextAttemptAt)}`);
  return lines;
}

function callLine(call: CallHistoryEntry, accountNames: ReadonlyMap<string, string>): string {
  const quality = call.quality;
  const parts = [
    time(call.startedAt),
    call.direction,
    call.remoteNumber || call.remoteUri,
    call.outcome,
    `${call.durationSeconds} s`,
    `ended: ${call.endReason}${call.statusCode === undefined ? '' : ` ${call.statusCode}`}`,
  ];
  if (quality) {
    parts.push(
      `codec ${quality.codec ?? 'not reported'}`,
      `MOS ${quality.averageMos?.toFixed(2) ?? 'n/a'}`,
      `worst loss ${(quality.worstLoss * 100).toFixed(1)}%`,
      `measured ${quality.measuredSeconds} s`,
    );
  } else {
    parts.push('no quality measured');
  }
  parts.push(`account ${accountNames.get(call.accountId) ?? call.accountId}`);
  return `- ${parts.join(', ')}`;
}

/**
 * Everything a support desk asks first, as plain text: app and engine versions, the accounts (never
 * a password, TURN credential or Authorization value), their registration, the last errors and the
 * quality of the last calls. The finished text goes through the log redaction as well.
 */
export function diagnosticsReport(input: DiagnosticsInput): string {
  const names = new Map(input.accounts.map((a) => [a.id, a.displayName || a.sipUri]));
  const lines = [
    `${input.app.name} diagnostics, ${time(input.generatedAt)}`,
    '',
    `App: ${input.app.name} ${input.app.version} (${input.app.host === 'electron' ? 'desktop' : 'browser'})`,
    `OS: ${input.engine.os}`,
    `Browser engine: ${input.engine.browser}${input.engine.electron ? `, Electron ${input.engine.electron}` : ''}`,
    `User agent: ${input.engine.userAgent}`,
    `Language: ${input.language}; log level: ${input.logLevel}; passwords kept: ${input.secretStorage}`,
    `SIP log: ${input.sipLog.size} messages kept, ${kib(input.sipLog.textBytes)} KiB of text ` +
      `(at most ${input.sipLog.capacity} messages and ${kib(input.sipLog.textBudget)} KiB)` +
      (input.sipLog.dropped > 0 ? `, ${input.sipLog.dropped} older dropped` : ''),
    '',
    `Accounts (${input.accounts.length}):`,
    ...input.accounts.flatMap((account) => accountLines(account, input.registrations[account.id])),
    '',
    `Last errors (${input.problems.length}):`,
    ...(input.problems.length === 0
      ? ['- none']
      : input.problems.map(
          (problem) =>
            `- ${time(problem.at)} [${problem.source}${problem.accountId ? `, ${names.get(problem.accountId) ?? problem.accountId}` : ''}] ${problem.text}` +
            (problem.count ? ` (${problem.count} times in a row)` : ''),
        )),
    '',
    `Last calls (${input.calls.length}):`,
    ...(input.calls.length === 0 ? ['- none'] : input.calls.map((call) => callLine(call, names))),
  ];
  return redact(`${lines.join('\n')}\n`);
}
