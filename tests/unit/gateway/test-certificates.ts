/**
 * Real certificates made by openssl for the TLS tests: a private CA with a server certificate it signed
 * (for 127.0.0.1, localhost and sip.ringline.test), and two unrelated self-signed ones.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pem {
  key: string;
  cert: string;
  /** SHA-256 of the certificate as openssl prints it (colon hex). */
  sha256: string;
}

export interface TestCertificates {
  /** The CA that signed {@link signed}. */
  ca: string;
  signed: Pem;
  selfSigned: Pem;
  otherSelfSigned: Pem;
}

const SAN = 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:sip.ringline.test';

async function fingerprint(certPath: string): Promise<string> {
  const { stdout } = await run('openssl', ['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256']);
  return stdout.trim().split('=')[1] ?? '';
}

async function selfSigned(dir: string, name: string): Promise<Pem> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  await run('openssl', [
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
    SAN,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return {
    key: await readFile(key, 'utf8'),
    cert: await readFile(cert, 'utf8'),
    sha256: await fingerprint(cert),
  };
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'ringline-gw-certs-'));
  try {
    const caKey = join(dir, 'ca.key');
    const caCert = join(dir, 'ca.pem');
    await run('openssl', [
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
      '/CN=Ringline Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
      '-keyout',
      caKey,
      '-out',
      caCert,
    ]);
    const key = join(dir, 'server.key');
    const csr = join(dir, 'server.csr');
    const cert = join(dir, 'server.pem');
    const ext = join(dir, 'server.ext');
    await writeFile(ext, `${SAN}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    await run('openssl', [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=sip.ringline.test',
      '-keyout',
      key,
      '-out',
      csr,
    ]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caCert,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      cert,
    ]);
    return {
      ca: await readFile(caCert, 'utf8'),
      signed: {
        key: await readFile(key, 'utf8'),
        cert: await readFile(cert, 'utf8'),
        sha256: await fingerprint(cert),
      },
      selfSigned: await selfSigned(dir, 'self'),
      otherSelfSigned: await selfSigned(dir, 'other'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
