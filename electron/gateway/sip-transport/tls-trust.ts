/**
 * Whether the gateway accepts a SIP server's TLS certificate: the way WSS does in Chromium, with Node.
 *
 * 1. Trusted roots: the operating system's store where this Node can read it
 *    (`tls.getCACertificates('system')`, Node >= 22.15, which Electron's Node is), plus any
 *    `NODE_EXTRA_CA_CERTS` an administrator added; on an older Node (the tests' Node 20) Node's bundled
 *    Mozilla roots, which is also what `tls.connect` uses by default.
 * 2. Identity (RFC 5922 §4.1): the certificate must name the SIP domain the user configured. Many
 *    providers' certificates name only the SRV target instead (e.g. `sip1.provider.net` for
 *    `provider.net`), so that name is accepted too.
 * 3. A certificate failing 1 or 2 is still accepted when it is exactly the one the user pinned for that
 *    `host:port` (`Account.trustedCertificate`, see `certificate-pin.ts`); a different pinned one means
 *    refusal (`changed`), no pin means refusal (`untrusted`), both reported with the SHA-256.
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
  /** Names the certificate may carry: the configured SIP domain, then the SRV target. */
  expectedNames: readonly string[];
  /** `host:port` under which a pin is looked up (the configured host and the port connected to). */
  pinHost: string;
  pin: TrustedCertificate | undefined;
}

export type TlsVerdict =
  | { accept: true; pinned: boolean }
  | { accept: false; kind: 'untrusted' | 'changed'; sha256: string; error: string };

/** Decides one server certificate (see the module comment). Pure: the handshake is done elsewhere. */
export function tlsVerdict(input: TlsVerdictInput): TlsVerdict {
  const identityErrors = input.expectedNames.map((name) => tls.checkServerIdentity(name, input.certificate));
  const identityOk = identityErrors.some((error) => error === undefined);
  if (input.authorized && identityOk) return { accept: true, pinned: false };
  const sha256 = input.certificate.fingerprint256;
  const error = !input.authorized
    ? (input.authorizationError ?? 'certificate not trusted')
    : `ERR_TLS_CERT_ALTNAME_INVALID: ${identityErrors.find((e) => e !== undefined)?.message ?? 'the certificate does not name this server'}`;
  const verdict = pinVerdict(input.pin, input.pinHost, sha256);
  if (verdict === 'pinned') return { accept: true, pinned: true };
  return { accept: false, kind: verdict, sha256, error };
}

/** What to check a server's certificate against. */
export interface TlsIdentity {
  /** Names the certificate may carry: the configured SIP domain (RFC 5922), then the SRV target. */
  names: readonly string[];
  /** `host:port` under which the user's pin applies. */
  pinHost: string;
  pin: TrustedCertificate | undefined;
  /** Roots to verify the chain against; undefined: Node's bundled roots (see {@link trustedRoots}). */
  ca: string[] | undefined;
}

/** The server's certificate was refused; carries what the user needs to decide. */
export class CertificateRefused extends Error {
  override readonly name = 'CertificateRefused';
  constructor(
    readonly kind: 'untrusted' | 'changed',
    readonly pinHost: string,
    readonly sha256: string,
    readonly reason: string,
  ) {
    super(`the certificate of ${pinHost} was refused (${kind}): ${reason}; SHA-256 ${sha256}`);
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
    const sni = identity.names.find((name) => isIP(name) === 0);
    const secure = tls.connect({
      socket,
      ...(sni ? { servername: sni } : {}),
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
        expectedNames: identity.names,
        pinHost: identity.pinHost,
        pin: identity.pin,
      });
      if (!verdict.accept) {
        secure.destroy();
        reject(new CertificateRefused(verdict.kind, identity.pinHost, verdict.sha256, verdict.error));
        return;
      }
      resolve({ secure, pinned: verdict.pinned });
    });
  });
}
