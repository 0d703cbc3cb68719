/** The longest text field the contract accepts (names, URIs, numbers). */
export const MAX_TEXT = 256;

/** A SIP or SIPS URI with a user part, e.g. `sip:1001@pbx.example.com`. */
export const SIP_URI = /^sips?:[^\s@:;?]+@[^\s@;?]+$/i;

/**
 * The contract's `sipUriSchema` as a plain test, for the account assistant: it reads what is typed on
 * the first screen, which does not load zod.
 */
export function isSipUri(text: string): boolean {
  const value = text.trim();
  return value.length <= MAX_TEXT && SIP_URI.test(value);
}
