import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
    expect(await open().update({ language: 'zh-CN' })).toEqual({ language: 'zh-CN' });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ language: 'zh-CN' });
    expect((await open().get()).settings).toEqual({ language: 'zh-CN' });
  });

  it('treats undefined values in a patch as no change', async () => {
    const store = open();
    await store.update({ language: 'en' });
    expect(await store.update({ language: undefined })).toEqual({ language: 'en' });
    expect(await store.update({})).toEqual({ language: 'en' });
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
