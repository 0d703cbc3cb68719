import { onScopeDispose, ref, shallowRef } from 'vue';
import {
  runConnectionTest,
  type ConnectionTestPlan,
  type ConnectionTestProgress,
  type ConnectionTestResult,
} from '../accounts/connection-test';
import { useHost } from '../host';
import type * as RegistrationCheck from '../sip/registration-check';
import type { RegistrationCredentials } from '../sip/registration-check';
import { afterFirstPaint } from './first-paint';
import { webSocketAnswers } from '../sip/websocket-answer';
import { useSettingsStore } from '../stores/settings';

/**
 * SIP.js (most of the SIP stack's size) comes with the check, not with the first screen: fetched once
 * that is painted, so a test started at once does not wait for it either.
 */
const loadRegistrationCheck = () => import('../sip/registration-check');
const checkRegistration: typeof RegistrationCheck.checkRegistration = async (...args) =>
  (await loadRegistrationCheck()).checkRegistration(...args);

/** The account's side of a registration check: everything but the server. */
export type TestCredentials = Omit<RegistrationCredentials, 'log' | 'connectTimeoutMs' | 'answerTimeoutMs'>;

/**
 * Runs connection tests (`runConnectionTest`) with this machine's parts: the host's gateway (lookup,
 * probe), the page's own WebSocket, and SIP.js for the REGISTER, logged like the account's own SIP
 * traffic (redacted, at the chosen level). One test at a time per component; a new one or leaving
 * the view cancels the one running.
 */
export function useConnectionTest() {
  const host = useHost();
  const settings = useSettingsStore();
  const progress = shallowRef<ConnectionTestProgress>({ candidates: [] });
  const result = shallowRef<ConnectionTestResult>();
  const running = ref(false);
  let current: AbortController | undefined;
  const desktop = ref(true);
  void afterFirstPaint().then(() => loadRegistrationCheck().catch(() => undefined));
  void host.app.info().then((info) => (desktop.value = info.host === 'electron'));

  async function run(plan: ConnectionTestPlan, credentials: TestCredentials): Promise<ConnectionTestResult> {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    running.value = true;
    result.value = undefined;
    progress.value = { candidates: [] };
    const log = {
      level: settings.settings.logLevel,
      write: (level: 'error' | 'warn' | 'info' | 'debug', message: string) =>
        host.log.write({ level, scope: 'sip', message: message.slice(0, 16_384) }),
    };
    try {
      const outcome = await runConnectionTest(
        plan,
        {
          gateway: host.gateway,
          webSocketAnswers,
          registerWebSocket: (wssUrl, signal) => checkRegistration({ ...credentials, wssUrl, log }, signal),
          // The browser build's local service connects where its page asks; Electron main only to a
          // saved account's own servers (the renderer does not choose where SIP goes), so on the
          // desktop direct servers are tried once the account exists, not before.
          ...(desktop.value
            ? {}
            : {
                registerDirect: (transport, server, signal) =>
                  checkRegistration(
                    { ...credentials, direct: { gateway: host.gateway, transport, server }, log },
                    signal,
                  ),
              }),
        },
        (snapshot) => {
          if (current === controller) progress.value = snapshot;
        },
        controller.signal,
      );
      if (current === controller) result.value = outcome;
      return outcome;
    } finally {
      if (current === controller) running.value = false;
    }
  }

  function cancel(): void {
    current?.abort();
  }

  onScopeDispose(cancel);
  return { progress, result, running, run, cancel };
}
