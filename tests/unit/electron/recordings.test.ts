import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../electron/common/contract';
import { RecordingsStore } from '../../../electron/main/recordings';

describe('RecordingsStore (real temp folders)', () => {
  let root: string;
  let folderSetting: string;
  let picked: string | null;
  let store: RecordingsStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ringline-recordings-'));
    folderSetting = '';
    picked = null;
    store = new RecordingsStore({
      folderSetting: async () => folderSetting,
      defaultFolder: join(root, 'Music', 'Ringline recordings'),
      pickFolder: async () => picked,
      saveFolderSetting: async (folder) => {
        folderSetting = folder;
        return { ...DEFAULT_SETTINGS, recordingsFolder: folder };
      },
    });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes into the default folder, creating it, and never overwrites an earlier recording', async () => {
    const first = await store.save({ fileName: 'call.webm', bytes: new Uint8Array([1, 2, 3]) });
    const second = await store.save({ fileName: 'call.webm', bytes: new Uint8Array([4]) });
    const folder = join(root, 'Music', 'Ringline recordings');
    expect(first.location).toBe(join(folder, 'call.webm'));
    expect(second.location).toBe(join(folder, 'call-1.webm'));
    expect([...(await readFile(first.location))]).toEqual([1, 2, 3]);
    expect([...(await readFile(second.location))]).toEqual([4]);
    expect((await readdir(folder)).sort()).toEqual(['call-1.webm', 'call.webm']);
  });

  it('uses the folder the user picked, and keeps the setting when the picker is cancelled', async () => {
    expect(await store.chooseFolder()).toBeNull();
    expect(folderSetting).toBe('');
    picked = join(root, 'chosen');
    expect(await store.chooseFolder()).toMatchObject({ recordingsFolder: picked });
    const saved = await store.save({ fileName: 'x.webm', bytes: new Uint8Array([9]) });
    expect(saved.location).toBe(join(picked, 'x.webm'));
  });
});
