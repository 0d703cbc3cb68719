import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { SettingsPatch } from '@common/contract';
import { DEFAULT_SETTINGS } from '@common/contract-defaults';
import { HOST_KEY } from '../../../renderer/src/host/host';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { WebStorage } from '../../../renderer/src/host/web-storage';
import { useSettingsStore } from '../../../renderer/src/stores/settings';

const opened: WebStorage[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.delete()));
});

function settingsStore(): { store: ReturnType<typeof useSettingsStore>; storage: WebStorage } {
  const storage = new WebStorage(`ringline-test-${crypto.randomUUID()}`);
  opened.push(storage);
  const pinia = createPinia();
  createApp({}).provide(HOST_KEY, createWebHost(storage)).use(pinia);
  setActivePinia(pinia);
  return { store: useSettingsStore(), storage };
}

describe('settings store (real web host, real IndexedDB)', () => {
  it('applies a change before it is saved, so a call arriving meanwhile already sees it', async () => {
    const { store, storage } = settingsStore();
    const saving = store.update({ doNotDisturb: true });
    expect(store.settings.doNotDisturb).toBe(true);
    expect(await storage.settings.get('settings')).toBeUndefined();
    await saving;
    expect((await storage.settings.get('settings'))?.value).toMatchObject({ doNotDisturb: true });
    expect(store.settings.doNotDisturb).toBe(true);
  });

  it('takes a change back and reports the error when it cannot be saved', async () => {
    const { store } = settingsStore();
    await store.update({ logLevel: 'info' });
    const invalid = { logLevel: 'loud' } as unknown as SettingsPatch;
    await expect(store.update(invalid)).rejects.toThrow(/logLevel/);
    expect(store.settings.logLevel).toBe('info');
  });

  it('says whether the settings were read: the start reads them before mounting and App reads again only if that failed', async () => {
    const { store, storage } = settingsStore();
    await storage.settings.put({ key: 'settings', value: { ...DEFAULT_SETTINGS, doNotDisturb: true } });
    expect(store.loaded).toBe(false);
    await store.load();
    expect(store.loaded).toBe(true);
    expect(store.settings.doNotDisturb).toBe(true);
  });

  it('ends with every one of several quick edits', async () => {
    const { store } = settingsStore();
    await Promise.all([
      store.update({ doNotDisturb: true }),
      store.update({ doNotDisturbMode: 'silent' }),
      store.update({ closeToTray: false }),
    ]);
    expect(store.settings).toMatchObject({
      doNotDisturb: true,
      doNotDisturbMode: 'silent',
      closeToTray: false,
    });
  });
});
