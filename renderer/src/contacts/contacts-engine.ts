/**
 * The address book's code as one chunk: IndexedDB storage, caller-ID matching and number parsing
 * (libphonenumber's metadata is most of it). The first screen does not wait for it.
 */
export { CallerIdIndex, ContactBook, searchContacts } from './contact-book';
export { isSupportedCountry } from 'libphonenumber-js';
