import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { HOST_KEY, selectHost } from './host';
import type { FirstRead } from './host/first-read';
import { createAppI18n, loadMessages, resolveLocale } from './i18n';
import { useAccountsStore } from './stores/accounts';
import { useSettingsStore } from './stores/settings';

/** Starts the app in `#app`; `firstRead` is the browser's read of the stored records begun by the entry. */
export async function boot(firstRead?: FirstRead): Promise<void> {
  // The language the settings will most likely name (none chosen: the system's) is fetched while the
  // host and the settings load, not after them.
  const likely = resolveLocale('system', navigator.languages);
  const likelyMessages = loadMessages(likely);
  likelyMessages.catch(() => undefined);
  const host = await selectHost(firstRead);
  const app = createApp(App);
  app.provide(HOST_KEY, host);
  app.use(createPinia());
  // Which first screen (the assistant or the phone) and in which language: the accounts and the
  // settings are read together, once, before mounting, so the window renders that screen straight
  // away rather than the phone first. A failed read is left to App, which tries again and reports it.
  const settings = useSettingsStore();
  await Promise.all([useAccountsStore().load(), settings.load()]).catch(() => undefined);
  const locale = resolveLocale(settings.settings.language, navigator.languages);
  document.documentElement.lang = locale;
  app.use(createAppI18n(locale, await (locale === likely ? likelyMessages : loadMessages(locale))));
  // The entry is an async module script: it runs as soon as it has arrived, possibly before the
  // parser has reached `#app` (in practice long done by now, with the start chunk fetched since).
  if (document.readyState === 'loading')
    await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
  app.mount('#app');
}
