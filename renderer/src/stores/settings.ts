import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Settings, SettingsPatch, StorageProblem } from '@common/contract';
import { DEFAULT_SETTINGS, withSettingsPatch } from '@common/contract-defaults';
import { useHost } from '../host';

export const useSettingsStore = defineStore('settings', () => {
  const host = useHost();
  const settings = ref<Settings>({ ...DEFAULT_SETTINGS });
  const problems = ref<StorageProblem[]>([]);
  /** Read from the host at least once (until then `settings` are the defaults). */
  const loaded = ref(false);

  async function load(): Promise<void> {
    const snapshot = await host.settings.get();
    settings.value = snapshot.settings;
    problems.value = snapshot.problems;
    loaded.value = true;
  }

  let latestUpdate = 0;
  /**
   * Applied at once, saved after: a call arriving while "do not disturb" is being saved must already
   * be refused. The host checks the patch (zod, which the renderer's first screen does not load): if
   * it refuses it or saving fails, the change is taken back and the error goes to the caller.
   */
  async function update(patch: SettingsPatch): Promise<void> {
    const ticket = ++latestUpdate;
    const before = settings.value;
    try {
      settings.value = withSettingsPatch(before, patch);
      const saved = await host.settings.update(patch);
      if (ticket === latestUpdate) settings.value = saved;
    } catch (error) {
      if (ticket === latestUpdate) settings.value = before;
      throw error;
    }
  }

  return { settings, problems, loaded, load, update };
});
