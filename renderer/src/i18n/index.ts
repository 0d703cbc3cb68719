import { createI18n } from 'vue-i18n';
import type { LanguageSetting } from '@common/contract';
import { en, type Messages } from './en';
import { zhCN } from './zh-CN';

export type Locale = 'en' | 'zh-CN';

/** The OS/browser language decides until the user picks one: any Chinese variant gets zh-CN. */
export function resolveLocale(setting: LanguageSetting, preferred: readonly string[]): Locale {
  if (setting !== 'system') return setting;
  const first = preferred[0]?.toLowerCase() ?? 'en';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

export function createAppI18n(locale: Locale) {
  return createI18n<[Messages], Locale>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, 'zh-CN': zhCN },
    datetimeFormats: {
      en: {
        short: { dateStyle: 'medium', timeStyle: 'short' },
        day: { dateStyle: 'full' },
        time: { timeStyle: 'short' },
      },
      'zh-CN': {
        short: { dateStyle: 'medium', timeStyle: 'short' },
        day: { dateStyle: 'full' },
        time: { timeStyle: 'short' },
      },
    },
  });
}
