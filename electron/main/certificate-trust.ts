/**
 * Which server certificates the OS does not trust may still be used: at most one per account, pinned
 * by its SHA-256 fingerprint after the user saw it and chose to trust it.
 *
 * Chromium verifies every certificate against the OS trust store first; only a certificate it refused
 * reaches this module (Electron's `app` `certificate-error` event, wired in `index.ts`), so a
 * certificate the OS trusts is accepted without us. For a refused one:
 * - the accounts whose WebSocket server is this `host:port` have pinned exactly this certificate:
 *   accept;
 * - one of them pinned a different certificate: refuse, log it, and report `changed` (someone may be
 *   intercepting the connection);
 * - nothing pinned: refuse and report `untrusted` with the fingerprint, so the UI can offer to trust it;
 * - no account uses this server, or the certificate cannot be read: refuse without asking anybody.
 *
 * Why `certificate-error` rather than `session.setCertificateVerifyProc`: the verify proc gets only a
 * host name (no port), and the network service caches its answer for up to 30 minutes without a way to
 * clear it (electron/electron#41448), so a certificate refused once would stay refused after the user
 * trusted it. `certificate-error` carries the full URL, is also raised for a page's WebSocket
 * connections (with `isMainFrame` false), and its answer is not cached by the network service.
 */
import type {
  Account,
  CertificateProblem,
  CertificateTrustRequest,
  TrustedCertificate,
} from '../common/contract';
import { readSipServer } from '../common/sip-server';
import { serverAddress } from '../common/wss-url';
import { pinVerdict, sha256Fingerprint } from '../gateway/certificate-pin';

export { sha256Fingerprint };

/** A certificate Chromium refused: where, what, and why. */
export interface PresentedCertificate {
  url: string;
  /** PEM, as Electron's `Certificate.data`. */
  pem: string;
  /** Chromium's error, e.g. `net::ERR_CERT_AUTHORITY_INVALID`. */
  error: string;
}

export type CertificateDecision =
  { accept: true; host: string; sha256: string } | { accept: false; problems: CertificateProblem[] };

/** The parts of an account the decision reads. */
export type PinnableAccount = Pick<
  Account,
  'id' | 'wssUrl' | 'trustedCertificate' | 'transport' | 'sipServer' | 'fallbackSipServers'
>;

/**
 * Whether a pin for `host` (`host:port`) belongs to the account's server: its WebSocket server, or for
 * a TLS account one of its SIP servers (the gateway pins `configured-host:port-connected-to`, since
 * a server without a port is found by DNS).
 */
export function accountUsesHost(account: PinnableAccount, host: string): boolean {
  if ((account.transport ?? 'wss') === 'wss') return serverAddress(account.wssUrl) === host;
  if (account.transport !== 'tls') return false;
  const pinned = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(host);
  const pinnedHost = (pinned?.[1] ?? pinned?.[2] ?? '').toLowerCase();
  return [account.sipServer ?? '', ...(account.fallbackSipServers ?? [])].some((server) => {
    const read = readSipServer(server);
    return (
      read.ok &&
      read.server.host === pinnedHost &&
      (read.server.port === undefined || String(read.server.port) === pinned?.[3])
    );
  });
}

/** Pure decision for one refused certificate; see the module comment for the rules. */
export function decideCertificate(
  presented: PresentedCertificate,
  accounts: readonly PinnableAccount[],
): CertificateDecision {
  const host = serverAddress(presented.url);
  const sha256 = sha256Fingerprint(presented.pem);
  if (host === null || sha256 === null) return { accept: false, problems: [] };

  const problems: CertificateProblem[] = [];
  let pinnedHere = false;
  for (const account of accounts) {
    if (serverAddress(account.wssUrl) !== host) continue;
    const verdict = pinVerdict(account.trustedCertificate, host, sha256);
    if (verdict === 'untrusted') {
      problems.push({ kind: 'untrusted', accountId: account.id, host, sha256, error: presented.error });
    } else if (verdict === 'pinned') {
      pinnedHere = true;
    } else {
      problems.push({
        kind: 'changed',
        accountId: account.id,
        host,
        sha256,
        pinnedSha256: account.trustedCertificate?.sha256,
        error: presented.error,
      });
    }
  }
  // Accounts on the same server share its connection: one pin is enough, but no account may disagree.
  if (pinnedHere && problems.every((problem) => problem.kind === 'untrusted')) {
    return { accept: true, host, sha256 };
  }
  return { accept: false, problems };
}

export interface CertificateTrustOptions {
  /** The accounts as stored now. */
  accounts(): readonly Account[];
  /** Stores the pin in the account and resolves the updated account. */
  pin(accountId: string, pin: TrustedCertificate): Promise<Account>;
  /** Tells the renderer about a refused certificate. */
  report(problem: CertificateProblem): void;
  warn(message: string): void;
}

/**
 * Applies {@link decideCertificate} to Chromium's refusals and pins what the user trusts.
 *
 * Only a certificate main itself reported may be pinned: the renderer (untrusted, it parses SIP from
 * arbitrary servers) can say "yes, that one" but cannot hand main a fingerprint of its own choosing.
 */
export class CertificateTrust {
  readonly #options: CertificateTrustOptions;
  /** The last problem reported per account id. */
  readonly #reported = new Map<string, CertificateProblem>();
  /** `host sha256` pairs already logged as changed, so a reconnect loop does not flood the log. */
  readonly #loggedChanges = new Set<string>();

  constructor(options: CertificateTrustOptions) {
    this.#options = options;
  }

  /** Whether to accept a certificate Chromium refused; reports every refusal that concerns an account. */
  onCertificateError(presented: PresentedCertificate): boolean {
    const decision = decideCertificate(presented, this.#options.accounts());
    if (decision.accept) return true;
    for (const problem of decision.problems) this.report(problem);
    return false;
  }

  /**
   * A certificate refused elsewhere than in Chromium (the gateway, for a TLS account): remembered so the
   * user may pin it, and reported to the renderer like Chromium's refusals.
   */
  report(problem: CertificateProblem): void {
    this.#reported.set(problem.accountId, problem);
    if (problem.kind === 'changed' && !this.#loggedChanges.has(`${problem.host} ${problem.sha256}`)) {
      this.#loggedChanges.add(`${problem.host} ${problem.sha256}`);
      this.#options.warn(
        `certificate of ${problem.host} CHANGED and was refused: trusted ${problem.pinnedSha256 ?? '?'}, presented ${problem.sha256} (${problem.error})`,
      );
    }
    this.#options.report(problem);
  }

  /** Pins the certificate last reported for the account, if it is the one the user saw. */
  async trust(request: CertificateTrustRequest): Promise<Account> {
    const problem = this.#reported.get(request.accountId);
    if (problem === undefined || problem.sha256 !== request.sha256) {
      throw new Error('That certificate was not presented by this account’s server');
    }
    const account = this.#options.accounts().find((candidate) => candidate.id === request.accountId);
    if (account === undefined || !accountUsesHost(account, problem.host)) {
      throw new Error('The account’s server changed since the certificate was presented');
    }
    const updated = await this.#options.pin(account.id, { host: problem.host, sha256: problem.sha256 });
    this.#reported.delete(request.accountId);
    return updated;
  }
}
