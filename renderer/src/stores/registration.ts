import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RegistrationSnapshot } from '../sip/phone';

/** The latest registration snapshot per account, as reported by the SIP engine. */
export const useRegistrationStore = defineStore('registration', () => {
  const byAccount = ref<Record<string, RegistrationSnapshot>>({});

  function apply(snapshot: RegistrationSnapshot): void {
    byAccount.value = { ...byAccount.value, [snapshot.accountId]: snapshot };
  }

  function forget(accountId: string): void {
    byAccount.value = Object.fromEntries(Object.entries(byAccount.value).filter(([id]) => id !== accountId));
  }

  return { byAccount, apply, forget };
});
