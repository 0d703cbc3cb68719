import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CertificateProblem } from '@common/contract';
import { useHost } from '../host';
import { useAccountsStore } from './accounts';

/**
 * Server certificates the desktop host refused, per account, and the user's answer to them.
 * In a browser none are ever reported: the browser decides and does not tell the page why a WebSocket
 * failed, so `browserDecides` lets the UI explain that instead.
 */
export const useCertificatesStore = defineStore('certificates', () => {
  const host = useHost();
  const accounts = useAccountsStore();
  const problems = ref<Record<string, CertificateProblem>>({});
  const browserDecides = ref(false);

  host.certificates.onProblem((problem) => {
    problems.value = { ...problems.value, [problem.accountId]: problem };
  });
  void host.app.info().then((info) => {
    browserDecides.value = info.host === 'web';
  });

  function forget(accountId: string): void {
    problems.value = Object.fromEntries(Object.entries(problems.value).filter(([id]) => id !== accountId));
  }

  /** Pins the reported certificate for the account; the caller registers again afterwards. */
  async function trust(accountId: string): Promise<void> {
    const problem = problems.value[accountId];
    if (problem === undefined) return;
    await host.certificates.trust({ accountId, sha256: problem.sha256 });
    forget(accountId);
    await accounts.load();
  }

  return { problems, browserDecides, trust, forget };
});
