import { describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/en';
import { createAppI18n, loadMessages, resolveLocale, switchLocale } from '../../../renderer/src/i18n';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? keys(value as object, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

describe('UI languages', () => {
  it('zh-CN translates every English key, and nothing is left in English by mistake', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    const untranslated = keys(en).filter((key) => {
      const path = key.split('.');
      const pick = (tree: object) =>
        path.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree);
      return pick(en) === pick(zhCN) && !['app.title'].includes(key);
    });
    expect(untranslated).toEqual([]);
  });

  it('keeps the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of keys(en)) {
      const path = key.split('.');
      const pick = (tree: object) =>
        path.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree) as string;
      expect(placeholders(pick(zhCN)), key).toEqual(placeholders(pick(en)));
    }
  });

  it('follows the system language until the user picks one', () => {
    expect(resolveLocale('system', ['zh-TW', 'en'])).toBe('zh-CN');
    expect(resolveLocale('system', ['de-DE'])).toBe('en');
    expect(resolveLocale('system', [])).toBe('en');
    expect(resolveLocale('en', ['zh-CN'])).toBe('en');
  });
});

describe('message syntax', () => {
  it('every message compiles and renders in both languages (no stray @, | or braces)', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const { global } = createAppI18n(locale, locale === 'en' ? en : zhCN);
      for (const key of keys(en)) {
        const rendered = global.t(key, {
          code: 401,
          account: 'A',
          caller: 'B',
          digit: '1',
          detail: 'x',
          file: 'f',
          backup: 'b',
          reason: 'r',
          duration: '00:01',
        });
        expect(rendered, `${locale}:${key}`).not.toBe(key);
        expect(rendered, `${locale}:${key}`).not.toMatch(/[{}]/);
      }
    }
  });

  it('shows example SIP addresses literally', () => {
    expect(createAppI18n('en', en).global.t('account.sipUriHint')).toBe('e.g. sip:1001@pbx.example.com');
  });

  it('loads only the language in use, and the other one when the user switches to it', async () => {
    const i18n = createAppI18n('en', await loadMessages('en'));
    expect(i18n.global.availableLocales).toEqual(['en']);
    await switchLocale(i18n.global, 'zh-CN');
    expect(i18n.global.availableLocales).toEqual(['en', 'zh-CN']);
    expect(i18n.global.t('history.title')).toBe(zhCN.history.title);
  });
});
