import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** A phone number or SIP address of a contact, with the label people know it by ("work", "cell"). */
export interface ContactAddress {
  label: string;
  /** As entered or imported: `+1 201 555 0123`, `1002`, `sip:alice@example.com`. */
  value: string;
}

export interface Contact {
  id: string;
  name: string;
  company: string;
  notes: string;
  favourite: boolean;
  /** A single digit 0-9 that dials this contact's first address from the dial pad. */
  speedDial?: number;
  addresses: ContactAddress[];
}

export type ContactDraft = Omit<Contact, 'id'>;

/**
 * The form numbers are compared in, so `(201) 555-0123`, `+1 201-555-0123` and `tel:+12015550123` are
 * one caller: E.164 when libphonenumber can read the number (with the account's country for national
 * numbers), otherwise the bare digits. SIP URIs compare by user@host, lower-cased.
 */
export function matchKey(value: string, defaultCountry?: CountryCode): string {
  const trimmed = value.trim().replace(/^tel:/i, '');
  const sip = /^sips?:([^@;?]+)@([^;?]+)/i.exec(trimmed);
  if (sip) {
    const user = decodeURIComponent(sip[1] ?? '');
    // A SIP URI whose user part is a phone number is that number (sip:+12015550123@pbx).
    return /^\+?[\d\-. ()]+$/.test(user) ? matchKey(user, defaultCountry) : `${user}@${sip[2]}`.toLowerCase();
  }
  const digits = trimmed.replace(/[^\d+*#]/g, '');
  if (digits.length > 6) {
    const parsed = parsePhoneNumberFromString(digits, defaultCountry);
    if (parsed?.isValid()) return parsed.number;
  }
  return digits;
}

/** Case- and accent-insensitive text for dial-by-name ("Zoë" matches "zoe"). */
export function searchText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
