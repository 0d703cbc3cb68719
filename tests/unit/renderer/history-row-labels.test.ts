import { describe, expect, it } from 'vitest';
import { historyRowLabels } from '../../../renderer/src/components/history-row-labels';
import { createAppI18n, type Locale } from '../../../renderer/src/i18n';
import { en } from '../../../renderer/src/i18n/en';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';

const LANGUAGES: [Locale, typeof en][] = [
  ['en', en],
  ['zh-CN', zhCN],
];
/** Names as callers' phones send them, with what a string replacement or a message format would read. */
const NAMES = ['Alice Smith', '王小明', '', '$& $1 $$', '{name} @:history.title %s', '\u00e9\u0301 Zoë'];

describe('history row labels', () => {
  it.each(LANGUAGES)('say in %s exactly what looking each one up with its name says', (locale, messages) => {
    const { t, d } = createAppI18n(locale, messages).global;
    const labels = historyRowLabels((key, named) => t(key, named), locale);
    for (const name of NAMES) {
      expect(labels.callBack(name)).toBe(t('history.callBack', { name }));
      expect(labels.ladderOf(name)).toBe(t('diagnostics.ladder.titleOf', { name }));
      expect(labels.addContactOf(name)).toBe(t('history.addContactOf', { name }));
      expect(labels.deleteOf(name)).toBe(t('history.deleteOf', { name }));
    }
    expect(labels.callBack('Alice Smith')).toContain('Alice Smith');
    for (const at of [0, Date.UTC(2026, 11, 7, 1, 2), Date.UTC(2026, 5, 30, 23, 59, 59)])
      expect(labels.time(at)).toBe(d(at, 'time'));
    expect(labels.outcomes.missed).toBe(t('history.outcomes.missed'));
    expect(labels.confirmDelete).toBe(t('history.confirmDelete'));
  });
});
