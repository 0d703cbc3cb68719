import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, settingsSchema } from '../../../electron/common/contract';
import { JsonFile } from '../../../electron/main/json-file';
import { SettingsStore } from '../../../electron/main/settings-store';

describe('SettingsStore', () => {
  let dir: string;
  let path: string;
  const open = () => new SettingsStore(new JsonFile({ path, schema: settingsSchema, file: 'settings' }));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ringline-settings-'));
    path = join(dir, 'settings.json');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the defaults when there is no file', async () => {
    expect(await open().get()).toEqual({ settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('applies a patch, saves it and reads it back next session', async () => {
    const expected = { ...DEFAULT_SETTINGS, language: 'zh-CN' };
    expect(await open().update({ language: 'zh-CN' })).toEqual(expected);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(expected);
    expect((await open().get()).settings).toEqual(expected);
  });

  it('replaces nested objects whole', async () => {
    const store = open();
    const linkSchemes = { ...DEFAULT_SETTINGS.linkSchemes, callto: false };
    expect((await store.update({ linkSchemes })).linkSchemes).toEqual(linkSchemes);
    expect((await store.update({ doNotDisturb: true })).linkSchemes).toEqual(linkSchemes);
  });

  it('fills in settings a file from an older version does not have', async () => {
    await writeFile(path, '{"language": "en"}');
    expect((await open().get()).settings).toEqual({ ...DEFAULT_SETTINGS, language: 'en' });
  });

  it('treats undefined values in a patch as no change', async () => {
    const store = open();
    await store.update({ language: 'en' });
    expect(await store.update({ language: undefined })).toMatchObject({ language: 'en' });
    expect(await store.update({})).toMatchObject({ language: 'en' });
  });

  it('tells subscribers about every saved change, until they unsubscribe', async () => {
    const store = open();
    const seen: boolean[] = [];
    const unsubscribe = store.subscribe((settings) => seen.push(settings.doNotDisturb));
    await store.update({ doNotDisturb: true });
    await store.update({ doNotDisturb: false });
    unsubscribe();
    await store.update({ doNotDisturb: true });
    expect(seen).toEqual([true, false]);
  });

  it('does not tell subscribers about an update that could not be saved', async () => {
    const store = open();
    const seen: unknown[] = [];
    store.subscribe((settings) => seen.push(settings));
    await store.get();
    await mkdir(path); // a directory where the file should go: the atomic rename fails
    await expect(store.update({ doNotDisturb: true })).rejects.toThrow(/Could not save settings/);
    expect(seen).toEqual([]);
  });

  it('does not let callers mutate its state through returned objects', async () => {
    const store = open();
    const snapshot = await store.get();
    snapshot.settings.language = 'en';
    expect((await store.get()).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('moves a bad file aside and starts from the defaults', async () => {
    await writeFile(path, '{"language": "klingon"}');
    const { settings, problems } = await open().get();
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems).toEqual([
      {
        file: 'settings',
        backupPath: expect.stringMatching(/settings\.corrupt-.*\.json$/),
        detail: expect.any(String),
      },
    ]);
    expect(await readFile(problems[0]?.backupPath ?? '', 'utf8')).toBe('{"language": "klingon"}');
  });
});
