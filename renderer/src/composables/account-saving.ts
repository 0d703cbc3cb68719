import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Account, AccountInput } from '@common/contract';
import { useAccountsStore } from '../stores/accounts';
import { usePhoneStore } from '../stores/phone';

/** Saving an account from its page or the first screen: save, then register with what was saved. */
export function useAccountSaving() {
  const { t } = useI18n();
  const accounts = useAccountsStore();
  const phone = usePhoneStore();
  const error = ref('');

  /** The saved account, or undefined with `error` saying why it could not be saved. */
  async function save(input: AccountInput): Promise<Account | undefined> {
    error.value = '';
    try {
      const saved = await accounts.save(input);
      // Asked once, when there is first something to be notified about.
      if ('Notification' in window && Notification.permission === 'default')
        void Notification.requestPermission();
      return accounts.accounts.find((a) => a.id === saved.id) ?? saved;
    } catch (failure) {
      error.value = t('account.saveFailed', {
        detail: failure instanceof Error ? failure.message : String(failure),
      });
      return undefined;
    }
  }

  /** Registers (again) with the saved fields; the outcome shows in the account's registration status. */
  function connect(account: Account): Promise<void> {
    return phone.connect(account);
  }

  return { error, save, connect };
}
