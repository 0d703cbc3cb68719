import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_PRESENCE_OPTIONS,
  accountInputSchema,
  type AccountInput,
} from '../../../electron/common/contract';
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

describe('account presence options (BLF list, voicemail number, publishing)', () => {
  let dir: string;

  const open = () =>
    new AccountsStore({
      file: new JsonFile({ path: join(dir, 'accounts.json'), schema: accountsFileSchema, file: 'accounts' }),
      box: new SessionOnlySecretBox(),
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ringline-presence-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores them, keeps them when an edit does not send them, and reads them back after a restart', async () => {
    const presence = {
      watch: ['1002', 'sip:carol@pbx.example.com'],
      voicemailNumber: '*97',
      publishPresence: true,
    };
    const { id } = await open().save({ ...input, presence });
    await open().save({ ...input, id, displayName: 'Alice (desk)' });
    const [account] = (await open().list()).accounts;
    expect(account).toMatchObject({ displayName: 'Alice (desk)', presence });
  });

  it('fills defaults for missing fields and refuses empty BLF entries', () => {
    expect(accountInputSchema.parse({ ...input, presence: {} }).presence).toEqual(DEFAULT_PRESENCE_OPTIONS);
    expect(DEFAULT_PRESENCE_OPTIONS).toEqual({ watch: [], voicemailNumber: '', publishPresence: false });
    expect(accountInputSchema.safeParse({ ...input, presence: { watch: ['  '] } }).success).toBe(false);
    expect(accountInputSchema.safeParse({ ...input, presence: { blf: [] } }).success).toBe(false);
  });
});
