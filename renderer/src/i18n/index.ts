import type { ResourceNode } from '@intlify/message-compiler';
import { createI18n, type Composer } from 'vue-i18n';
import type { LanguageSetting } from '@common/contract';
import type { Messages } from './en';

type Parsed<T> = { readonly [K in keyof T]: T[K] extends string ? ResourceNode : Parsed<T[K]> };
/** A language's messages as the app loads them: en.ts's keys, each message parsed at build time. */
export type PrecompiledMessages = Parsed<Messages>;

export type Locale = 'en' | 'zh-CN';

/** The OS/browser language decides until the user picks one: any Chinese variant gets zh-CN. */
export function resolveLocale(setting: LanguageSetting, preferred: readonly string[]): Locale {
  if (setting !== 'system') return setting;
  const first = preferred[0]?.toLowerCase() ?? 'en';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * One language's UI text: only the language in use is downloaded, with its messages already parsed
 * (`precompiledMessages` in vite.web.config.ts, which reads the keys from the language file itself).
 */
export async function loadMessages(locale: Locale): Promise<PrecompiledMessages> {
  const { default: messages } =
    locale === 'zh-CN' ? await import('./zh-CN.ts?precompiled') : await import('./en.ts?precompiled');
  return messages as PrecompiledMessages;
}

/**
 * vue-i18n's types describe messages as text, while its runtime takes a parsed message (`isMessageAST`)
 * wherever it takes text: the app's messages are parsed, the tests' are text.
 */
function asText(messages: Messages | PrecompiledMessages): Messages {
  return messages as Messages;
}

/** Switches the UI language, loading its text first when it has not been used yet. */
export async function switchLocale(
  composer: Pick<Composer, 'locale' | 'availableLocales' | 'setLocaleMessage'>,
  locale: Locale,
): Promise<void> {
  if (!composer.availableLocales.includes(locale))
    composer.setLocaleMessage(locale, asText(await loadMessages(locale)));
  composer.locale.value = locale;
}

export function createAppI18n(locale: Locale, messages: Messages | PrecompiledMessages) {
  return createI18n<[Messages], Locale, false>({
    legacy: false,
    locale,
    // Both languages have every key (zh-CN.ts is typed by en.ts), so nothing ever falls back.
    fallbackLocale: locale,
    messages: { [locale]: asText(messages) } as Record<Locale, Messages>,
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
