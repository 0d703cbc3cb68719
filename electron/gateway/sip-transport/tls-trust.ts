/**
 * Whether the gateway accepts a SIP server's TLS certificate: the way WSS does in Chromium, with Node.
 *
 * 1. Trusted roots: the operating system's store where this Node can read it
 *    (`tls.getCACertificates('system')`, Node >= 22.15, which Electron's Node is), plus any
 *    `NODE_EXTRA_CA_CERTS` an administrator added; on an older Node (the tests' Node 20) Node's bundled
 *    Mozilla roots, which is also what `tls.connect` uses by default.
 * 2. Identity (RFC 5922 §4): the certificate must name the server as the user configured it, the
 *    name the RFC 3263 look-up started from; never the SRV target that look-up led to (e.g.
 *    `sip1.provider.net` for `provider.net`). DNS answers are not authenticated, so whoever forges
 *    the SRV record chooses its target, and a certificate naming that target proves nothing
 *    (RFC 5922 §4, RFC 7525 §6.1). A provider whose certificate names only its SRV target is refused
 *    as `untrusted`, with the fingerprint, like a self-signed one: the user may still pin it.
 * 3. A certificate failing 1 or 2 is still accepted when it is exactly the one the user pinned for that
 *    `host:port` (`Account.trustedCertificate`, see `certificate-pin.ts`); a different pinned one means
 *    refusal (`changed`, with both fingerprints), no pin means refusal (`untrusted`), both reported
 *    with the SHA-256.
 */
import { isIP, type Socket } from 'node:net';
import * as tls from 'node:tls';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { TrustedCertificate } from '../../common/contract';
import { pinVerdict } from '../certificate-pin';

type CaSource = 'system' | 'extra' | 'default' | 'bundled';
type CaReader = (type?: CaSource) => string[];

/** Where the roots came from, for the log line that says which store this build uses. */
export type TrustStore = 'system' | 'bundled';

/** The roots to verify servers against, and which store they came from. */
export function trustedRoots(): { ca: string[] | undefined; store: TrustStore } {
  const read = (tls as unknown as { getCACertificates?: CaReader }).getCACertificates;
  if (typeof read !== 'function') return { ca: undefined, store: 'bundled' };
  const system = read('system');
  // A system store that reads empty (an unusual OS setup) would refuse every server: use Node's roots.
  if (system.length === 0) return { ca: undefined, store: 'bundled' };
  return { ca: [...system, ...read('extra')], store: 'system' };
}

export interface TlsVerdictInput {
  /** Node's own chain check (`socket.authorized`) and its reason when it failed. */
  authorized: boolean;
  authorizationError?: string;
  certificate: PeerCertificate;
  /** The name the certificate must carry: the server as configured (see the module comment). */
  expectedName: string;
  /** `host:port` under which a pin is looked up (the configured host and the port connected to). */
  pinHost: string;
  pin: TrustedCertificate | undefined;
}

export type TlsVerdict =
  | { accept: true; pinned: boolean }
  | { accept: false; kind: 'untrusted'; sha256: string; error: string }
  | { accept: false; kind: 'changed'; sha256: string; pinnedSha256: string; error: string };

/** Decides one server certificate (see the module comment). Pure: the handshake is done elsewhere. */
export function tlsVerdict(input: TlsVerdictInput): TlsVerdict {
  const identityError = tls.checkServerIdentity(input.expectedName, input.certificate);
  if (input.authorized && identityError === undefined) return { accept: true, pinned: false };
  const sha256 = input.certificate.fingerprint256;
  const error = !input.authorized
    ? (input.authorizationError ?? 'certificate not trusted')
    : `ERR_TLS_CERT_ALTNAME_INVALID: ${identityError?.message ?? 'the certificate does not name this server'}`;
  const verdict = pinVerdict(input.pin, input.pinHost, sha256);
  if (verdict === 'pinned') return { accept: true, pinned: true };
  if (verdict === 'changed' && input.pin)
    return { accept: false, kind: 'changed', sha256, pinnedSha256: input.pin.sha256, error };
  return { accept: false, kind: 'untrusted', sha256, error };
}

/** What to check a server's certificate against. */
export interface TlsIdentity {
  /** The name the certificate must carry: the server as configured (RFC 5922 §4), also sent as SNI. */
  name: string;
  /** `host:port` under which the user's pin applies. */
  pinHost: string;
  pin: TrustedCertificate | undefined;
  /** Roots to verify the chain against; undefined: Node's bundled roots (see {@link trustedRoots}). */
  ca: string[] | undefined;
}

/** What a refusal may add: the fingerprint trusted before (`changed`), and where DNS SRV led. */
export interface RefusalContext {
  pinnedSha256?: string;
  /** `host:port` of the SRV target connected to, when the server was found through SRV. */
  srvTarget?: string;
}

/** The server's certificate was refused; carries what the user needs to decide. */
export class CertificateRefused extends Error {
  override readonly name = 'CertificateRefused';
  constructor(
    readonly kind: 'untrusted' | 'changed',
    readonly pinHost: string,
    readonly sha256: string,
    readonly reason: string,
    readonly context: RefusalContext = {},
  ) {
    const via = context.srvTarget ? ` (found through SRV at ${context.srvTarget})` : '';
    super(
      kind === 'changed'
        ? `the certificate of ${pinHost}${via} CHANGED and was refused: trusted ${context.pinnedSha256 ?? '?'}, presented ${sha256} (${reason})`
        : `the certificate of ${pinHost}${via} was refused (${kind}): ${reason}; SHA-256 ${sha256}`,
    );
  }

  /** The same refusal, saying which SRV target presented the certificate. */
  foundThroughSrv(srvTarget: string): CertificateRefused {
    return new CertificateRefused(this.kind, this.pinHost, this.sha256, this.reason, {
      ...this.context,
      srvTarget,
    });
  }
}

/**
 * TLS over an open TCP connection, the one place the gateway starts TLS: the handshake, then the
 * decision of {@link tlsVerdict} (chain, identity, the user's pin). Node's own refusal is switched off
 * only so that a refused certificate can be reported with its fingerprint and a pinned one accepted;
 * nothing is written before the decision, and a refused connection is destroyed. Resolves only with
 * an accepted connection; rejects with {@link CertificateRefused} or the handshake's error.
 */
export function secureSocket(
  socket: Socket,
  identity: TlsIdentity,
): Promise<{ secure: TLSSocket; pinned: boolean }> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      // RFC 6066 §3: SNI carries host names only, never a literal address.
      ...(isIP(identity.name) === 0 ? { servername: identity.name } : {}),
      ca: identity.ca,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: false,
    });
    const onError = (error: Error): void => {
      secure.destroy();
      reject(error);
    };
    secure.once('error', onError);
    secure.once('secureConnect', () => {
      secure.off('error', onError);
      const verdict = tlsVerdict({
        authorized: secure.authorized,
        // Typed as an Error, but Node sets the OpenSSL code string (e.g. DEPTH_ZERO_SELF_SIGNED_CERT).
        ...(secure.authorizationError ? { authorizationError: String(secure.authorizationError) } : {}),
        certificate: secure.getPeerCertificate(),
        expectedName: identity.name,
        pinHost: identity.pinHost,
        pin: identity.pin,
      });
      if (!verdict.accept) {
        secure.destroy();
        reject(
          new CertificateRefused(
            verdict.kind,
            identity.pinHost,
            verdict.sha256,
            verdict.error,
            verdict.kind === 'changed' ? { pinnedSha256: verdict.pinnedSha256 } : {},
          ),
        );
        return;
      }
      resolve({ secure, pinned: verdict.pinned });
    });
  });
}
