/**
 * HMAC-SHA1 (RFC 2104) for one key, made for a tag on every packet: HMAC = H((K ^ opad) ||
 * H((K ^ ipad) || m)), so the two hashes are keyed once (their first block absorbed) and each
 * message starts from a copy of them. `createHmac` per packet instead keys it again each time, and
 * OpenSSL 3 fetches the algorithm on every init: relaying a call's traffic, that cost more CPU than
 * copying the keyed states.
 */
import { createHash, type Hash } from 'node:crypto';

/** SHA-1's block size (RFC 3174 §2), the B of RFC 2104 §2. */
const BLOCK_BYTES = 64;
const IPAD = 0x36;
const OPAD = 0x5c;

function keyedHash(key: Buffer, pad: number): Hash {
  const block = Buffer.alloc(BLOCK_BYTES);
  key.copy(block);
  for (let i = 0; i < BLOCK_BYTES; i++) block[i] = (block[i] ?? 0) ^ pad;
  return createHash('sha1').update(block);
}

export class HmacSha1 {
  private readonly inner: Hash;
  private readonly outer: Hash;

  constructor(key: Buffer) {
    // RFC 2104 §2: a key longer than the block is hashed first; a shorter one is zero-padded.
    const block = key.length > BLOCK_BYTES ? createHash('sha1').update(key).digest() : key;
    this.inner = keyedHash(block, IPAD);
    this.outer = keyedHash(block, OPAD);
  }

  /** The 20-byte MAC of `message`, followed by `trailer` when given (SRTP's ROC, RFC 3711 §4.2). */
  digest(message: Buffer, trailer?: Buffer): Buffer {
    const inner = this.inner.copy().update(message);
    if (trailer) inner.update(trailer);
    return this.outer.copy().update(inner.digest()).digest();
  }
}
