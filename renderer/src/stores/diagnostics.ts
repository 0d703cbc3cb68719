import { defineStore } from 'pinia';
import { shallowRef, watch } from 'vue';
import {
  diagnosticsReport,
  engineInfo,
  type DiagnosticsProblem,
  type UserAgentHints,
} from '../diagnostics/diagnostics-report';
import { useHost } from '../host';
import type { AppLogLevel } from '../sip/sip-log';
import type { RegistrationSnapshot } from '../sip/phone';
import { useAccountsStore } from './accounts';
import { useHistoryStore } from './history';
import { useRegistrationStore } from './registration';
import { useSettingsStore } from './settings';
import { useSipLogStore } from './sip-log';

/** Problems kept for the report; older ones go. */
const MAX_PROBLEMS = 20;
/** Calls listed in the report, newest first. */
const REPORT_CALLS = 5;
/** A log line in the report is cut here: the SIP log has the whole message. */
const MAX_PROBLEM_TEXT = 500;

type NavigatorWithHints = Navigator & {
  userAgentData?: { getHighEntropyValues(hints: string[]): Promise<UserAgentHints> };
};

/**
 * The "Copy diagnostics" text and the last errors it lists: registration failures (watched here) and
 * the SIP engine's warnings and errors (handed over by the phone store).
 */
export const useDiagnosticsStore = defineStore('diagnostics', () => {
  const host = useHost();
  const accounts = useAccountsStore();
  const registration = useRegistrationStore();
  const settings = useSettingsStore();
  const history = useHistoryStore();
  const sipLog = useSipLogStore();
  const problems = shallowRef<readonly DiagnosticsProblem[]>([]);

  /** Keeps a problem; the same one again right after (a retry failing alike) only counts up. */
  function note(problem: Omit<DiagnosticsProblem, 'count'>): void {
    const list = problems.value;
    const last = list.at(-1);
    if (last && last.text === problem.text && last.accountId === problem.accountId) {
      problems.value = [...list.slice(0, -1), { ...last, at: problem.at, count: (last.count ?? 1) + 1 }];
      return;
    }
    problems.value = [...list, problem].slice(-MAX_PROBLEMS);
  }

  /** The SIP engine's log (already redacted): warnings and errors are problems worth reporting. */
  function noteLog(level: AppLogLevel, message: string): void {
    if (level !== 'warn' && level !== 'error') return;
    note({ at: Date.now(), source: 'sip', text: `${level}: ${message.slice(0, MAX_PROBLEM_TEXT)}` });
  }

  function registrationProblem(snapshot: RegistrationSnapshot): string | undefined {
    const error = snapshot.error;
    if (!error) return undefined;
    const status = error.statusCode === undefined ? '' : ` ${error.statusCode}`;
    const detail = error.detail ? `: ${error.detail.slice(0, MAX_PROBLEM_TEXT)}` : '';
    const server = snapshot.server ? ` (server ${snapshot.server})` : '';
    return `registration ${snapshot.state}, ${error.kind}${status}${detail}${server}`;
  }

  watch(
    () => registration.byAccount,
    (now, before) => {
      for (const snapshot of Object.values(now)) {
        if (before?.[snapshot.accountId] === snapshot) continue;
        const text = registrationProblem(snapshot);
        if (text) note({ at: snapshot.since, source: 'registration', accountId: snapshot.accountId, text });
      }
    },
  );

  async function hints(): Promise<UserAgentHints> {
    const data = (navigator as NavigatorWithHints).userAgentData;
    if (!data) return {};
    return data.getHighEntropyValues(['platform', 'platformVersion', 'fullVersionList']).catch(() => ({}));
  }

  /** The whole report, as text, for the clipboard and the screen. */
  async function report(language: string): Promise<string> {
    const [app, userAgentHints, calls] = await Promise.all([
      host.app.info(),
      hints(),
      history.recent(REPORT_CALLS).catch(() => []),
    ]);
    return diagnosticsReport({
      generatedAt: Date.now(),
      app,
      engine: engineInfo(navigator.userAgent, userAgentHints, app.platform),
      language,
      logLevel: settings.settings.logLevel,
      secretStorage: accounts.secretStorage,
      accounts: accounts.accounts,
      registrations: registration.byAccount,
      problems: problems.value,
      calls,
      sipLog: sipLog.stats,
    });
  }

  return { problems, note, noteLog, report };
});
