import { en, type Messages } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-CN';

export type UiLanguage = 'en' | 'zh-CN';

/**
 * The app's own UI text, so a test can find controls by the names a person sees in either language
 * (a test written against the words themselves would only ever check English).
 */
export function uiText(language: UiLanguage): Messages {
  return language === 'zh-CN' ? zhCN : en;
}

/** Fills `{name}` placeholders the way vue-i18n does for plain messages. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => String(values[key] ?? whole));
}
