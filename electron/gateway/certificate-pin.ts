/**
 * The one rule for a server certificate the operating system does not trust: it may still be used
 * when it is exactly the certificate the user pinned for that `host:port` (by SHA-256, after seeing
 * it), and never when a different one is pinned there.
 *
 * Shared by Electron main (WSS: Chromium refused the certificate) and the gateway (SIP over TLS:
 * Node refused it), so both refuse and report alike. Plain Node; no Electron.
 */
import { X509Certificate } from 'node:crypto';
import type { TrustedCertificate } from '../common/contract';

/** SHA-256 fingerprint (upper-case colon hex) of a PEM certificate, or null when it cannot be parsed. */
export function sha256Fingerprint(pem: string): string | null {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return null;
  }
}

/** SHA-256 fingerprint (upper-case colon hex) of a DER certificate, as Node's `fingerprint256`. */
export function sha256FingerprintOfDer(der: Buffer): string | null {
  try {
    return new X509Certificate(der).fingerprint256;
  } catch {
    return null;
  }
}

/**
 * What a pin says about a certificate the OS refused on `host` (`host:port`):
 * - `pinned`: the user trusted exactly this one there;
 * - `changed`: a different one is pinned there (someone may be intercepting the connection);
 * - `untrusted`: nothing is pinned there; the user may choose to trust it.
 * A pin for another `host:port` counts as none.
 */
export function pinVerdict(
  pin: TrustedCertificate | undefined,
  host: string,
  sha256: string,
): 'pinned' | 'changed' | 'untrusted' {
  if (pin === undefined || pin.host !== host) return 'untrusted';
  return pin.sha256 === sha256 ? 'pinned' : 'changed';
}
