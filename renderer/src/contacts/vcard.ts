import ICAL from 'ical.js';
import type { ContactAddress, ContactDraft } from './contact';

export interface VCardProblem {
  /** 1-based line in the file where the card starts (or the stray line). */
  line: number;
  message: string;
}

export interface VCardImport {
  contacts: ContactDraft[];
  problems: VCardProblem[];
}

/**
 * Reads a `.vcf` file with any number of vCard 3.0 or 4.0 cards (RFC 2426 / RFC 6350). Each card is
 * parsed on its own by ical.js, so a malformed card is reported with its line and the rest still
 * import. Names, numbers (`TEL`) and SIP addresses (`IMPP:sip:`, `X-SIP`) are kept.
 */
export function parseVCards(text: string): VCardImport {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const contacts: ContactDraft[] = [];
  const problems: VCardProblem[] = [];
  let start = -1;
  lines.forEach((line, index) => {
    const upper = line.trim().toUpperCase();
    if (upper === 'BEGIN:VCARD') {
      if (start !== -1) problems.push({ line: start + 1, message: 'card has no END:VCARD' });
      start = index;
    } else if (upper === 'END:VCARD') {
      if (start === -1) {
        problems.push({ line: index + 1, message: 'END:VCARD without BEGIN:VCARD' });
        return;
      }
      const card = lines.slice(start, index + 1).join('\r\n');
      const parsed = parseCard(card);
      if (typeof parsed === 'string') problems.push({ line: start + 1, message: parsed });
      else contacts.push(parsed);
      start = -1;
    } else if (start === -1 && upper !== '') {
      problems.push({ line: index + 1, message: 'text outside a card' });
    }
  });
  if (start !== -1) problems.push({ line: start + 1, message: 'card has no END:VCARD' });
  return { contacts, problems };
}

function parseCard(text: string): ContactDraft | string {
  let card: ICAL.Component;
  try {
    card = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const name = textValue(card, 'fn') || nameFromN(card);
  const addresses: ContactAddress[] = [];
  for (const property of card.getAllProperties('tel')) {
    const value = String(property.getFirstValue() ?? '')
      .replace(/^tel:/i, '')
      .trim();
    if (value) addresses.push({ label: labelOf(property), value });
  }
  for (const key of ['impp', 'x-sip']) {
    for (const property of card.getAllProperties(key)) {
      const raw = String(property.getFirstValue() ?? '').trim();
      const value = key === 'x-sip' && !/^sips?:/i.test(raw) ? `sip:${raw}` : raw;
      if (/^sips?:/i.test(value)) addresses.push({ label: labelOf(property) || 'sip', value });
    }
  }
  if (!name && addresses.length === 0) return 'card has neither a name nor a number';
  return {
    name: name || addresses[0]?.value || '',
    company: textValue(card, 'org').split(';')[0] ?? '',
    notes: textValue(card, 'note'),
    favourite: false,
    addresses,
  };
}

function textValue(card: ICAL.Component, key: string): string {
  const value = card.getFirstPropertyValue(key);
  if (Array.isArray(value)) return value.filter(Boolean).join(';').trim();
  return value === null || value === undefined ? '' : String(value).trim();
}

function nameFromN(card: ICAL.Component): string {
  const n = card.getFirstPropertyValue('n');
  if (!Array.isArray(n)) return typeof n === 'string' ? n : '';
  const [family = '', given = ''] = n.map((part) =>
    Array.isArray(part) ? part.join(' ') : String(part ?? ''),
  );
  return [given, family].filter(Boolean).join(' ').trim();
}

function labelOf(property: ICAL.Property): string {
  const type = property.getParameter('type');
  const types = (Array.isArray(type) ? type : type ? [type] : []).map((t) => String(t).toLowerCase());
  return types.find((t) => !['voice', 'pref', 'internet'].includes(t)) ?? '';
}

/** Writes contacts as one vCard 4.0 (default) or 3.0 file, UTF-8, CRLF line ends and folding by ical.js. */
export function formatVCards(contacts: readonly ContactDraft[], version: '3.0' | '4.0' = '4.0'): string {
  return contacts
    .map((contact) => {
      const card = new ICAL.Component('vcard');
      card.addPropertyWithValue('version', version);
      card.addPropertyWithValue('fn', contact.name);
      if (version === '3.0') card.addPropertyWithValue('n', contact.name);
      if (contact.company) card.addPropertyWithValue('org', contact.company);
      if (contact.notes) card.addPropertyWithValue('note', contact.notes);
      for (const address of contact.addresses) {
        const isSip = /^sips?:/i.test(address.value);
        const property = card.addPropertyWithValue(isSip ? 'impp' : 'tel', address.value);
        if (address.label && address.label !== 'sip') property.setParameter('type', address.label);
      }
      return card.toString();
    })
    .join('\r\n')
    .concat('\r\n');
}
