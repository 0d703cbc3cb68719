/**
 * Removes SIP credentials from log text before anything is written.
 *
 * Removed:
 * - the value of `Authorization:` and `Proxy-Authorization:` headers (the digest `response`, and for
 *   Basic the password itself), in raw SIP text, in JSON-escaped text (`\r\n` as two characters) and
 *   as JSON properties;
 * - any `response="…"` digest parameter, and an unquoted one that looks like a hash;
 * - `password=…`, `password: …`, `"password": "…"` (also `passwd`);
 * - every password we know (see {@link KnownSecrets}), also in its JSON-escaped and URL-encoded forms.
 *
 * `WWW-Authenticate` challenges (realm, nonce) are kept: they are not secrets and help debugging.
 *
 * Pure and shared: Electron main redacts before writing its log file, and the renderer redacts SIP
 * traffic before it leaves the SIP engine, so a secret is never printed on either side.
 */
export const REDACTED = '[REDACTED]';

/**
 * Passwords to take out of logs wherever they appear. `index.ts` adds each password that passes
 * through main (saved by the user, or handed to the renderer to register): those are the only ones
 * that can reach a log, so nothing has to be decrypted just for this.
 *
 * Passwords shorter than {@link MIN_SECRET_LENGTH} are not searched for: replacing every "1" or "ab"
 * would make logs unreadable, and such a password is no secret anyway.
 */
export class KnownSecrets {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | null = null;

  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    this.#pattern = null;
  }

  /** One pattern for all forms of all secrets, longest first so a secret inside another goes too. */
  get pattern(): RegExp | null {
    if (this.#secrets.size === 0) return null;
    if (this.#pattern === null) {
      const forms = new Set<string>();
      for (const secret of this.#secrets) {
        forms.add(secret);
        forms.add(JSON.stringify(secret).slice(1, -1));
        forms.add(encodeURIComponent(secret));
      }
      const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return this.#pattern;
  }
}

export const MIN_SECRET_LENGTH = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Up to the end of the line: a real CR/LF, or the two characters `\r` / `\n` of JSON-escaped text. */
const REST_OF_LINE = String.raw`(?:[^\r\n\\]|\\(?![rn]))*`;

/**
 * Start of a name: not in the middle of a word, or right after a JSON-escaped line break (in
 * `…\r\nAuthorization:` the name follows the letter `n`, so `\b` would not match).
 */
const NAME_START = String.raw`(?:(?<![A-Za-z0-9_])|(?<=\\[rn]))`;

/** A quoted property value (JSON or `util.inspect` style): `"…"` or `'…'` with escapes. */
const QUOTED_PROPERTY = (name: string): RegExp =>
  new RegExp(String.raw`((["'])${name}\2\s*:\s*)(["'])(?:(?!\3)[^\\]|\\.)*\3`, 'gi');

const PATTERNS: readonly [RegExp, string][] = [
  // "Authorization": "Digest …" as a property (the name is followed by a quote, not a colon).
  [QUOTED_PROPERTY('(?:proxy-)?authorization'), `$1$3${REDACTED}$3`],
  // "password": "…" as a property.
  [QUOTED_PROPERTY('pass(?:word|wd)'), `$1$3${REDACTED}$3`],
  // Authorization: Digest … up to the end of the header line.
  [
    new RegExp(String.raw`(${NAME_START}(?:proxy-)?authorization[ \t]*:[ \t]*)${REST_OF_LINE}`, 'gi'),
    `$1${REDACTED}`,
  ],
  // response="…" in a digest, quoted (also with JSON-escaped quotes) or an unquoted hash.
  [
    new RegExp(String.raw`(${NAME_START}response\s*=\s*)(?:\\?"(?:[^"\\]|\\(?!"))*\\?"|[0-9a-f]{16,})`, 'gi'),
    `$1"${REDACTED}"`,
  ],
  // password=… / password: … in text, query strings, key=value lists and inspected objects.
  [
    new RegExp(
      String.raw`(${NAME_START}pass(?:word|wd)\s*[=:]\s*)(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,;&"'}]+)`,
      'gi',
    ),
    `$1${REDACTED}`,
  ],
];

/** `text` with credentials replaced by {@link REDACTED}. */
export function redact(text: string, secrets?: KnownSecrets): string {
  let result = text;
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  const known = secrets?.pattern;
  if (known) result = result.replace(known, REDACTED);
  return result;
}
