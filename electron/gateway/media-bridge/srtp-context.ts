/**
 * SRTP for the relay path (RFC 3711), one context per direction of one leg: protects what we send,
 * or authenticates and decrypts what we receive, for any number of SSRCs, on packet bytes.
 *
 * Two suites: AES_CM_128_HMAC_SHA1_80 (every SDES phone, and the DTLS-SRTP leg, which asks for it
 * first) and AEAD_AES_128_GCM (RFC 7714: when Chromium's DTLS still picks it).
 *
 * Why not werift's SrtpSession: it builds a cipher and an HMAC per packet from parsed header
 * objects, and it keeps no replay list. Here the AES-CM keystream comes from one long-lived
 * AES-128-ECB cipher fed counter blocks (§4.1.1: the keystream is AES of IV, IV+1, ...), the tag
 * from two SHA-1 states keyed once ({@link HmacSha1}), the header is read in place, and the payload
 * is written once: into the buffer that goes out, or over itself when receiving. GCM needs a cipher
 * per packet (Node cannot restart one with a new IV), and OpenSSL 3 looks the algorithm up for each;
 * relaying a call's traffic, that costs more than the AES-CM path here, which is why the DTLS leg
 * asks for AES-CM first (dtls-srtp-relay.ts).
 *
 * Receiving: the tag is checked before anything is decrypted (§3.3 step 5), and a packet index seen
 * before, or older than the 64-packet window, is refused (§3.3.2 replay list): both leave the
 * context as it was and come back as `undefined`, counted in {@link SrtpContext.refused}.
 */
import { createCipheriv, createDecipheriv, timingSafeEqual, type Cipher } from 'node:crypto';
import { HmacSha1 } from './hmac-sha1';
import { rtpHeaderLength } from './rtp-header';

export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AEAD_AES_128_GCM';

const KEY_BYTES = 16;
/** RFC 3711 §8.2 (AES-CM, 112 bits) and RFC 7714 §12 (GCM, 96 bits). */
const SALT_BYTES: Record<SrtpSuite, number> = { AES_CM_128_HMAC_SHA1_80: 14, AEAD_AES_128_GCM: 12 };
/** What each suite appends to a packet: the HMAC-SHA1-80 tag, or GCM's 16-byte tag. */
const TAG_BYTES: Record<SrtpSuite, number> = { AES_CM_128_HMAC_SHA1_80: 10, AEAD_AES_128_GCM: 16 };
const HMAC_KEY_BYTES = 20;
/** RFC 3711 §4.3.2 labels for the SRTP (not SRTCP) session keys. */
const LABEL_ENCRYPTION = 0x00;
const LABEL_AUTHENTICATION = 0x01;
const LABEL_SALT = 0x02;
/** RFC 3711 §3.3.1: how far apart two sequence numbers may be and still share a rollover counter. */
const HALF_SEQUENCE_SPACE = 0x8000;
/** RFC 3711 §3.3.2: the replay window's size (the minimum the RFC allows, as libsrtp keeps it). */
const REPLAY_WINDOW = 64;

/** The session keys one master key and salt give (RFC 3711 §4.3, key derivation rate 0). */
export interface SrtpSessionKeys {
  encryption: Buffer;
  authentication: Buffer;
  salt: Buffer;
}

/**
 * Per SSRC: the rollover counter and highest sequence number seen (§3.3.1, ROC and s_l), and which
 * of the 64 indices below the highest were received (bit k of `window`: highest - k).
 */
interface IndexState {
  rolloverCounter: number;
  highestSequence: number;
  /** Bits 0-31 and 32-63 of the replay window. */
  windowLow: number;
  windowHigh: number;
}

function aesEcb(key: Buffer): Cipher {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return cipher;
}

/**
 * AES-CM as a PRF (RFC 3711 §4.3.3): `length` bytes of keystream for `label`. A 96-bit GCM salt sits
 * at the start of the block with zeros after it, as libsrtp (and so Chromium) lays it out.
 */
function deriveKey(prf: Cipher, masterSalt: Buffer, label: number, length: number): Buffer {
  const blocks = Math.ceil(length / 16);
  const input = Buffer.alloc(16 * blocks);
  for (let block = 0; block < blocks; block++) {
    const at = 16 * block;
    masterSalt.copy(input, at);
    // x = key_id XOR master_salt, key_id = label || (index DIV kdr) with kdr 0: only byte 7 changes.
    input[at + 7] = (input[at + 7] ?? 0) ^ label;
    input.writeUInt16BE(block, at + 14);
  }
  return prf.update(input).subarray(0, length);
}

/** The SRTP session keys of one master key and salt (RFC 3711 §4.3.1, RFC 7714 §11). */
export function deriveSrtpSessionKeys(
  masterKey: Buffer,
  masterSalt: Buffer,
  suite: SrtpSuite = 'AES_CM_128_HMAC_SHA1_80',
): SrtpSessionKeys {
  const saltBytes = SALT_BYTES[suite];
  if (masterKey.length !== KEY_BYTES || masterSalt.length !== saltBytes) {
    throw new Error(`${suite} takes a 16-byte master key and a ${saltBytes}-byte master salt`);
  }
  const prf = aesEcb(masterKey);
  return {
    encryption: deriveKey(prf, masterSalt, LABEL_ENCRYPTION, KEY_BYTES),
    authentication: deriveKey(prf, masterSalt, LABEL_AUTHENTICATION, HMAC_KEY_BYTES),
    salt: deriveKey(prf, masterSalt, LABEL_SALT, saltBytes),
  };
}

/**
 * AES in counter mode as SRTP uses it (RFC 3711 §4.1.1), from one long-lived AES-128-ECB cipher: the
 * keystream is AES(IV), AES(IV + 1), ... with IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16)
 * and index = ROC << 16 | SEQ.
 */
export class AesCounterMode {
  private readonly ecb: Cipher;
  /** Counter blocks for one packet; grown to the largest payload seen. */
  private counterBlocks = Buffer.alloc(16 * 16);

  constructor(
    sessionKey: Buffer,
    private readonly sessionSalt: Buffer,
  ) {
    this.ecb = aesEcb(sessionKey);
  }

  /** `length` bytes of keystream for one packet. */
  keystream(ssrc: number, roc: number, sequence: number, length: number): Buffer {
    const blocks = Math.ceil(length / 16);
    if (this.counterBlocks.length < 16 * blocks) this.counterBlocks = Buffer.alloc(16 * blocks);
    const counters = this.counterBlocks;
    this.sessionSalt.copy(counters, 0, 0, 14);
    counters.writeUInt32BE((counters.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    counters.writeUInt32BE((counters.readUInt32BE(8) ^ roc) >>> 0, 8);
    counters.writeUInt16BE(counters.readUInt16BE(12) ^ sequence, 12);
    // The IV's last 16 bits are the block counter's (§4.1.1): block i is IV + i, the rest the same.
    counters.writeUInt16BE(0, 14);
    for (let block = 1; block < blocks; block++) {
      counters.copy(counters, 16 * block, 0, 14);
      counters.writeUInt16BE(block, 16 * block + 14);
    }
    return this.ecb.update(counters.subarray(0, 16 * blocks));
  }
}

/** Why {@link SrtpContext.unprotect} refused packets, counted since the context was made. */
export interface SrtpRefusals {
  /** Too short, or the tag did not match (forged, corrupted, or another key). */
  authentication: number;
  /** An index received before, or older than the replay window. */
  replay: number;
}

export class SrtpContext {
  readonly refused: SrtpRefusals = { authentication: 0, replay: 0 };
  private readonly tagBytes: number;
  private readonly keys: SrtpSessionKeys;
  private readonly counterMode: AesCounterMode | undefined;
  private readonly hmac: HmacSha1 | undefined;
  private readonly states = new Map<number, IndexState>();
  private readonly rocBytes = Buffer.alloc(4);
  private readonly iv = Buffer.alloc(12);
  /** The session salt as three 32-bit words, for the GCM IV (RFC 7714 §8.1). */
  private readonly saltWords: [number, number, number];

  constructor(masterKey: Buffer, masterSalt: Buffer, suite: SrtpSuite = 'AES_CM_128_HMAC_SHA1_80') {
    this.keys = deriveSrtpSessionKeys(masterKey, masterSalt, suite);
    this.tagBytes = TAG_BYTES[suite];
    if (suite === 'AES_CM_128_HMAC_SHA1_80') {
      this.counterMode = new AesCounterMode(this.keys.encryption, this.keys.salt);
      this.hmac = new HmacSha1(this.keys.authentication);
    }
    const salt = this.keys.salt;
    this.saltWords = [salt.readUInt32BE(0), salt.readUInt32BE(4), salt.readUInt32BE(8)];
  }

  /** What protecting adds to each packet (the tag). */
  get overhead(): number {
    return this.tagBytes;
  }

  /** The rollover counter and highest sequence number of `ssrc`, when another context had them first. */
  seed(ssrc: number, rolloverCounter: number, highestSequence: number): void {
    this.states.set(ssrc >>> 0, {
      rolloverCounter: rolloverCounter >>> 0,
      highestSequence,
      windowLow: 1,
      windowHigh: 0,
    });
  }

  /** An RTP packet in clear -> the SRTP packet (a new buffer: header, encrypted payload, tag). */
  protect(packet: Buffer): Buffer {
    const headerLength = rtpHeaderLength(packet);
    if (packet.length < 12 || headerLength > packet.length) throw new Error('not an RTP packet');
    const ssrc = packet.readUInt32BE(8);
    const sequence = packet.readUInt16BE(2);
    const state = this.states.get(ssrc);
    let roc = 0;
    if (!state) this.seed(ssrc, 0, sequence);
    else {
      roc = this.estimateRoc(state, sequence);
      this.advance(state, roc, sequence);
    }
    const end = packet.length;
    const out = Buffer.allocUnsafe(end + this.tagBytes);
    packet.copy(out, 0, 0, headerLength);
    if (this.counterMode && this.hmac) {
      this.xorKeystream(this.counterMode, packet, headerLength, end, out, ssrc, roc, sequence);
      this.hmacTag(this.hmac, out.subarray(0, end), roc).copy(out, end, 0, this.tagBytes);
      return out;
    }
    const cipher = createCipheriv('aes-128-gcm', this.keys.encryption, this.gcmIv(ssrc, roc, sequence));
    cipher.setAAD(packet.subarray(0, headerLength));
    cipher.update(packet.subarray(headerLength)).copy(out, headerLength);
    cipher.final();
    cipher.getAuthTag().copy(out, end);
    return out;
  }

  /**
   * An SRTP packet -> the RTP packet in clear, or undefined when it is refused (counted in
   * {@link refused}; the context and the packet then stay as they were). The payload is decrypted
   * in place and the clear packet is a view of `packet` without its tag: the caller gives up the
   * datagram it received (AES-CM; GCM still writes a new buffer).
   */
  unprotect(packet: Buffer): Buffer | undefined {
    const end = packet.length - this.tagBytes;
    const headerLength = rtpHeaderLength(packet);
    if (packet.length < 12 + this.tagBytes || headerLength > end) {
      this.refused.authentication++;
      return undefined;
    }
    const ssrc = packet.readUInt32BE(8);
    const sequence = packet.readUInt16BE(2);
    const state = this.states.get(ssrc);
    const roc = state ? this.estimateRoc(state, sequence) : 0;
    if (state && this.isReplay(state, roc, sequence)) {
      this.refused.replay++;
      return undefined;
    }
    let out: Buffer;
    if (this.counterMode && this.hmac) {
      const expected = this.hmacTag(this.hmac, packet.subarray(0, end), roc);
      if (!timingSafeEqual(expected.subarray(0, this.tagBytes), packet.subarray(end))) {
        this.refused.authentication++;
        return undefined;
      }
      out = packet.subarray(0, end);
      this.xorKeystream(this.counterMode, packet, headerLength, end, out, ssrc, roc, sequence);
    } else {
      out = Buffer.allocUnsafe(end);
      packet.copy(out, 0, 0, headerLength);
      const decipher = createDecipheriv('aes-128-gcm', this.keys.encryption, this.gcmIv(ssrc, roc, sequence));
      decipher.setAAD(packet.subarray(0, headerLength));
      decipher.setAuthTag(packet.subarray(end));
      decipher.update(packet.subarray(headerLength, end)).copy(out, headerLength);
      try {
        decipher.final();
      } catch {
        // The tag did not match: what update() wrote into `out` is dropped with it.
        this.refused.authentication++;
        return undefined;
      }
    }
    if (!state) this.seed(ssrc, roc, sequence);
    else this.advance(state, roc, sequence);
    return out;
  }

  /** RFC 3711 §3.3.1 / Appendix A: the ROC the sender used for `sequence`. */
  private estimateRoc(state: IndexState, sequence: number): number {
    const { rolloverCounter: roc, highestSequence: last } = state;
    if (last < HALF_SEQUENCE_SPACE) {
      return sequence - last > HALF_SEQUENCE_SPACE ? (roc - 1) >>> 0 : roc;
    }
    return last - HALF_SEQUENCE_SPACE > sequence ? (roc + 1) >>> 0 : roc;
  }

  /** How many indices `sequence` at `roc` lies below the highest one seen (negative: newer). */
  private behind(state: IndexState, roc: number, sequence: number): number {
    return (state.rolloverCounter - roc) * 0x10000 + state.highestSequence - sequence;
  }

  private isReplay(state: IndexState, roc: number, sequence: number): boolean {
    const behind = this.behind(state, roc, sequence);
    if (behind < 0) return false;
    if (behind >= REPLAY_WINDOW) return true;
    const word = behind < 32 ? state.windowLow : state.windowHigh;
    return ((word >>> (behind % 32)) & 1) === 1;
  }

  /** Marks `sequence` at `roc` received, moving s_l, the ROC and the window when it is the newest. */
  private advance(state: IndexState, roc: number, sequence: number): void {
    const behind = this.behind(state, roc, sequence);
    if (behind >= 0) {
      if (behind < 32) state.windowLow = (state.windowLow | (1 << behind)) >>> 0;
      else if (behind < REPLAY_WINDOW) state.windowHigh = (state.windowHigh | (1 << (behind - 32))) >>> 0;
      return;
    }
    const shift = -behind;
    if (shift >= REPLAY_WINDOW) {
      state.windowLow = 0;
      state.windowHigh = 0;
    } else if (shift >= 32) {
      state.windowHigh = shift === 32 ? state.windowLow : (state.windowLow << (shift - 32)) >>> 0;
      state.windowLow = 0;
    } else {
      state.windowHigh = ((state.windowHigh << shift) | (state.windowLow >>> (32 - shift))) >>> 0;
      state.windowLow = (state.windowLow << shift) >>> 0;
    }
    state.windowLow = (state.windowLow | 1) >>> 0;
    state.rolloverCounter = roc;
    state.highestSequence = sequence;
  }

  /** `input[from, to)` XOR the packet's keystream, into `out` at the same offset (`out` may be `input`). */
  private xorKeystream(
    counterMode: AesCounterMode,
    input: Buffer,
    from: number,
    to: number,
    out: Buffer,
    ssrc: number,
    roc: number,
    sequence: number,
  ): void {
    const length = to - from;
    if (length <= 0) return;
    const keystream = counterMode.keystream(ssrc, roc, sequence, length);
    for (let i = 0; i < length; i++) out[from + i] = (input[from + i] ?? 0) ^ (keystream[i] ?? 0);
  }

  private hmacTag(hmac: HmacSha1, authenticated: Buffer, roc: number): Buffer {
    // RFC 3711 §4.2: the ROC is appended to the authenticated portion.
    this.rocBytes.writeUInt32BE(roc, 0);
    return hmac.digest(authenticated, this.rocBytes);
  }

  /**
   * RFC 7714 §8.1: salt XOR (00 00 || SSRC || ROC || SEQ), a word at a time: this runs for every
   * packet, long before V8 optimises it, where each byte's step costs a call.
   */
  private gcmIv(ssrc: number, roc: number, sequence: number): Buffer {
    const [salt0, salt1, salt2] = this.saltWords;
    const iv = this.iv;
    iv.writeUInt32BE((salt0 ^ (ssrc >>> 16)) >>> 0, 0);
    iv.writeUInt32BE((salt1 ^ ((ssrc << 16) | (roc >>> 16))) >>> 0, 4);
    iv.writeUInt32BE((salt2 ^ ((roc << 16) | sequence)) >>> 0, 8);
    return iv;
  }
}
