import type { CallOutcome } from '../history/call-history';
import { TIME_FORMAT } from '../i18n';

/**
 * The words every history row shows, made once per language by the list rather than in each row:
 * vue-i18n's `t` and `d` (four labels with the caller's name and the time, a row) were most of the
 * time a row took to render, and a search shows 15-20 new rows at once.
 */
export interface HistoryRowLabels {
  /** A call's start time as `d(at, 'time')` shows it. */
  time: (at: number) => string;
  callBack: (name: string) => string;
  ladderOf: (name: string) => string;
  addContactOf: (name: string) => string;
  deleteOf: (name: string) => string;
  incoming: string;
  outgoing: string;
  outcomes: Record<CallOutcome, string>;
  call: string;
  ladder: string;
  confirmDelete: string;
}

/** A message's `{name}`, while it is formatted ahead: a private-use character, in no translation. */
const NAME_SLOT = '\uE000';

/** The labels in `language`, looked up with `t` (the app's vue-i18n `t` in that language). */
export function historyRowLabels(
  t: (key: string, named: Record<string, string>) => string,
  language: string,
): HistoryRowLabels {
  const withName = (key: string): ((name: string) => string) => {
    const parts = t(key, { name: NAME_SLOT }).split(NAME_SLOT);
    return (name) => parts.join(name);
  };
  const time = new Intl.DateTimeFormat(language, TIME_FORMAT);
  return {
    time: (at) => time.format(at),
    callBack: withName('history.callBack'),
    ladderOf: withName('diagnostics.ladder.titleOf'),
    addContactOf: withName('history.addContactOf'),
    deleteOf: withName('history.deleteOf'),
    incoming: t('history.incoming', {}),
    outgoing: t('history.outgoing', {}),
    outcomes: {
      answered: t('history.outcomes.answered', {}),
      missed: t('history.outcomes.missed', {}),
      rejected: t('history.outcomes.rejected', {}),
      failed: t('history.outcomes.failed', {}),
      cancelled: t('history.outcomes.cancelled', {}),
    },
    call: t('dialer.call', {}),
    ladder: t('diagnostics.ladder.historyButton', {}),
    confirmDelete: t('history.confirmDelete', {}),
  };
}
