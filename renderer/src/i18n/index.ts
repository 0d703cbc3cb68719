import { createI18n, type Composer } from 'vue-i18n';
import type { LanguageSetting } from '@common/contract';
import type { Messages } from './en';

export type Locale = 'en' | 'zh-CN';

/** The OS/browser language decides until the user picks one: any Chinese variant gets zh-CN. */
export function resolveLocale(setting: LanguageSetting, preferred: readonly string[]): Locale {
  if (setting !== 'system') return setting;
  const first = preferred[0]?.toLowerCase() ?? 'en';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

/** One language's UI text: only the language in use is downloaded. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  return locale === 'zh-CN' ? (await import('./zh-CN')).zhCN : (await import('./en')).en;
}

/** Switches the UI language, loading its text first when it has not been used yet. */
export async function switchLocale(
  composer: Pick<Composer, 'locale' | 'availableLocales' | 'setLocaleMessage'>,
  locale: Locale,
): Promise<void> {
  if (!composer.availableLocales.includes(locale))
    composer.setLocaleMessage(locale, await loadMessages(locale));
  composer.locale.value = locale;
}

/** How a time of day is shown (`d(at, 'time')`); the history list formats its rows with it directly. */
export const TIME_FORMAT: Intl.DateTimeFormatOptions = { timeStyle: 'short' };

export function createAppI18n(locale: Locale, messages: Messages) {
  return createI18n<[Messages], Locale, false>({
    legacy: false,
    locale,
    // Both languages have every key (zh-CN.ts is typed by en.ts), so nothing ever falls back.
    fallbackLocale: locale,
    messages: { [locale]: messages } as Record<Locale, Messages>,
    datetimeFormats: {
      en: {
        short: { dateStyle: 'medium', timeStyle: 'short' },
        day: { dateStyle: 'full' },
        time: TIME_FORMAT,
      },
      'zh-CN': {
        short: { dateStyle: 'medium', timeStyle: 'short' },
        day: { dateStyle: 'full' },
        time: TIME_FORMAT,
      },
    },
  });
}
