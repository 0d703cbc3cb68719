import Dexie, { type Table } from 'dexie';
import type { CountryCode } from 'libphonenumber-js';
import { matchKey, searchText, type Contact, type ContactDraft } from './contact';

/** The local address book in IndexedDB. Search and caller ID run over an in-memory copy. */
export class ContactBook extends Dexie {
  contacts!: Table<Contact, string>;

  constructor(name = 'ringline-contacts') {
    super(name);
    this.version(1).stores({ contacts: '&id, name, favourite' });
  }

  all(): Promise<Contact[]> {
    return this.contacts.orderBy('name').toArray();
  }

  async add(draft: ContactDraft): Promise<Contact> {
    const contact = { ...draft, id: crypto.randomUUID() };
    await this.contacts.add(contact);
    return contact;
  }

  async addMany(drafts: readonly ContactDraft[]): Promise<number> {
    await this.contacts.bulkAdd(drafts.map((draft) => ({ ...draft, id: crypto.randomUUID() })));
    return drafts.length;
  }

  async update(contact: Contact): Promise<void> {
    await this.contacts.put(contact);
  }

  async remove(id: string): Promise<void> {
    await this.contacts.delete(id);
  }
}

/** Contacts whose name, company or any number/address contains the query (dial-by-name). */
export function searchContacts(contacts: readonly Contact[], query: string, limit = 8): Contact[] {
  const text = searchText(query.trim());
  if (text === '') return [];
  const digits = query.replace(/[^\d]/g, '');
  return contacts
    .filter(
      (contact) =>
        searchText(contact.name).includes(text) ||
        searchText(contact.company).includes(text) ||
        contact.addresses.some(
          (address) =>
            searchText(address.value).includes(text) ||
            (digits.length >= 3 && address.value.replace(/[^\d]/g, '').includes(digits)),
        ),
    )
    .slice(0, limit);
}

/** Lookups a {@link CallerIdIndex} remembers. */
const MAX_ANSWERS = 1_000;

/**
 * Caller ID: maps every contact number (normalised with {@link matchKey}) to the contact, so an
 * incoming `sip:+12015550123@pbx` or `2015550123` finds "Alice".
 */
export class CallerIdIndex {
  private readonly byKey = new Map<string, Contact>();
  /**
   * Answers already given: a list of calls asks for the same callers again at every render, and
   * reading a number (libphonenumber) is the slow part. Bounded, as a long list has many callers.
   */
  private readonly answers = new Map<string, Contact | undefined>();

  constructor(
    contacts: readonly Contact[],
    private readonly defaultCountry?: CountryCode,
  ) {
    for (const contact of contacts) {
      for (const address of contact.addresses) {
        const key = matchKey(address.value, defaultCountry);
        if (key !== '' && !this.byKey.has(key)) this.byKey.set(key, contact);
      }
    }
  }

  lookup(numberOrUri: string): Contact | undefined {
    if (this.byKey.size === 0) return undefined;
    if (this.answers.has(numberOrUri)) return this.answers.get(numberOrUri);
    if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
    const contact = this.byKey.get(matchKey(numberOrUri, this.defaultCountry));
    this.answers.set(numberOrUri, contact);
    return contact;
  }
}
