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

  async function load(): Promise<void> {
    const snapshot = await host.accounts.list();
    accounts.value = snapshot.accounts;
    secretStorage.value = snapshot.secretStorage;
    problems.value = snapshot.problems;
    loaded.value = true;
  }

  async function save(input: AccountInput): Promise<Account> {
    const saved = await host.accounts.save(input);
    await load();
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
