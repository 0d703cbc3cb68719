import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Account, AccountInput, SecretStorage, StorageProblem } from '@common/contract';
import { useHost } from '../host';

/** Accounts as the host stores them (desktop: Electron main; browser: IndexedDB). */
export const useAccountsStore = defineStore('accounts', () => {
  const host = useHost();
  const accounts = ref<Account[]>([]);
  const secretStorage = ref<SecretStorage>('encrypted');
  const problems = ref<StorageProblem[]>([]);
  const loaded = ref(false);

  /** Reads started so far: only the latest one's answer is kept, as an earlier one may predate a save. */
  let reads = 0;

  async function load(): Promise<void> {
    const read = ++reads;
    const snapshot = await host.accounts.list();
    if (read !== reads) return;
    accounts.value = snapshot.accounts;
    secretStorage.value = snapshot.secretStorage;
    problems.value = snapshot.problems;
    loaded.value = true;
  }

  /**
   * Saves through the host and puts the account it returns (all of it, call handling and presence
   * options included) in the list at once: a new account starts registering from here, and the phone
   * reads those options from this list. Reading the whole list back first cost a new user 25-65 ms
   * between the submit and the REGISTER. The read-back still follows, for the host's own order; if it
   * fails, the list keeps the saved account and the next load reads again.
   */
  async function save(input: AccountInput): Promise<Account> {
    const saved = await host.accounts.save(input);
    accounts.value = accounts.value.some((account) => account.id === saved.id)
      ? accounts.value.map((account) => (account.id === saved.id ? saved : account))
      : [...accounts.value, saved];
    void load().catch(() => undefined);
    return saved;
  }

  async function remove(id: string): Promise<void> {
    await host.accounts.remove(id);
    await load();
  }

  function password(id: string): Promise<string | null> {
    return host.accounts.password(id);
  }

  function turnCredentials(id: string): Promise<(string | null)[]> {
    return host.accounts.turnCredentials(id);
  }

  return { accounts, secretStorage, problems, loaded, load, save, remove, password, turnCredentials };
});
