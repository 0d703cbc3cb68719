import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { HOST_KEY, selectHost } from './host';
import { createAppI18n, loadMessages, resolveLocale } from './i18n';

async function boot(): Promise<void> {
  // The language the settings will most likely name (none chosen: the system's) is fetched while the
  // host and the settings load, not after them.
  const likely = resolveLocale('system', navigator.languages);
  const likelyMessages = loadMessages(likely);
  likelyMessages.catch(() => undefined);
  const host = await selectHost();
  const { settings } = await host.settings.get().catch(() => ({ settings: { language: 'system' as const } }));
  const locale = resolveLocale(settings.language, navigator.languages);
  document.documentElement.lang = locale;
  const app = createApp(App);
  app.provide(HOST_KEY, host);
  app.use(createPinia());
  app.use(createAppI18n(locale, await (locale === likely ? likelyMessages : loadMessages(locale))));
  app.mount('#app');
}

void boot();
