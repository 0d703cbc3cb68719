import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { isSupportedCountry } from 'libphonenumber-js';
import { CallerIdIndex, ContactBook, searchContacts } from '../contacts/contact-book';
import type { Contact, ContactDraft } from '../contacts/contact';
import { formatVCards, parseVCards, type VCardProblem } from '../contacts/vcard';
import { useAccountsStore } from './accounts';

/** The address book: contacts, favourites, dial-by-name search and caller ID. */
export const useContactsStore = defineStore('contacts', () => {
  const book = new ContactBook();
  const accounts = useAccountsStore();
  const contacts = ref<Contact[]>([]);
  const lastImport = ref<{ imported: number; problems: VCardProblem[] } | undefined>();

  const favourites = computed(() => contacts.value.filter((c) => c.favourite));
  const callerId = computed(() => {
    const country = accounts.accounts.find((a) => a.defaultCountry)?.defaultCountry;
    return new CallerIdIndex(contacts.value, country && isSupportedCountry(country) ? country : undefined);
  });

  async function load(): Promise<void> {
    contacts.value = await book.all();
  }

  async function save(contact: Contact | ContactDraft): Promise<void> {
    if ('id' in contact) await book.update(contact);
    else await book.add(contact);
    await load();
  }

  async function remove(id: string): Promise<void> {
    await book.remove(id);
    await load();
  }

  async function importVCards(text: string): Promise<void> {
    const { contacts: drafts, problems } = parseVCards(text);
    const imported = drafts.length > 0 ? await book.addMany(drafts) : 0;
    lastImport.value = { imported, problems };
    await load();
  }

  function exportVCards(): string {
    return formatVCards(contacts.value);
  }

  /** The contact's name for a caller or history entry, when the number matches one. */
  function nameFor(numberOrUri: string): string | undefined {
    return callerId.value.lookup(numberOrUri)?.name;
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
    search: (query: string) => searchContacts(contacts.value, query),
  };
});
