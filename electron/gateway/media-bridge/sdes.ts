/**
 * SDES key exchange for the plain leg's SRTP (RFC 4568): `a=crypto:<tag> <suite> inline:<key||salt>`.
 *
 * The keys travel in the SDP, so they are only as secret as the signalling: the bridge offers SRTP
 * when the account's SIP runs over TLS, and accepts it whenever the far end offers it.
 * AES_CM_128_HMAC_SHA1_80 is the suite every SDES phone speaks (RFC 4568 §6.2.1), and the one the
 * SRTP implementation in use (werift's) supports; lines with an MKI, a lifetime below 2^31 packets
 * or session parameters that change the packet format are skipped, as §6.1 allows.
 */
import { randomBytes } from 'node:crypto';
import { ProtectionProfileAes128CmHmacSha1_80 } from 'werift';

export const SDES_SUITE = 'AES_CM_128_HMAC_SHA1_80';
const KEY_BYTES = 16;
const SALT_BYTES = 14;

/** A master key and salt for one direction of an SRTP stream. */
export interface SrtpKey {
  key: Buffer;
  salt: Buffer;
}

/** A chosen `a=crypto` line: its tag (the answer repeats it) and the far end's key. */
export interface SdesChoice {
  tag: number;
  suite: typeof SDES_SUITE;
  remoteKey: SrtpKey;
}

/** werift's SRTP profile number for a suite the bridge uses. */
export const SRTP_PROFILE = ProtectionProfileAes128CmHmacSha1_80;

export function newSrtpKey(): SrtpKey {
  const material = randomBytes(KEY_BYTES + SALT_BYTES);
  return { key: material.subarray(0, KEY_BYTES), salt: material.subarray(KEY_BYTES) };
}

/** The value of an `a=crypto` attribute carrying our key, e.g. `1 AES_CM_128_HMAC_SHA1_80 inline:…`. */
export function cryptoAttribute(tag: number, key: SrtpKey): string {
  return `${tag} ${SDES_SUITE} inline:${Buffer.concat([key.key, key.salt]).toString('base64')}`;
}

/**
 * Reads one `inline:` key parameter: base64 key||salt, then optional `|lifetime` and `|MKI:length`.
 * Undefined when it is not usable here.
 */
export function readInlineKey(keyParams: string): SrtpKey | undefined {
  // Several key parameters are separated by ';' (RFC 4568 §9.2); one without an MKI is what we need.
  const first = keyParams.split(';')[0]?.trim() ?? '';
  const match = /^inline:([A-Za-z0-9+/=]+)(?:\|([^|]+))?(?:\|([^|]+))?$/.exec(first);
  if (!match?.[1]) return undefined;
  const material = Buffer.from(match[1], 'base64');
  if (material.length !== KEY_BYTES + SALT_BYTES) return undefined;
  for (const extra of [match[2], match[3]]) {
    if (extra === undefined) continue;
    // An MKI would add bytes to every packet that the SRTP implementation does not expect.
    if (extra.includes(':')) return undefined;
    const lifetime = extra.startsWith('2^') ? 2 ** Number(extra.slice(2)) : Number(extra);
    if (!Number.isFinite(lifetime) || lifetime < 2 ** 31) return undefined;
  }
  return { key: material.subarray(0, KEY_BYTES), salt: material.subarray(KEY_BYTES) };
}

/**
 * The first offered `a=crypto` line the bridge can use (the offerer lists them in order of
 * preference), or undefined when there is none.
 */
export function chooseCrypto(
  offered: readonly { tag: number; suite: string; keyParams: string; sessionParams?: string }[],
): SdesChoice | undefined {
  for (const line of offered) {
    if (line.suite.toUpperCase() !== SDES_SUITE) continue;
    // UNENCRYPTED_SRTP and friends change what is on the wire (RFC 4568 §6.3.1); decline them.
    if (line.sessionParams && /UNENCRYPTED|UNAUTHENTICATED|KDR|FEC_ORDER|FEC_KEY/i.test(line.sessionParams))
      continue;
    const remoteKey = readInlineKey(line.keyParams);
    if (remoteKey) return { tag: line.tag, suite: SDES_SUITE, remoteKey };
  }
  return undefined;
}
