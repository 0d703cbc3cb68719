/**
 * Minimal bencode (the BitTorrent encoding) for rtpengine's "ng" control protocol, which sends
 * `<cookie> <bencoded dictionary>` over UDP. Strings are treated as UTF-8 text: the lab only reads
 * call ids, tags and counters, never binary payloads.
 */

/** A bencoded value: byte string, integer, list or dictionary. */
export type BencodeValue = string | number | BencodeValue[] | { [key: string]: BencodeValue };

/** Encodes `value`; dictionary keys are sorted as the format requires. */
export function bencode(value: BencodeValue): string {
  if (typeof value === 'number') return `i${Math.trunc(value)}e`;
  if (typeof value === 'string') return `${Buffer.byteLength(value)}:${value}`;
  if (Array.isArray(value)) return `l${value.map(bencode).join('')}e`;
  const keys = Object.keys(value).sort();
  return `d${keys.map((key) => bencode(key) + bencode(value[key] ?? '')).join('')}e`;
}

/** Decodes one bencoded value from `input`; throws on malformed or trailing data. */
export function bdecode(input: Buffer): BencodeValue {
  let offset = 0;

  const fail = (what: string): never => {
    throw new Error(`bencode: ${what} at offset ${offset}`);
  };

  const readUntil = (terminator: string): string => {
    const end = input.indexOf(terminator, offset, 'latin1');
    if (end < 0) fail(`missing "${terminator}"`);
    const text = input.toString('latin1', offset, end);
    offset = end + 1;
    return text;
  };

  const readValue = (): BencodeValue => {
    const marker = String.fromCharCode(input[offset] ?? 0);
    if (marker === 'i') {
      offset += 1;
      const number = Number(readUntil('e'));
      return Number.isFinite(number) ? number : fail('bad integer');
    }
    if (marker === 'l') {
      offset += 1;
      const list: BencodeValue[] = [];
      while (input[offset] !== 'e'.charCodeAt(0)) {
        if (offset >= input.length) fail('unterminated list');
        list.push(readValue());
      }
      offset += 1;
      return list;
    }
    if (marker === 'd') {
      offset += 1;
      const dictionary: { [key: string]: BencodeValue } = {};
      while (input[offset] !== 'e'.charCodeAt(0)) {
        if (offset >= input.length) fail('unterminated dictionary');
        const key = readValue();
        if (typeof key !== 'string') fail('dictionary key is not a string');
        dictionary[String(key)] = readValue();
      }
      offset += 1;
      return dictionary;
    }
    if (marker >= '0' && marker <= '9') {
      const length = Number(readUntil(':'));
      if (!Number.isInteger(length) || offset + length > input.length) fail('bad string length');
      const text = input.toString('utf8', offset, offset + length);
      offset += length;
      return text;
    }
    return fail(`unexpected "${marker}"`);
  };

  const value = readValue();
  if (offset !== input.length) fail('trailing data');
  return value;
}
