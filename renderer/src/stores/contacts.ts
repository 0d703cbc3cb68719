import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ContactBook } from '../contacts/contact-book';
import type { Contact, ContactDraft } from '../contacts/contact';
import type { VCardProblem } from '../contacts/vcard';
import type { CallHistoryEntry } from '../history/call-history';
import type * as ContactsEngineModule from '../contacts/contacts-engine';
import { useAccountsStore } from './accounts';

type ContactsEngine = typeof ContactsEngineModule;

/** The address book: contacts, favourites, dial-by-name search and caller ID. */
export const useContactsStore = defineStore('contacts', () => {
  const accounts = useAccountsStore();
  /** Loaded by {@link load}: until then there are no contacts to match or search. */
  const engine = shallowRef<ContactsEngine | undefined>();
  let book: ContactBook | undefined;

  async function openBook(): Promise<ContactBook> {
    engine.value ??= await import('../contacts/contacts-engine');
    book ??= new engine.value.ContactBook();
    return book;
  }
  const contacts = ref<Contact[]>([]);
  const lastImport = ref<{ imported: number; problems: VCardProblem[] } | undefined>();

  const favourites = computed(() => contacts.value.filter((c) => c.favourite));
  const callerId = computed(() => {
    const country = accounts.accounts.find((a) => a.defaultCountry)?.defaultCountry;
    const loaded = engine.value;
    return loaded
      ? new loaded.CallerIdIndex(
          contacts.value,
          country && loaded.isSupportedCountry(country) ? country : undefined,
        )
      : undefined;
  });

  async function load(): Promise<void> {
    contacts.value = await (await openBook()).all();
  }

  async function save(contact: Contact | ContactDraft): Promise<void> {
    const opened = await openBook();
    if ('id' in contact) await opened.update(contact);
    else await opened.add(contact);
    await load();
  }

  async function remove(id: string): Promise<void> {
    await (await openBook()).remove(id);
    await load();
  }

  async function importVCards(text: string): Promise<void> {
    const { parseVCards } = await import('../contacts/vcard');
    const { contacts: drafts, problems } = parseVCards(text);
    const imported = drafts.length > 0 ? await (await openBook()).addMany(drafts) : 0;
    lastImport.value = { imported, problems };
    await load();
  }

  async function exportVCards(): Promise<string> {
    const { formatVCards } = await import('../contacts/vcard');
    return formatVCards(contacts.value);
  }

  /** The contact's name for a caller or history entry, when the number matches one. */
  function nameFor(numberOrUri: string): string | undefined {
    return callerId.value?.lookup(numberOrUri)?.name;
  }

  /** Who a past call was with, as the lists show it: the address book's name wins over caller ID. */
  function displayNameOf(
    entry: Pick<CallHistoryEntry, 'remoteUri' | 'remoteDisplayName' | 'remoteNumber'>,
  ): string {
    return nameFor(entry.remoteUri) ?? (entry.remoteDisplayName || entry.remoteNumber);
  }

  return {
    contacts,
    favourites,
    lastImport,
    load,
    save,
    remove,
    importVCards,
    exportVCards,
    nameFor,
    displayNameOf,
    search: (query: string) => engine.value?.searchContacts(contacts.value, query) ?? [],
  };
});
