import { createPinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { AccountsSnapshot } from '@common/contract';
import { DEFAULT_CALL_HANDLING } from '@common/contract-defaults';
import { HOST_KEY, type Host } from '../../../renderer/src/host/host';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { WebStorage } from '../../../renderer/src/host/web-storage';
import { useAccountsStore } from '../../../renderer/src/stores/accounts';

const opened: WebStorage[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.delete()));
});

const input = {
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  password: 'alice-secret',
  wssUrl: 'wss://pbx.example.com:8089/ws',
  callHandling: { ...DEFAULT_CALL_HANDLING, dtmfMode: 'info' as const },
};

/**
 * The accounts store over a real web host (real IndexedDB) whose list reads are each read at once but
 * answered only when the test says: `answer(n)` hands the n-th read its result.
 */
function accountsStore() {
  const storage = new WebStorage(`ringline-test-${crypto.randomUUID()}`);
  opened.push(storage);
  const real = createWebHost(storage);
  const reads: (() => void)[] = [];
  const host: Host = {
    ...real,
    accounts: {
      ...real.accounts,
      list: () => {
        const result = real.accounts.list();
        return new Promise<AccountsSnapshot>((resolve) => {
          reads.push(() => resolve(result));
        });
      },
    },
  };
  const app = createApp({ render: () => null });
  app.provide(HOST_KEY, host);
  app.use(createPinia());
  const store = app.runWithContext(() => useAccountsStore());
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  return { store, reads, settle, answer: (n: number) => reads[n]?.() };
}

describe('accounts store (real web host, real IndexedDB)', () => {
  it('has a saved account, call handling included, as soon as the save is done, before the list is read back', async () => {
    const { store, reads, answer, settle } = accountsStore();
    const saved = await store.save(input);
    // The phone connects the account now and reads its call handling from this list.
    expect(store.accounts).toEqual([saved]);
    expect(store.accounts[0]?.callHandling?.dtmfMode).toBe('info');
    expect(reads).toHaveLength(1);
    answer(0);
    await settle();
    expect(store.accounts).toEqual([saved]);
    expect(store.loaded).toBe(true);
  });

  it('keeps an edit in place and does not let a read made before a save take it back', async () => {
    const { store, answer, settle } = accountsStore();
    const first = await store.save(input);
    answer(0);
    await settle();
    // Read 1 sees the account before the edit; it answers after the edit is saved.
    void store.load();
    const edited = await store.save({ ...input, id: first.id, displayName: 'Alice at work' });
    expect(store.accounts).toEqual([edited]);
    answer(1);
    await settle();
    expect(store.accounts.map((account) => account.displayName)).toEqual(['Alice at work']);
    answer(2);
    await settle();
    expect(store.accounts).toEqual([edited]);
  });
});
