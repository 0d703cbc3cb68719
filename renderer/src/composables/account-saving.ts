import type { Account, AccountInput } from '@common/contract';
import { useHost } from '../host';
import { useAccountsStore } from '../stores/accounts';
import { usePhoneStore } from '../stores/phone';

/**
 * Saves an account and starts registering it, as every way of adding or editing one does (the
 * account page, the assistant, an imported provisioning file). Rejects when saving failed; how the
 * registration goes shows in the account's status.
 */
export function useAccountSaving() {
  const host = useHost();
  const accounts = useAccountsStore();
  const phone = usePhoneStore();

  async function saveAndRegister(input: AccountInput): Promise<Account> {
    const saved = await accounts.save(input);
    // Incoming calls and texts are announced with notifications: ask while the user is here.
    if ('Notification' in window && Notification.permission === 'default')
      void Notification.requestPermission();
    void phone.connect(saved).catch((error: unknown) =>
      host.log.write({
        level: 'error',
        scope: 'sip',
        message: `account ${saved.id} not started: ${String(error)}`,
      }),
    );
    return saved;
  }

  return { saveAndRegister };
}
