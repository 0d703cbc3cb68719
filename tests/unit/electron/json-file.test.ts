import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonFile } from '../../../electron/main/json-file';

const schema = z.object({ count: z.number().int() }).strict();
const FIXED_NOW = new Date('2026-11-25T06:04:00.123Z');
const STAMP = '20261125T060400123Z';

describe('JsonFile', () => {
  let dir: string;
  let path: string;
  let file: JsonFile<z.infer<typeof schema>>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ringline-json-'));
    path = join(dir, 'settings.json');
    file = new JsonFile({ path, schema, file: 'settings', now: () => FIXED_NOW });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a missing file as missing', async () => {
    expect(await file.read()).toEqual({ kind: 'missing' });
  });

  it('round-trips a value and leaves no temp file behind', async () => {
    await file.write({ count: 3 });
    expect(await file.read()).toEqual({ kind: 'ok', value: { count: 3 } });
    await file.write({ count: 4 });
    expect(await file.read()).toEqual({ kind: 'ok', value: { count: 4 } });
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('creates the directory and writes the file readable by the owner only', async () => {
    const nested = new JsonFile({ path: join(dir, 'a', 'b', 'x.json'), schema, file: 'settings' });
    await nested.write({ count: 1 });
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'a', 'b', 'x.json'))).mode & 0o777).toBe(0o600);
    }
  });

  it('refuses to write a value that does not match the schema, keeping the old file', async () => {
    await file.write({ count: 1 });
    await expect(file.write({ count: 1.5 })).rejects.toThrow();
    expect(await file.read()).toEqual({ kind: 'ok', value: { count: 1 } });
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it.each([
    ['not JSON', '{"count": 1', /not valid JSON/],
    ['empty (a crash before the first write)', '', /not valid JSON/],
    ['the wrong shape', '{"count": "many"}', /unexpected content: count: Expected number/],
    ['unknown keys', '{"count": 1, "extra": true}', /unexpected content: \(root\): Unrecognized key/],
  ])('moves aside a file that is %s and reports it', async (_label, content, detail) => {
    await writeFile(path, content);
    const result = await file.read();
    const backupPath = join(dir, `settings.corrupt-${STAMP}.json`);
    expect(result).toEqual({
      kind: 'moved-aside',
      problem: { file: 'settings', backupPath, detail: expect.stringMatching(detail) },
    });
    expect(await readFile(backupPath, 'utf8')).toBe(content);
    expect(await file.read()).toEqual({ kind: 'missing' });
    await file.write({ count: 2 });
    expect(await file.read()).toEqual({ kind: 'ok', value: { count: 2 } });
  });

  it('moves aside an unreadable file (here: a directory in its place)', async () => {
    await mkdir(path);
    const result = await file.read();
    expect(result).toMatchObject({
      kind: 'moved-aside',
      problem: { detail: expect.stringMatching(/^unreadable/) },
    });
    expect(await readdir(dir)).toEqual([`settings.corrupt-${STAMP}.json`]);
  });

  it('never overwrites an earlier backup', async () => {
    await writeFile(path, 'first');
    await file.read();
    await writeFile(path, 'second');
    const result = await file.read();
    expect(result).toMatchObject({ problem: { backupPath: join(dir, `settings.corrupt-${STAMP}-2.json`) } });
    expect(await readFile(join(dir, `settings.corrupt-${STAMP}.json`), 'utf8')).toBe('first');
    expect(await readFile(join(dir, `settings.corrupt-${STAMP}-2.json`), 'utf8')).toBe('second');
  });

  it('refuses writes for the session when a bad file cannot be moved aside', async () => {
    await writeFile(path, 'broken');
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const suffix = attempt === 1 ? '' : `-${attempt}`;
      await writeFile(join(dir, `settings.corrupt-${STAMP}${suffix}.json`), 'older backup');
    }
    const result = await file.read();
    expect(result).toEqual({
      kind: 'moved-aside',
      problem: {
        file: 'settings',
        backupPath: path,
        detail: expect.stringMatching(/could not move it aside/),
      },
    });
    await expect(file.write({ count: 1 })).rejects.toThrow(/Not saving settings/);
    expect(await readFile(path, 'utf8')).toBe('broken');
  });
});
