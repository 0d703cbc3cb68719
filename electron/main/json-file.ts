/**
 * One JSON document on disk, validated by a zod schema, written atomically, never lost.
 *
 * - Writes go to a temp file in the same directory, are fsync'ed, then renamed over the target:
 *   `rename` within one directory is atomic on POSIX and NTFS, so a crash or power cut leaves either the
 *   old or the new file, never a half-written one. The directory is fsync'ed too (POSIX) so the rename
 *   itself survives a power cut.
 * - A file that cannot be read, is not JSON or does not match the schema is moved aside to
 *   `<name>.corrupt-<timestamp>.json` and reported as a {@link StorageProblem}; the caller starts from
 *   defaults. Nothing is deleted. If the file cannot be moved aside, writes are refused for the rest of
 *   the session rather than overwrite the only copy of the user's data.
 */
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { StorageProblem } from '../common/contract';

/** `missing`: no file yet (first run). `moved-aside`: the file was bad; start from defaults and tell the user. */
export type JsonReadResult<T> =
  { kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'moved-aside'; problem: StorageProblem };

export interface JsonFileOptions<T> {
  /** Absolute path of the document, e.g. `<userData>/accounts.json`. */
  path: string;
  schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  /** Which document this is, for {@link StorageProblem.file}. */
  file: StorageProblem['file'];
  /** Clock for backup names; injected so tests can make names collide. */
  now?: () => Date;
}

/** How many `-2`, `-3`, … suffixes to try when a backup name is taken. */
const MAX_BACKUP_ATTEMPTS = 10;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** One validated JSON document; see the module comment for the guarantees. */
export class JsonFile<T> {
  readonly #path: string;
  readonly #schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  readonly #file: StorageProblem['file'];
  readonly #now: () => Date;
  /** Set when a bad file could not be moved aside: writing would destroy it. */
  #writeBlockedBy: string | null = null;

  constructor(options: JsonFileOptions<T>) {
    this.#path = options.path;
    this.#schema = options.schema;
    this.#file = options.file;
    this.#now = options.now ?? (() => new Date());
  }

  /** Reads and validates the document. Never throws. */
  async read(): Promise<JsonReadResult<T>> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { kind: 'missing' };
      return this.#moveAside(`unreadable: ${errorMessage(error)}`);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return this.#moveAside(`not valid JSON: ${errorMessage(error)}`);
    }

    const parsed = this.#schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
      return this.#moveAside(`unexpected content: ${issues.join('; ')}`);
    }
    return { kind: 'ok', value: parsed.data };
  }

  /**
   * Validates `value` and replaces the document atomically. Rejects (with the file untouched) when the
   * value does not match the schema, the disk write fails, or an earlier bad file could not be backed up.
   */
  async write(value: T): Promise<void> {
    if (this.#writeBlockedBy !== null) {
      throw new Error(`Not saving ${this.#file}: ${this.#writeBlockedBy}`);
    }
    const checked = this.#schema.parse(value);
    const directory = dirname(this.#path);
    const temp = join(directory, `.${basename(this.#path)}.${randomUUID()}.tmp`);
    await mkdir(directory, { recursive: true });
    try {
      // 0o600: the accounts file holds server addresses, user names and encrypted passwords.
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(checked, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.#path);
    } catch (error) {
      await rm(temp, { force: true });
      throw new Error(`Could not save ${this.#file}: ${errorMessage(error)}`);
    }
    await syncDirectory(directory);
  }

  async #moveAside(detail: string): Promise<JsonReadResult<T>> {
    const backupPath = await this.#freeBackupPath();
    if (backupPath !== null) {
      try {
        await rename(this.#path, backupPath);
        return { kind: 'moved-aside', problem: { file: this.#file, backupPath, detail } };
      } catch (error) {
        detail = `${detail}; could not move it aside: ${errorMessage(error)}`;
      }
    } else {
      detail = `${detail}; could not move it aside: no free backup name`;
    }
    this.#writeBlockedBy = `${this.#path} is unreadable and could not be backed up (${detail})`;
    return { kind: 'moved-aside', problem: { file: this.#file, backupPath: this.#path, detail } };
  }

  /**
   * `accounts.corrupt-20261125T060400123Z.json`, then `-2`, `-3`, … if taken. Check-then-rename is
   * not atomic, but the single-instance lock means no other Ringline process writes this directory.
   */
  async #freeBackupPath(): Promise<string | null> {
    const extension = extname(this.#path);
    const stem = basename(this.#path, extension);
    // ISO time without ':' and '.', which Windows does not allow in file names.
    const stamp = this.#now().toISOString().replace(/[-:.]/g, '');
    for (let attempt = 1; attempt <= MAX_BACKUP_ATTEMPTS; attempt += 1) {
      const suffix = attempt === 1 ? '' : `-${attempt}`;
      const candidate = join(dirname(this.#path), `${stem}.corrupt-${stamp}${suffix}.json`);
      try {
        await access(candidate, constants.F_OK);
      } catch {
        return candidate;
      }
    }
    return null;
  }
}

/**
 * fsync a directory so a rename in it is durable. Windows cannot open directories and NTFS journals
 * renames itself, so failures there are expected and ignored.
 */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems (network mounts) refuse fsync on directories; the data itself is already synced.
  }
}
