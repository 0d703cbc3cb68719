import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Account, AccountInput } from '@common/contract';
import { useAccountsStore } from '../stores/accounts';
import { usePhoneStore } from '../stores/phone';

/**
 * Saving an account from its page or the first screen: save, tell the page (which closes), then
 * register with what was saved; the outcome shows in the account's registration status.
 */
export function useAccountSaving(onSaved: (account: Account) => void) {
  const { t } = useI18n();
  const accounts = useAccountsStore();
  const phone = usePhoneStore();
  /** Why the last save failed, in words; empty after a save that worked. */
  const error = ref('');

  async function submit(input: AccountInput): Promise<void> {
    error.value = '';
    let saved: Account;
    try {
      const stored = await accounts.save(input);
      saved = accounts.accounts.find((a) => a.id === stored.id) ?? stored;
    } catch (failure) {
      error.value = t('account.saveFailed', {
        detail: failure instanceof Error ? failure.message : String(failure),
      });
      return;
    }
    // Asked once, when there is first something to be notified about.
    if ('Notification' in window && Notification.permission === 'default')
      void Notification.requestPermission();
    onSaved(saved);
    await phone.connect(saved);
  }

  return { error, submit };
}
