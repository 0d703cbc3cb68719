import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CALL_HANDLING, DEFAULT_SETTINGS } from '@common/contract';
import { startFirstRead } from '../../../renderer/src/host/first-read';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { RecordReader, WEB_STORAGE_NAME } from '../../../renderer/src/host/record-reader';
import { WebStorage } from '../../../renderer/src/host/web-storage';

const opened: WebStorage[] = [];
function freshStorage(): WebStorage {
  const storage = new WebStorage(`ringline-test-${crypto.randomUUID()}`);
  opened.push(storage);
  return storage;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.delete()));
});

const input = {
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  password: 'alice-secret',
  wssUrl: 'wss://pbx.example.com:8089/ws',
};

describe('web host (real IndexedDB in Chromium)', () => {
  it('stores accounts but keeps the password in memory only', async () => {
    const storage = freshStorage();
    const host = createWebHost(storage);
    const saved = await host.accounts.save(input);
    expect(saved).toMatchObject({ displayName: 'Alice', hasPassword: true });
    expect(await host.accounts.password(saved.id)).toBe('alice-secret');

    const onDisk = JSON.stringify(await storage.accounts.toArray());
    expect(onDisk).toContain('sip:1001@pbx.example.com');
    expect(onDisk).not.toContain('alice-secret');

    // A new page (a reload) finds the account but must ask for the password again.
    const reloaded = await createWebHost(storage).accounts.list();
    expect(reloaded.secretStorage).toBe('session-only');
    expect(reloaded.accounts).toEqual([expect.objectContaining({ id: saved.id, hasPassword: false })]);
  });

  it("answers the first list and settings read with the entry's first read, and reads again after", async () => {
    const storage = freshStorage();
    const saved = await createWebHost(storage).accounts.save(input);
    await createWebHost(storage).settings.update({ language: 'zh-CN' });
    // The page's entry starts this before the host's code is loaded.
    const firstRead = startFirstRead(storage.name);
    const host = createWebHost(storage, firstRead);
    expect((await host.accounts.list()).accounts).toEqual([
      expect.objectContaining({ id: saved.id, displayName: 'Alice', hasPassword: false }),
    ]);
    expect((await host.settings.get()).settings.language).toBe('zh-CN');
    // Records written since the first read are seen: later reads do not reuse it.
    const second = await host.accounts.save({ ...input, sipUri: 'sip:1002@pbx.example.com' });
    await host.settings.update({ language: 'en' });
    expect((await host.accounts.list()).accounts.map((account) => account.id).sort()).toEqual(
      [saved.id, second.id].sort(),
    );
    expect((await host.settings.get()).settings.language).toBe('en');
  });

  it("with no account yet, creates the database while the first screen shows, not during the first account's save", async () => {
    await Dexie.delete(WEB_STORAGE_NAME);
    const exists = async () =>
      (await indexedDB.databases()).some((database) => database.name === WEB_STORAGE_NAME);
    const { accounts } = await createWebHost().accounts.list();
    expect(accounts).toEqual([]);
    // Reading found no database and made none; the writer, loaded in the background, makes it.
    await expect.poll(exists).toBe(true);
    await Dexie.delete(WEB_STORAGE_NAME);
  });

  it('keeps the stored password when an edit leaves it empty', async () => {
    const host = createWebHost(freshStorage());
    const saved = await host.accounts.save(input);
    await host.accounts.save({ ...input, password: undefined, id: saved.id, displayName: 'Alice B.' });
    expect(await host.accounts.password(saved.id)).toBe('alice-secret');
    expect((await host.accounts.list()).accounts[0]?.displayName).toBe('Alice B.');
  });

  it('refuses invalid input with the field named', async () => {
    const host = createWebHost(freshStorage());
    await expect(host.accounts.save({ ...input, wssUrl: 'ws://insecure.example.com' })).rejects.toThrow(
      /wss:/,
    );
    await expect(host.accounts.save({ ...input, sipUri: 'alice' })).rejects.toThrow(/sip:user@host/);
  });

  it('moves a corrupted record aside, reports it, and keeps the good ones', async () => {
    const storage = freshStorage();
    const host = createWebHost(storage);
    const good = await host.accounts.save(input);
    await storage.accounts.put({ key: 'broken', value: { sipUri: 42, garbage: true } });

    const snapshot = await host.accounts.list();
    expect(snapshot.accounts.map((a) => a.id)).toEqual([good.id]);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({ file: 'accounts', backupPath: expect.stringMatching(/quarantine\/\d+$/) }),
    ]);
    const quarantined = await storage.quarantine.toArray();
    expect(quarantined).toEqual([
      expect.objectContaining({ store: 'accounts', value: { sipUri: 42, garbage: true } }),
    ]);
  });

  it('falls back to defaults for corrupted settings without losing them', async () => {
    const storage = freshStorage();
    await storage.settings.put({ key: 'settings', value: { language: 'klingon' } });
    const { settings, problems } = await createWebHost(storage).settings.get();
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems).toHaveLength(1);
    expect(await storage.quarantine.count()).toBe(1);
  });

  it('keeps both of two settings edits made at the same moment', async () => {
    const storage = freshStorage();
    const host = createWebHost(storage);
    await host.settings.update({ language: 'zh-CN' });
    await Promise.all([
      host.settings.update({ doNotDisturb: true }),
      host.settings.update({ doNotDisturbMode: 'silent' }),
      host.settings.update({ language: undefined }),
    ]);
    const { settings } = await createWebHost(storage).settings.get();
    expect(settings).toMatchObject({ doNotDisturb: true, doNotDisturbMode: 'silent', language: 'zh-CN' });
  });
});

describe('start-up reads without Dexie', () => {
  it('read a database that does not exist yet as empty, without creating it', async () => {
    const name = `ringline-test-${crypto.randomUUID()}`;
    const records = new RecordReader(name);
    expect(await records.all('accounts')).toEqual([]);
    expect(await records.get('settings', 'settings')).toBeUndefined();
    expect((await indexedDB.databases()).map((db) => db.name)).not.toContain(name);
  });

  it('see what the host wrote through Dexie, and a record written after they first looked', async () => {
    const storage = freshStorage();
    const records = new RecordReader(storage.name);
    expect(await records.all('accounts')).toEqual([]);
    const saved = await createWebHost(storage).accounts.save(input);
    expect((await records.all('accounts')).map((record) => record.key)).toEqual([saved.id]);
    await createWebHost(storage).settings.update({ language: 'zh-CN' });
    expect((await records.get('settings', 'settings'))?.value).toMatchObject({ language: 'zh-CN' });
  });
});

describe('per-account call handling', () => {
  it('is stored with the account and kept when the account form saves without it', async () => {
    const host = createWebHost(freshStorage());
    const saved = await host.accounts.save(input);
    await host.accounts.save({
      ...input,
      id: saved.id,
      password: undefined,
      callHandling: { ...DEFAULT_CALL_HANDLING, dtmfMode: 'info', autoAnswer: true },
    });
    await host.accounts.save({ ...input, id: saved.id, password: undefined, displayName: 'Renamed' });
    const [account] = (await host.accounts.list()).accounts;
    expect(account).toMatchObject({
      displayName: 'Renamed',
      callHandling: { dtmfMode: 'info', autoAnswer: true },
    });
  });
});
