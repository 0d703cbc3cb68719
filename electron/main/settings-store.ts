/**
 * App settings in `<userData>/settings.json`: {@link DEFAULT_SETTINGS} until the user changes one.
 * Same guarantees as the accounts file (atomic writes, a bad file is moved aside and reported).
 */
import {
  DEFAULT_SETTINGS,
  applySettingsPatch,
  type Settings,
  type SettingsPatch,
  type SettingsSnapshot,
  type StorageProblem,
} from '../common/contract';
import type { JsonFile } from './json-file';

/** Implements the contract's `settings` verbs; patches are already validated by `ipc.ts`. */
export class SettingsStore {
  readonly #file: JsonFile<Settings>;
  #loaded: Promise<{ settings: Settings; problems: StorageProblem[] }> | null = null;
  /** Updates run one at a time so two quick patches cannot overwrite each other. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<(settings: Settings) => void>();

  constructor(file: JsonFile<Settings>) {
    this.#file = file;
  }

  async get(): Promise<SettingsSnapshot> {
    const { settings, problems } = await this.#load();
    return { settings: { ...settings }, problems: [...problems] };
  }

  /** Applies a validated patch and saves; resolves the full settings. Rejects when saving fails. */
  update(patch: SettingsPatch): Promise<Settings> {
    const run = this.#tail.then(async () => {
      const state = await this.#load();
      const settings = applySettingsPatch(state.settings, patch);
      await this.#file.write(settings);
      state.settings = settings;
      for (const listener of this.#listeners) listener({ ...settings });
      return { ...settings };
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Calls `listener` with the full settings after every saved update, whoever made it (the renderer,
   * the tray). Returns an unsubscribe function.
   */
  subscribe(listener: (settings: Settings) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #load(): Promise<{ settings: Settings; problems: StorageProblem[] }> {
    this.#loaded ??= this.#file.read().then((result) => {
      switch (result.kind) {
        case 'ok':
          return { settings: result.value, problems: [] };
        case 'missing':
          return { settings: { ...DEFAULT_SETTINGS }, problems: [] };
        case 'moved-aside':
          return { settings: { ...DEFAULT_SETTINGS }, problems: [result.problem] };
      }
    });
    return this.#loaded;
  }
}
