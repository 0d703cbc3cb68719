import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, CertificateProblem, TrustedCertificate } from '../../../electron/common/contract';
import { sha256FingerprintSchema } from '../../../electron/common/contract';
import { serverAddress } from '../../../electron/common/wss-url';
import {
  CertificateTrust,
  decideCertificate,
  sha256Fingerprint,
  type PinnableAccount,
} from '../../../electron/main/certificate-trust';

const execFileAsync = promisify(execFile);

/** A fresh self-signed certificate from openssl, and the SHA-256 fingerprint openssl itself prints. */
async function opensslCertificate(dir: string): Promise<{ pem: string; sha256: string }> {
  const certPath = join(dir, 'cert.pem');
  await execFileAsync('openssl', [
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
    '/CN=pbx.example.com',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    certPath,
  ]);
  const { stdout } = await execFileAsync('openssl', [
    'x509',
    '-in',
    certPath,
    '-noout',
    '-fingerprint',
    '-sha256',
  ]);
  return { pem: await readFile(certPath, 'utf8'), sha256: stdout.trim().split('=')[1] ?? '' };
}

const ERROR = 'net::ERR_CERT_AUTHORITY_INVALID';
const URL_443 = 'wss://pbx.example.com/ws';

let dir = '';
/** Two real self-signed certificates made by openssl, with the fingerprints openssl itself prints. */
const certs: { pem: string; sha256: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ringline-certs-'));
  for (const name of ['a', 'b']) {
    const sub = join(dir, name);
    await mkdir(sub);
    certs.push(await opensslCertificate(sub));
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cert(index: 0 | 1): { pem: string; sha256: string } {
  const found = certs[index];
  if (found === undefined) throw new Error('certificates not created');
  return found;
}

function account(id: string, wssUrl: string, trustedCertificate?: TrustedCertificate): PinnableAccount {
  return { id, wssUrl, ...(trustedCertificate ? { trustedCertificate } : {}) };
}

describe('sha256Fingerprint', () => {
  it('matches what openssl prints, in the contract format', () => {
    for (const { pem, sha256 } of certs) {
      expect(sha256Fingerprint(pem)).toBe(sha256);
      expect(sha256FingerprintSchema.safeParse(sha256).success).toBe(true);
    }
    expect(cert(0).sha256).not.toBe(cert(1).sha256);
  });

  it('is null for anything that is not a PEM certificate', () => {
    const body = cert(0).pem.split('\n').slice(1, -2).join('\n');
    for (const text of ['', 'garbage', body, cert(0).pem.replace(/[A-Z]/, '!').slice(0, 200)]) {
      expect(sha256Fingerprint(text), text.slice(0, 20)).toBeNull();
    }
  });
});

describe('serverAddress', () => {
  it('writes the default port out and lower-cases the host', () => {
    expect(serverAddress('wss://PBX.Example.com/ws')).toBe('pbx.example.com:443');
    expect(serverAddress('wss://pbx.example.com:443/ws')).toBe('pbx.example.com:443');
    expect(serverAddress('https://pbx.example.com/')).toBe('pbx.example.com:443');
    expect(serverAddress('wss://127.0.0.1:8089')).toBe('127.0.0.1:8089');
    expect(serverAddress('wss://[::1]:7443/ws')).toBe('[::1]:7443');
  });

  it('has no address for clear-text schemes or junk', () => {
    for (const url of ['ws://pbx.example.com/', 'http://pbx.example.com/', 'file:///x', 'not a url', '']) {
      expect(serverAddress(url), url).toBeNull();
    }
  });
});

describe('decideCertificate', () => {
  const presented = (index: 0 | 1, url = URL_443) => ({ url, pem: cert(index).pem, error: ERROR });
  const pin = (index: 0 | 1, host = 'pbx.example.com:443'): TrustedCertificate => ({
    host,
    sha256: cert(index).sha256,
  });

  it('accepts exactly the pinned certificate on the pinned host:port', () => {
    expect(decideCertificate(presented(0), [account('a1', URL_443, pin(0))])).toEqual({
      accept: true,
      host: 'pbx.example.com:443',
      sha256: cert(0).sha256,
    });
    expect(
      decideCertificate(presented(0, 'wss://pbx.example.com:443/other'), [account('a1', URL_443, pin(0))]),
    ).toMatchObject({ accept: true });
  });

  it('refuses a different certificate on a pinned server and reports it as changed', () => {
    expect(decideCertificate(presented(1), [account('a1', URL_443, pin(0))])).toEqual({
      accept: false,
      problems: [
        {
          kind: 'changed',
          accountId: 'a1',
          host: 'pbx.example.com:443',
          sha256: cert(1).sha256,
          pinnedSha256: cert(0).sha256,
          error: ERROR,
        },
      ],
    });
  });

  it('refuses an unknown certificate and reports its fingerprint so the user can trust it', () => {
    expect(decideCertificate(presented(0), [account('a1', URL_443)])).toEqual({
      accept: false,
      problems: [
        {
          kind: 'untrusted',
          accountId: 'a1',
          host: 'pbx.example.com:443',
          sha256: cert(0).sha256,
          error: ERROR,
        },
      ],
    });
  });

  it('does not carry a pin over to another host or another port', () => {
    const other = decideCertificate(presented(0, 'wss://other.example.com/ws'), [
      account('a1', URL_443, pin(0)),
      account('a2', 'wss://other.example.com/ws'),
    ]);
    expect(other).toMatchObject({ accept: false, problems: [{ kind: 'untrusted', accountId: 'a2' }] });
    const port = decideCertificate(presented(0, 'wss://pbx.example.com:8089/ws'), [
      account('a1', URL_443, pin(0)),
      account('a2', 'wss://pbx.example.com:8089/ws'),
    ]);
    expect(port).toMatchObject({ accept: false, problems: [{ kind: 'untrusted', accountId: 'a2' }] });
  });

  it('ignores a pin recorded for a host the account no longer uses', () => {
    const moved = account('a1', 'wss://new.example.com/ws', pin(0));
    expect(decideCertificate(presented(0, 'wss://new.example.com/ws'), [moved])).toMatchObject({
      accept: false,
      problems: [{ kind: 'untrusted' }],
    });
  });

  it('refuses silently when no account uses the server', () => {
    expect(
      decideCertificate(presented(0, 'wss://elsewhere.example/'), [account('a1', URL_443, pin(0))]),
    ).toEqual({ accept: false, problems: [] });
    expect(decideCertificate(presented(0), [])).toEqual({ accept: false, problems: [] });
  });

  it('refuses silently a certificate it cannot read or a URL that is not TLS', () => {
    const accounts = [account('a1', URL_443, pin(0))];
    expect(decideCertificate({ url: URL_443, pem: 'garbage', error: ERROR }, accounts)).toEqual({
      accept: false,
      problems: [],
    });
    expect(decideCertificate({ ...presented(0), url: 'ws://pbx.example.com/ws' }, accounts)).toEqual({
      accept: false,
      problems: [],
    });
  });

  it('never matches a malformed or differently written pinned fingerprint', () => {
    const written = [
      cert(0).sha256.toLowerCase(),
      cert(0).sha256.replaceAll(':', ''),
      cert(0).sha256.slice(3),
      `${cert(0).sha256}:00`,
      '',
    ];
    for (const sha256 of written) {
      const decision = decideCertificate(presented(0), [
        account('a1', URL_443, { host: 'pbx.example.com:443', sha256 }),
      ]);
      expect(decision, sha256).toMatchObject({ accept: false, problems: [{ kind: 'changed' }] });
    }
  });

  it('shares one pin among accounts on the same server, unless another account pinned something else', () => {
    expect(
      decideCertificate(presented(0), [account('a1', URL_443, pin(0)), account('a2', URL_443)]),
    ).toMatchObject({ accept: true });
    expect(
      decideCertificate(presented(0), [account('a1', URL_443, pin(0)), account('a2', URL_443, pin(1))]),
    ).toMatchObject({ accept: false, problems: [{ kind: 'changed', accountId: 'a2' }] });
  });
});

describe('CertificateTrust', () => {
  function setup(initial: Account[]) {
    let accounts = initial;
    const reported: CertificateProblem[] = [];
    const warnings: string[] = [];
    const trust = new CertificateTrust({
      accounts: () => accounts,
      pin: async (id, pin) => {
        accounts = accounts.map((a) => (a.id === id ? { ...a, trustedCertificate: pin } : a));
        const updated = accounts.find((a) => a.id === id);
        if (updated === undefined) throw new Error('no account');
        return updated;
      },
      report: (problem) => reported.push(problem),
      warn: (message) => warnings.push(message),
    });
    return { trust, reported, warnings, accounts: () => accounts };
  }
  const alice: Account = {
    id: 'a1',
    displayName: 'Alice',
    sipUri: 'sip:1001@pbx.example.com',
    authUser: '1001',
    wssUrl: URL_443,
    hasPassword: true,
  };

  it('refuses and reports an unknown certificate, pins it when the user trusts it, then accepts it', async () => {
    const { trust, reported, accounts } = setup([alice]);
    expect(trust.onCertificateError({ url: URL_443, pem: cert(0).pem, error: ERROR })).toBe(false);
    expect(reported).toEqual([expect.objectContaining({ kind: 'untrusted', sha256: cert(0).sha256 })]);

    const updated = await trust.trust({ accountId: 'a1', sha256: cert(0).sha256 });
    expect(updated.trustedCertificate).toEqual({ host: 'pbx.example.com:443', sha256: cert(0).sha256 });
    expect(accounts()[0]?.trustedCertificate).toEqual(updated.trustedCertificate);
    expect(trust.onCertificateError({ url: URL_443, pem: cert(0).pem, error: ERROR })).toBe(true);
    expect(trust.onCertificateError({ url: URL_443, pem: cert(1).pem, error: ERROR })).toBe(false);
  });

  it('pins only a fingerprint main reported for that account', async () => {
    const { trust } = setup([alice, { ...alice, id: 'a2' }]);
    await expect(trust.trust({ accountId: 'a1', sha256: cert(0).sha256 })).rejects.toThrow(/not presented/);
    trust.onCertificateError({ url: URL_443, pem: cert(0).pem, error: ERROR });
    await expect(trust.trust({ accountId: 'a1', sha256: cert(1).sha256 })).rejects.toThrow(/not presented/);
    await expect(trust.trust({ accountId: 'a3', sha256: cert(0).sha256 })).rejects.toThrow(/not presented/);
    await trust.trust({ accountId: 'a1', sha256: cert(0).sha256 });
    // The report is used up: trusting twice needs a new refusal.
    await expect(trust.trust({ accountId: 'a1', sha256: cert(0).sha256 })).rejects.toThrow(/not presented/);
  });

  it('refuses to pin when the account moved to another server since the report', async () => {
    const moved = setup([{ ...alice, wssUrl: 'wss://new.example.com/ws' }]);
    moved.trust.onCertificateError({ url: URL_443, pem: cert(0).pem, error: ERROR });
    await expect(moved.trust.trust({ accountId: 'a1', sha256: cert(0).sha256 })).rejects.toThrow(
      /not presented/,
    );
  });

  it('logs a changed certificate loudly, once per certificate, and reports every refusal', () => {
    const pinned = { ...alice, trustedCertificate: { host: 'pbx.example.com:443', sha256: cert(0).sha256 } };
    const { trust, reported, warnings } = setup([pinned]);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(trust.onCertificateError({ url: URL_443, pem: cert(1).pem, error: ERROR })).toBe(false);
    }
    expect(reported).toHaveLength(3);
    expect(reported[0]).toMatchObject({
      kind: 'changed',
      pinnedSha256: cert(0).sha256,
      sha256: cert(1).sha256,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('CHANGED');
    expect(warnings[0]).toContain(cert(1).sha256);
  });
});
