/**
 * A throw-away TLS certificate for Kamailio's WSS listener, made fresh for every lab run.
 *
 * Chromium does not need to trust a CA for it: it is started with
 * `--ignore-certificate-errors-spki-list=<spkiSha256>`, which accepts exactly this key.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './run-command.js';

/** Files and fingerprint of a lab certificate. */
export interface LabCertificate {
  certPath: string;
  keyPath: string;
  /** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo (DER), as Chromium's SPKI list wants. */
  spkiSha256: string;
  /** SHA-256 of the whole certificate, colon hex (what a user compares). */
  sha256: string;
}

/**
 * Creates a self-signed certificate for `127.0.0.1` and `localhost` in `dir`.
 *
 * An EC P-256 key instead of RSA: key generation takes milliseconds rather than up to a few hundred,
 * and both Kamailio (OpenSSL) and Chromium accept ECDSA server certificates.
 */
export async function createLabCertificate(dir: string): Promise<LabCertificate> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  await runCommand('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  const certificate = new X509Certificate(await readFile(certPath));
  const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
  return {
    certPath,
    keyPath,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    sha256: certificate.fingerprint256,
  };
}
