import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { searchText } from '../contacts/contact';

/**
 * How call history is searched without reading it: every entry carries index keys (`search`, a Dexie
 * multi-entry index) that each name one term followed by the call's start time, so the entries holding
 * a term come out of IndexedDB newest first, a page at a time.
 *
 * Terms, for each word of the caller's name and for the caller's number (digits only):
 * - its first one and two characters (typing "al", "20" finds names and numbers starting so);
 * - every run of three characters (typing "lic" or "555" finds them anywhere in a word or number);
 * - in every run of digits, also every run of four and of seven digits ({@link DIGIT_RUNS});
 * - in Chinese (Han) text, every run of one, two and three characters: names have no spaces, so
 *   "王", "小明" and "王小明" all find 王小明.
 * Filters are terms too (missed, incoming/outgoing, account), so one index serves every list.
 *
 * A query picks its rarest term to walk newest first and checks each entry it meets against the whole
 * query ({@link HistoryQuery.matches}), so the index only has to be a superset of the answers.
 */

/** Keys sort as term, then this separator, then the start time: below every character a term uses. */
const SEPARATOR = ' ';
/** Start times as 9 base-36 digits: fixed width sorts as numbers do, up to the year 5138. */
const TIME_DIGITS = 9;

const HAN = /\p{Script=Han}/u;
const HAN_RUNS = /\p{Script=Han}+|[^\p{Script=Han}]+/gu;
const WORD_SEPARATORS = /[^\p{L}\p{N}]+/u;
/**
 * Lengths of the digit runs indexed besides runs of three. Numbers share their runs of three (one area
 * code and exchange can be most of a history: in the bench's 100,000 calls to 201-555-0000 onwards,
 * "201" is in every entry and "555" in one in ten), and a query made of those alone had to intersect
 * tens of thousands of ids. A number typed whole or in part is looked up by its rarest run of seven
 * digits (seven or more typed: "555 0123", a whole number) or of four (four to six typed: "0123", the
 * usual "last four"), which few entries share. Measured at 100,000 calls (`npm run bench`, history):
 * "+1 (201) 555-0123" went from 331 ms to 20 ms; the index grew from 20 to 31 keys an entry (a
 * ten-digit number has 7 runs of four and 4 of seven). Runs of every length would be 38 keys for the
 * number alone.
 */
const DIGIT_RUNS = [4, 7] as const;
const DIGITS = /\d+/g;
/** What a phone number is typed with, besides its digits (RFC 3966 visual separators and `+`). */
const PHONE_INPUT = /^[\d\s+\-.()/\u00a0]+$/;

/** The facet terms: they start with a control character, which no word term can contain. */
export const FACET = {
  missed: '\u0001missed',
  incoming: '\u0001incoming',
  outgoing: '\u0001outgoing',
  account: (accountId: string) => `\u0002${accountId}`,
} as const;

/** True for a filter's term (missed, direction, account), false for a word's. */
export function isFacet(term: string): boolean {
  return term < SEPARATOR;
}

/** What the search index needs of an entry (a subset of `CallHistoryEntry`). */
export interface SearchableCall {
  accountId: string;
  direction: 'incoming' | 'outgoing';
  outcome: string;
  remoteDisplayName: string;
  remoteNumber: string;
  startedAt: number;
}

/** The index key of `term` for a call started at `startedAt`. */
export function termKey(term: string, startedAt: number): string {
  return `${term}${SEPARATOR}${Math.max(0, Math.floor(startedAt)).toString(36).padStart(TIME_DIGITS, '0')}`;
}

/** The key range holding every entry with `term`: [lower, upper). */
export function termRange(term: string): [string, string] {
  return [`${term}${SEPARATOR}`, `${term}${String.fromCharCode(SEPARATOR.charCodeAt(0) + 1)}`];
}

/** A name, number or query split into words: lower case, accents off, Han runs apart from the rest. */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const chunk of searchText(text).split(WORD_SEPARATORS)) {
    for (const run of chunk.match(HAN_RUNS) ?? []) if (run !== '') words.push(run);
  }
  return words;
}

/** The digits of a number-like value (`+1 (201) 555-0123` -> `12015550123`), or undefined. */
function digitsOf(value: string): string | undefined {
  const trimmed = value.trim();
  if (!PHONE_INPUT.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  return digits === '' ? undefined : digits;
}

function termsOfWord(word: string, into: Set<string>): void {
  const chars = [...word];
  const han = HAN.test(word);
  if (han) {
    for (let start = 0; start < chars.length; start++)
      for (let length = 1; length <= 3 && start + length <= chars.length; length++)
        into.add(chars.slice(start, start + length).join(''));
    return;
  }
  into.add(chars.slice(0, 1).join(''));
  if (chars.length >= 2) into.add(chars.slice(0, 2).join(''));
  for (let start = 0; start + 3 <= chars.length; start++) into.add(chars.slice(start, start + 3).join(''));
  // Every digit run, wherever it is in the word: a number typed anywhere is found by these.
  for (const [digits] of word.matchAll(DIGITS))
    for (const length of DIGIT_RUNS)
      for (let start = 0; start + length <= digits.length; start++)
        into.add(digits.slice(start, start + length));
}

/** The words an entry is found by: its name's words, and its number (digits only when it is one). */
function entryWords(entry: Pick<SearchableCall, 'remoteDisplayName' | 'remoteNumber'>): string[] {
  const words = wordsOf(entry.remoteDisplayName);
  const digits = digitsOf(entry.remoteNumber);
  if (digits !== undefined) words.push(digits);
  else words.push(...wordsOf(entry.remoteNumber));
  return words;
}

/** Every index key of an entry: its terms and facets, each with the entry's start time. */
export function searchKeys(entry: SearchableCall): string[] {
  const terms = new Set<string>();
  for (const word of entryWords(entry)) termsOfWord(word, terms);
  if (entry.outcome === 'missed') terms.add(FACET.missed);
  terms.add(entry.direction === 'incoming' ? FACET.incoming : FACET.outgoing);
  terms.add(FACET.account(entry.accountId));
  return [...terms].map((term) => termKey(term, entry.startedAt));
}

/** One query word: how it matches an entry's word, and index terms that every such entry has. */
interface QueryWord {
  text: string;
  /** Short Latin words and numbers match the start of a word; longer ones and Han text, anywhere. */
  anywhere: boolean;
  terms: string[];
}

/**
 * A typed number: its runs of the longest indexed length it has (every one: the planner probes each
 * and walks the rarest), or, when shorter than four digits, as any other word.
 */
function numberQueryWord(digits: string): QueryWord {
  const length = [...DIGIT_RUNS].reverse().find((run) => digits.length >= run);
  if (length === undefined) return queryWord(digits);
  const terms = new Set<string>();
  for (let start = 0; start + length <= digits.length; start++)
    terms.add(digits.slice(start, start + length));
  return { text: digits, anywhere: true, terms: [...terms] };
}

function queryWord(text: string): QueryWord {
  const chars = [...text];
  if (HAN.test(text) && chars.length <= 3) return { text, anywhere: true, terms: [text] };
  if (chars.length <= 2) return { text, anywhere: false, terms: [text] };
  // Any of its runs of three would do; its first, middle and last give the rarest a fair chance.
  const runs = chars.length - 2;
  const starts = new Set([0, Math.floor((runs - 1) / 2), runs - 1]);
  return { text, anywhere: true, terms: [...starts].map((start) => chars.slice(start, start + 3).join('')) };
}

/**
 * What the user typed, read as a phone number when it looks like one: the digits to find in a caller's
 * number. A whole number typed in international form (`+1 (201) 555-0123`, `0044 20 7946 0000`) or in
 * national form with its trunk prefix (`020 7946 0000`) becomes its national significant number, which
 * is part of the number however the caller's phone sent it (`+12015550123`, `2015550123`).
 */
function numberNeedle(text: string): string | undefined {
  const digits = digitsOf(text);
  if (digits === undefined) return undefined;
  const whole = digits.length >= 8;
  const international = text.trim().startsWith('+')
    ? digits
    : whole && digits.startsWith('00')
      ? digits.slice(2)
      : undefined;
  if (international !== undefined)
    return parsePhoneNumberFromString(`+${international}`)?.nationalNumber ?? digits;
  return whole && digits.startsWith('0') ? digits.slice(1) : digits;
}

export interface HistoryQueryInput {
  text?: string;
  kind?: 'missed' | 'incoming' | 'outgoing';
  accountId?: string;
}

/** A filter and search over history, as index terms to walk and a check for each entry met. */
export interface HistoryQuery {
  /**
   * Index terms that every matching entry has: walking any one of them (the rarest is quickest) and
   * checking each entry with {@link HistoryQuery.matches} finds all matches, newest first.
   */
  terms: string[];
  /** True when nothing narrows the list (all entries, newest first). */
  everything: boolean;
  matches(entry: SearchableCall): boolean;
}

/** Reads the user's filter and search text into index terms and a full check. */
export function historyQuery(input: HistoryQueryInput): HistoryQuery {
  const text = input.text?.trim() ?? '';
  const number = text === '' ? undefined : numberNeedle(text);
  const words = number !== undefined ? [numberQueryWord(number)] : wordsOf(text).map(queryWord);
  const facets: string[] = [];
  if (input.kind) facets.push(FACET[input.kind]);
  if (input.accountId !== undefined) facets.push(FACET.account(input.accountId));
  const terms = [...facets, ...words.flatMap((word) => word.terms)];
  return {
    terms,
    everything: terms.length === 0,
    matches(entry) {
      if (input.kind === 'missed' && entry.outcome !== 'missed') return false;
      if ((input.kind === 'incoming' || input.kind === 'outgoing') && entry.direction !== input.kind)
        return false;
      if (input.accountId !== undefined && entry.accountId !== input.accountId) return false;
      if (words.length === 0) return true;
      const own = entryWords(entry);
      return words.every((word) =>
        own.some((candidate) =>
          word.anywhere ? candidate.includes(word.text) : candidate.startsWith(word.text),
        ),
      );
    },
  };
}
