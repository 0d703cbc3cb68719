/**
 * The size rules of a text message, apart from the SIP code that sends it (`text-messages.ts`): the
 * compose box checks them without loading SIP.js.
 */

/**
 * Longest text we send, in UTF-8 bytes. RFC 3428 §7: a MESSAGE outside a media session must not
 * exceed 1300 bytes unless the path is known to handle more (the proxy may relay it over UDP).
 */
export const MAX_OUTGOING_MESSAGE_BYTES = 1300;

/** Size of `text` in UTF-8 bytes, as it goes on the wire. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
