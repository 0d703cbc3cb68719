import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountInputSchema, phoneStatusSchema, type AccountInput } from '../../../electron/common/contract';
import { AccountsStore, accountsFileSchema } from '../../../electron/main/accounts-store';
import { JsonFile } from '../../../electron/main/json-file';
import { SessionOnlySecretBox } from '../../../electron/main/secret-box';

const input: AccountInput = {
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  password: 'correct horse',
  wssUrl: 'wss://pbx.example.com:8089/ws',
};

describe('fallback WSS servers in the contract', () => {
  it('accepts up to three wss:// servers', () => {
    const fallbackWssUrls = [
      'wss://pbx2.example.com/ws',
      'wss://pbx3.example.com:443',
      'wss://10.0.0.5:8089/ws',
    ];
    expect(accountInputSchema.parse({ ...input, fallbackWssUrls }).fallbackWssUrls).toEqual(fallbackWssUrls);
  });

  it('refuses plain ws://, credentials in the URL and more than three servers', () => {
    expect(
      accountInputSchema.safeParse({ ...input, fallbackWssUrls: ['ws://pbx2.example.com'] }).success,
    ).toBe(false);
    expect(
      accountInputSchema.safeParse({ ...input, fallbackWssUrls: ['wss://user:pw@pbx2.example.com'] }).success,
    ).toBe(false);
    const four = [1, 2, 3, 4].map((n) => `wss://pbx${n}.example.com`);
    expect(accountInputSchema.safeParse({ ...input, fallbackWssUrls: four }).success).toBe(false);
  });

  it('lets the renderer report a reconnecting account to main', () => {
    const status = {
      accounts: [{ id: 'a1', name: 'Alice', state: 'reconnecting' }],
      ringing: [],
      activeCalls: 0,
      muted: false,
      missedCalls: 0,
      doNotDisturb: false,
    };
    expect(phoneStatusSchema.safeParse(status).success).toBe(true);
  });
});

describe('AccountsStore with fallback servers', () => {
  let dir: string;
  const open = () =>
    new AccountsStore({
      file: new JsonFile({ path: join(dir, 'accounts.json'), schema: accountsFileSchema, file: 'accounts' }),
      box: new SessionOnlySecretBox(),
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ringline-fallback-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps them in order across a restart, and an empty list removes them', async () => {
    const fallbackWssUrls = ['wss://pbx2.example.com/ws', 'wss://pbx3.example.com/ws'];
    const saved = await open().save({ ...input, fallbackWssUrls });
    expect(saved.fallbackWssUrls).toEqual(fallbackWssUrls);
    expect((await open().list()).accounts[0]?.fallbackWssUrls).toEqual(fallbackWssUrls);

    const cleared = await open().save({ ...input, id: saved.id, fallbackWssUrls: [] });
    expect(cleared.fallbackWssUrls).toBeUndefined();
  });
});
