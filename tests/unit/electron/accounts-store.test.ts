import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_ACCOUNT_MEDIA,
  DEFAULT_CALL_HANDLING,
  accountIdSchema,
  type AccountInput,
} from '../../../electron/common/contract';
import { AccountsStore, accountsFileSchema } from '../../../electron/main/accounts-store';
import { JsonFile } from '../../../electron/main/json-file';
import { SafeStorageSecretBox, type SafeStorageApi } from '../../../electron/main/safe-storage-box';
import { SessionOnlySecretBox, type SecretBox } from '../../../electron/main/secret-box';

/** Stand-in for Electron's safeStorage: a reversible transform that never contains the plain text. */
const fakeKeyring: SafeStorageApi = {
  isAsyncEncryptionAvailable: async () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptStringAsync: async (text) =>
    Buffer.concat([Buffer.from('v11'), Buffer.from(text, 'utf8').reverse()]),
  decryptStringAsync: async (data) => {
    if (data.subarray(0, 3).toString() !== 'v11') throw new Error('Error while decrypting the ciphertext');
    return { result: Buffer.from(data.subarray(3)).reverse().toString('utf8'), shouldReEncrypt: false };
  },
};

const input: AccountInput = {
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  password: 'correct horse',
  wssUrl: 'wss://pbx.example.com:8089/ws',
};

describe('AccountsStore', () => {
  let dir: string;
  let path: string;

  function open(box: SecretBox): AccountsStore {
    return new AccountsStore({
      file: new JsonFile({ path, schema: accountsFileSchema, file: 'accounts' }),
      box,
    });
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ringline-accounts-'));
    path = join(dir, 'accounts.json');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty and reports how passwords are kept', async () => {
    expect(await open(new SafeStorageSecretBox(fakeKeyring)).list()).toEqual({
      accounts: [],
      secretStorage: 'encrypted',
      problems: [],
    });
    expect((await open(new SessionOnlySecretBox()).list()).secretStorage).toBe('session-only');
  });

  it('creates an account with a UUID id and stores only ciphertext', async () => {
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    const account = await store.save(input);
    expect(accountIdSchema.safeParse(account.id).success).toBe(true);
    expect(account).toEqual({
      id: account.id,
      displayName: 'Alice',
      sipUri: 'sip:1001@pbx.example.com',
      authUser: '1001',
      wssUrl: 'wss://pbx.example.com:8089/ws',
      hasPassword: true,
    });
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('correct horse');
    expect(JSON.parse(text).accounts[0].sealedPassword).toBe(
      (await fakeKeyring.encryptStringAsync('correct horse')).toString('base64'),
    );
    expect(await store.password(account.id)).toBe('correct horse');
  });

  it('persists across sessions', async () => {
    const saved = await open(new SafeStorageSecretBox(fakeKeyring)).save({
      ...input,
      realm: 'pbx',
      outboundProxy: '',
    });
    const reopened = open(new SafeStorageSecretBox(fakeKeyring));
    expect((await reopened.list()).accounts).toEqual([{ ...saved, realm: 'pbx' }]);
    expect(await reopened.password(saved.id)).toBe('correct horse');
  });

  it('keeps the default country for reading numbers, and clears it when emptied', async () => {
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    const saved = await store.save({ ...input, defaultCountry: 'CN' });
    expect(saved.defaultCountry).toBe('CN');
    expect((await open(new SafeStorageSecretBox(fakeKeyring)).list()).accounts[0]?.defaultCountry).toBe('CN');
    expect((await store.save({ ...input, id: saved.id, defaultCountry: '' })).defaultCountry).toBeUndefined();
  });

  it('reports passwords that pass through, for log redaction, and every change', async () => {
    const secrets: string[] = [];
    const changes: string[][] = [];
    const store = new AccountsStore({
      file: new JsonFile({ path, schema: accountsFileSchema, file: 'accounts' }),
      box: new SafeStorageSecretBox(fakeKeyring),
      onSecret: (password) => secrets.push(password),
      onChange: (accounts) => changes.push(accounts.map((account) => account.displayName)),
    });
    const { id } = await store.save(input);
    await store.save({ ...input, id, displayName: 'Alice 2', password: '' });
    expect(secrets).toEqual(['correct horse']);
    expect(await store.password(id)).toBe('correct horse');
    expect(secrets).toEqual(['correct horse', 'correct horse']);
    await store.remove(id);
    await store.remove(id);
    expect(changes).toEqual([['Alice'], ['Alice 2'], []]);
    expect(JSON.stringify(changes)).not.toContain('correct horse');
  });

  it('keeps the stored password when an edit sends none or an empty one', async () => {
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    const { id } = await store.save(input);
    const { sipUri, authUser, wssUrl } = input;
    await store.save({ id, displayName: 'Alice (desk)', sipUri, authUser, wssUrl });
    await store.save({ ...input, id, password: '' });
    expect(await store.password(id)).toBe('correct horse');
    await store.save({ ...input, id, password: 'new secret' });
    expect(await store.password(id)).toBe('new secret');
    expect((await store.list()).accounts).toHaveLength(1);
  });

  it('stores call handling and keeps it when an edit does not send it', async () => {
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    const callHandling = { ...DEFAULT_CALL_HANDLING, forward: 'busy' as const, forwardTarget: '1002' };
    const { id } = await store.save({ ...input, callHandling });
    await store.save({ ...input, id, displayName: 'Alice (desk)' });
    const [account] = (await store.list()).accounts;
    expect(account).toMatchObject({ displayName: 'Alice (desk)', callHandling });
  });

  it('pins a trusted certificate, keeps it across edits and sessions, and refuses unknown ids', async () => {
    const pin = { host: 'pbx.example.com:8089', sha256: Array(32).fill('AB').join(':') };
    const changes: unknown[] = [];
    const store = new AccountsStore({
      file: new JsonFile({ path, schema: accountsFileSchema, file: 'accounts' }),
      box: new SafeStorageSecretBox(fakeKeyring),
      onChange: (accounts) => changes.push(accounts[0]?.trustedCertificate),
    });
    const { id } = await store.save(input);
    expect(await store.pinCertificate(id, pin)).toMatchObject({ id, trustedCertificate: pin });
    expect(changes).toEqual([undefined, pin]);
    await store.save({ ...input, id, displayName: 'Alice (desk)' });
    expect((await open(new SafeStorageSecretBox(fakeKeyring)).list()).accounts[0]).toMatchObject({
      displayName: 'Alice (desk)',
      trustedCertificate: pin,
    });
    await expect(store.pinCertificate('nope', pin)).rejects.toThrow('No account with id nope');
  });

  it('clears an outbound proxy set to an empty string', async () => {
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    const { id } = await store.save({ ...input, outboundProxy: 'sip:proxy@pbx.example.com' });
    const edited = await store.save({ ...input, id, outboundProxy: '' });
    expect(edited.outboundProxy).toBeUndefined();
  });

  it('rejects an update of an unknown id without touching the file', async () => {
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    await expect(store.save({ ...input, id: 'nope' })).rejects.toThrow('No account with id nope');
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });

  it('removes an account and its password; removing twice is harmless', async () => {
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    const a = await store.save(input);
    const b = await store.save({ ...input, displayName: 'Bob' });
    await store.remove(a.id);
    await store.remove(a.id);
    expect((await store.list()).accounts.map((account) => account.id)).toEqual([b.id]);
    expect(await store.password(a.id)).toBeNull();
  });

  it('serialises concurrent saves so none is lost', async () => {
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    await Promise.all(['A', 'B', 'C', 'D'].map((name) => store.save({ ...input, displayName: name })));
    const reopened = open(new SafeStorageSecretBox(fakeKeyring));
    expect((await reopened.list()).accounts.map((a) => a.displayName).sort()).toEqual(['A', 'B', 'C', 'D']);
  });

  it('gives no password when the ciphertext cannot be decrypted any more', async () => {
    const { id } = await open(new SafeStorageSecretBox(fakeKeyring)).save(input);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace(/"sealedPassword": "[^"]+"/, '"sealedPassword": "AAAA"'));
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    expect(await store.password(id)).toBeNull();
  });

  describe('session-only (no keyring)', () => {
    it('keeps the password in memory only, never on disk', async () => {
      const store = open(new SessionOnlySecretBox());
      const account = await store.save(input);
      expect(account.hasPassword).toBe(true);
      expect(await store.password(account.id)).toBe('correct horse');
      const text = await readFile(path, 'utf8');
      expect(text).not.toContain('correct horse');
      expect(text).not.toContain('sealedPassword');
    });

    it('forgets passwords when the app restarts', async () => {
      const { id } = await open(new SessionOnlySecretBox()).save(input);
      const nextSession = open(new SessionOnlySecretBox());
      expect((await nextSession.list()).accounts[0]?.hasPassword).toBe(false);
      expect(await nextSession.password(id)).toBeNull();
    });

    it('ignores ciphertext from a session that had a keyring, and drops it on a new password', async () => {
      const { id } = await open(new SafeStorageSecretBox(fakeKeyring)).save(input);
      const store = open(new SessionOnlySecretBox());
      expect((await store.list()).accounts[0]?.hasPassword).toBe(false);
      await store.save({ ...input, id, password: 'typed again' });
      expect(await store.password(id)).toBe('typed again');
      expect(await readFile(path, 'utf8')).not.toContain('sealedPassword');
    });

    it('forgets the password of a removed account', async () => {
      const store = open(new SessionOnlySecretBox());
      const { id } = await store.save(input);
      await store.remove(id);
      expect(await store.password(id)).toBeNull();
    });
  });

  it('moves a corrupt file aside, starts empty and keeps reporting the problem', async () => {
    await writeFile(path, '{"version": 1, "accounts": [{"id": "x"}]}');
    const store = open(new SafeStorageSecretBox(fakeKeyring));
    const first = await store.list();
    expect(first.accounts).toEqual([]);
    expect(first.problems).toEqual([
      {
        file: 'accounts',
        backupPath: expect.stringMatching(/accounts\.corrupt-\d{8}T\d{9}Z\.json$/),
        detail: expect.any(String),
      },
    ]);
    await store.save(input);
    expect((await store.list()).problems).toEqual(first.problems);
    expect((await store.list()).accounts).toHaveLength(1);
  });

  it('treats duplicate ids in the file as corrupt', async () => {
    const account = { ...input, password: undefined, id: 'same' };
    await writeFile(path, JSON.stringify({ version: 1, accounts: [account, account] }));
    expect((await open(new SessionOnlySecretBox()).list()).problems[0]?.detail).toMatch(
      /duplicate account id/,
    );
  });

  describe('TURN credentials', () => {
    const withTurn: AccountInput = {
      ...input,
      media: {
        ...DEFAULT_ACCOUNT_MEDIA,
        iceServers: [
          { url: 'stun:stun.example.com', username: '' },
          { url: 'turns:turn.example.com:5349', username: 'alice' },
        ],
      },
      turnCredentials: [undefined, 'turn secret'],
    };

    it('seals them like the password: never in clear on disk, never in the account the renderer sees', async () => {
      const store = open(new SafeStorageSecretBox(fakeKeyring));
      const account = await store.save(withTurn);
      expect(await readFile(path, 'utf8')).not.toContain('turn secret');
      expect(JSON.stringify(account)).not.toContain('turn secret');
      expect(account.media?.iceServers[1]).toEqual({ url: 'turns:turn.example.com:5349', username: 'alice' });
      expect(await open(new SafeStorageSecretBox(fakeKeyring)).turnCredentials(account.id)).toEqual([
        null,
        'turn secret',
      ]);
    });

    it('keeps a stored credential when an edit leaves it empty, and drops it with its server', async () => {
      const store = open(new SafeStorageSecretBox(fakeKeyring));
      const { id } = await store.save(withTurn);
      await store.save({ ...withTurn, id, password: '', turnCredentials: [] });
      expect(await store.turnCredentials(id)).toEqual([null, 'turn secret']);
      await store.save({ ...withTurn, id, media: { ...DEFAULT_ACCOUNT_MEDIA }, turnCredentials: [] });
      expect(await store.turnCredentials(id)).toEqual([]);
    });

    it('keeps them in memory only when no keyring exists', async () => {
      const box = new SessionOnlySecretBox();
      const store = open(box);
      const { id } = await store.save(withTurn);
      expect(await readFile(path, 'utf8')).not.toContain('turn secret');
      expect(await store.turnCredentials(id)).toEqual([null, 'turn secret']);
      expect(await open(new SessionOnlySecretBox()).turnCredentials(id)).toEqual([null, null]);
    });
  });
});
