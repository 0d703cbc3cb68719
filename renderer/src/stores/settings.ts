import { defineStore } from 'pinia';
import { ref } from 'vue';
import { DEFAULT_SETTINGS, type Settings, type SettingsPatch, type StorageProblem } from '@common/contract';
import { useHost } from '../host';

export const useSettingsStore = defineStore('settings', () => {
  const host = useHost();
  const settings = ref<Settings>({ ...DEFAULT_SETTINGS });
  const problems = ref<StorageProblem[]>([]);

  async function load(): Promise<void> {
    const snapshot = await host.settings.get();
    settings.value = snapshot.settings;
    problems.value = snapshot.problems;
  }

  async function update(patch: SettingsPatch): Promise<void> {
    settings.value = await host.settings.update(patch);
  }

  return { settings, problems, load, update };
});
