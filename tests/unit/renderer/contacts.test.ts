import { afterEach, describe, expect, it } from 'vitest';
import { CallerIdIndex, ContactBook, searchContacts } from '../../../renderer/src/contacts/contact-book';
import { matchKey, type Contact } from '../../../renderer/src/contacts/contact';
import { formatVCards, parseVCards } from '../../../renderer/src/contacts/vcard';

const CRLF = '\r\n';
const card = (...lines: string[]) => ['BEGIN:VCARD', ...lines, 'END:VCARD'].join(CRLF);

describe('vCard import', () => {
  it('reads vCard 4.0 and 3.0 cards with UTF-8 names, numbers and SIP addresses', () => {
    const text = [
      card(
        'VERSION:4.0',
        'FN:张伟',
        'N:张;伟;;;',
        'ORG:Acme;Sales',
        'TEL;TYPE=work,voice;VALUE=uri:tel:+86-138-0013-8000',
        'IMPP:sip:zhang@example.com',
      ),
      card('VERSION:3.0', 'N:Smith;Alice;;;', 'TEL;TYPE=CELL:+1 (201) 555-0123', 'NOTE:Line one\\nline two'),
    ].join(CRLF);
    const { contacts, problems } = parseVCards(text);
    expect(problems).toEqual([]);
    expect(contacts).toEqual([
      {
        name: '张伟',
        company: 'Acme',
        notes: '',
        favourite: false,
        addresses: [
          { label: 'work', value: '+86-138-0013-8000' },
          { label: 'sip', value: 'sip:zhang@example.com' },
        ],
      },
      {
        name: 'Alice Smith',
        company: '',
        notes: 'Line one\nline two',
        favourite: false,
        addresses: [{ label: 'cell', value: '+1 (201) 555-0123' }],
      },
    ]);
  });

  it('unfolds long lines (RFC 6350 §3.2)', () => {
    const { contacts } = parseVCards(card('VERSION:4.0', 'FN:Very Long', ' Name Folded', 'TEL:1002'));
    expect(contacts[0]?.name).toBe('Very LongName Folded');
  });

  it('reports malformed cards by line and imports the good ones', () => {
    const text = [
      card('VERSION:4.0', 'FN:Good One', 'TEL:1001'),
      card('VERSION:4.0', 'FN'),
      'garbage line',
      card('VERSION:4.0', 'NOTE:nothing to call'),
      card('VERSION:4.0', 'FN:Also Good', 'TEL:1002'),
      'BEGIN:VCARD',
      'FN:Never ended',
    ].join(CRLF);
    const { contacts, problems } = parseVCards(text);
    expect(contacts.map((c) => c.name)).toEqual(['Good One', 'Also Good']);
    expect(problems.map((p) => p.line)).toEqual([6, 10, 11, 20]);
    expect(problems[0]?.message).toMatch(/invalid line/);
  });

  it('round-trips through export in both versions', () => {
    const drafts = parseVCards(
      card(
        'VERSION:4.0',
        'FN:张伟',
        'ORG:Acme',
        'TEL;TYPE=work:+8613800138000',
        'IMPP:sip:zhang@example.com',
      ),
    ).contacts;
    for (const version of ['3.0', '4.0'] as const) {
      const again = parseVCards(formatVCards(drafts, version));
      expect(again.problems).toEqual([]);
      expect(again.contacts).toEqual(drafts);
    }
  });
});

describe('matching numbers and names', () => {
  it('treats the same number in different forms as one caller', () => {
    const keys = [
      '(201) 555-0123',
      '+1 201-555-0123',
      'tel:+12015550123',
      'sip:+12015550123@pbx.example.com',
    ].map((value) => matchKey(value, 'US'));
    expect(new Set(keys)).toEqual(new Set(['+12015550123']));
    expect(matchKey('1002')).toBe('1002');
    expect(matchKey('SIP:Alice@Example.com;transport=ws')).toBe('alice@example.com');
  });

  const people: Contact[] = [
    {
      id: '1',
      name: 'Zoë Adams',
      company: 'Acme',
      notes: '',
      favourite: true,
      addresses: [{ label: 'work', value: '+1 201 555 0123' }],
    },
    {
      id: '2',
      name: '张伟',
      company: '',
      notes: '',
      favourite: false,
      addresses: [{ label: 'cell', value: '138 0013 8000' }],
    },
  ];

  it('finds contacts as you type: names without accents, companies, digits', () => {
    expect(searchContacts(people, 'zoe').map((c) => c.id)).toEqual(['1']);
    expect(searchContacts(people, 'acm').map((c) => c.id)).toEqual(['1']);
    expect(searchContacts(people, '张').map((c) => c.id)).toEqual(['2']);
    expect(searchContacts(people, '0013').map((c) => c.id)).toEqual(['2']);
    expect(searchContacts(people, '')).toEqual([]);
  });

  it('looks up caller ID after normalisation with the account country', () => {
    const index = new CallerIdIndex(people, 'CN');
    expect(index.lookup('sip:+8613800138000@127.0.0.1')?.name).toBe('张伟');
    expect(index.lookup('+1 (201) 555-0123')?.name).toBe('Zoë Adams');
    expect(index.lookup('1010')).toBeUndefined();
  });
});

describe('contact book (real IndexedDB)', () => {
  const books: ContactBook[] = [];
  afterEach(async () => {
    await Promise.all(books.splice(0).map((book) => book.delete()));
  });

  it('stores, updates and removes contacts, sorted by name', async () => {
    const book = new ContactBook(`ringline-contacts-test-${crypto.randomUUID()}`);
    books.push(book);
    const bob = await book.add({ name: 'Bob', company: '', notes: '', favourite: false, addresses: [] });
    await book.addMany([{ name: 'Alice', company: '', notes: '', favourite: false, addresses: [] }]);
    expect((await book.all()).map((c) => c.name)).toEqual(['Alice', 'Bob']);
    await book.update({ ...bob, favourite: true, speedDial: 2 });
    expect((await book.all()).find((c) => c.id === bob.id)).toMatchObject({ favourite: true, speedDial: 2 });
    await book.remove(bob.id);
    expect((await book.all()).map((c) => c.name)).toEqual(['Alice']);
  });
});
