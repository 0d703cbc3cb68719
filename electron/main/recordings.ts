/**
 * Call recordings on the desktop: the renderer records (MediaRecorder, Opus in WebM) and hands the
 * bytes over; main writes them into the recordings folder from settings (default: the OS Music
 * folder, `Ringline recordings`). No Electron import: the folder picker is injected.
 */
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Recording, SavedRecording, Settings } from '../common/contract';

export interface RecordingsDeps {
  /** The settings' `recordingsFolder`, or '' for the default. */
  folderSetting(): Promise<string>;
  defaultFolder: string;
  /** Shows the OS folder picker; null when the user cancels. */
  pickFolder(current: string): Promise<string | null>;
  saveFolderSetting(folder: string): Promise<Settings>;
}

export class RecordingsStore {
  readonly #deps: RecordingsDeps;

  constructor(deps: RecordingsDeps) {
    this.#deps = deps;
  }

  async folder(): Promise<string> {
    return (await this.#deps.folderSetting()) || this.#deps.defaultFolder;
  }

  /**
   * Writes the file atomically (temp name, then rename) so a crash never leaves half a recording under
   * the real name. An existing file is never overwritten: a counter is added to the name instead.
   */
  async save(recording: Recording): Promise<SavedRecording> {
    const folder = await this.folder();
    await mkdir(folder, { recursive: true });
    const target = await freeName(folder, recording.fileName.replace(/\.webm$/, ''));
    const temp = `${target}.partial`;
    await writeFile(temp, recording.bytes);
    await rename(temp, target);
    return { location: target };
  }

  async chooseFolder(): Promise<Settings | null> {
    const picked = await this.#deps.pickFolder(await this.folder());
    return picked === null ? null : this.#deps.saveFolderSetting(picked);
  }
}

async function freeName(folder: string, base: string): Promise<string> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const candidate = join(folder, attempt === 0 ? `${base}.webm` : `${base}-${attempt}.webm`);
    const taken = await access(candidate).then(
      () => true,
      () => false,
    );
    if (!taken) return candidate;
  }
  throw new Error(`no free file name for ${base}.webm in ${folder}`);
}
