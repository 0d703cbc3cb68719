import { randomBytes } from 'node:crypto';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpPacket,
  SrtpSession,
} from 'werift';
import { describe, expect, it } from 'vitest';
import {
  AesCounterMode,
  deriveSrtpSessionKeys,
  SrtpContext,
  type SrtpSuite,
} from '../../../electron/gateway/media-bridge/srtp-context';

const hex = (value: string) => Buffer.from(value.replace(/\s+/g, ''), 'hex');

function rtp(sequence: number, ssrc: number, payload: Buffer, csrcs = 0): Buffer {
  const header = Buffer.alloc(12 + 4 * csrcs);
  header[0] = 0x80 | csrcs;
  header[1] = 0;
  header.writeUInt16BE(sequence, 2);
  header.writeUInt32BE(sequence * 160, 4);
  header.writeUInt32BE(ssrc, 8);
  for (let i = 0; i < csrcs; i++) header.writeUInt32BE(0x1000 + i, 12 + 4 * i);
  return Buffer.concat([header, payload]);
}

const SUITES: { suite: SrtpSuite; profile: number; saltBytes: number; tagBytes: number }[] = [
  {
    suite: 'AES_CM_128_HMAC_SHA1_80',
    profile: ProtectionProfileAes128CmHmacSha1_80,
    saltBytes: 14,
    tagBytes: 10,
  },
  { suite: 'AEAD_AES_128_GCM', profile: ProtectionProfileAeadAes128Gcm, saltBytes: 12, tagBytes: 16 },
];

describe('SRTP context (RFC 3711, RFC 7714)', () => {
  it('derives the session keys of RFC 3711 Appendix B.3', () => {
    const keys = deriveSrtpSessionKeys(
      hex('E1F97A0D3E018BE0D64FA32C06DE4139'),
      hex('0EC675AD498AFEEBB6960B3AABE6'),
    );
    expect(keys.encryption.toString('hex').toUpperCase()).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(keys.salt.toString('hex').toUpperCase()).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(keys.authentication.toString('hex').toUpperCase()).toBe(
      'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4',
    );
  });

  it('produces the AES-CM keystream of RFC 3711 Appendix B.2', () => {
    // B.2 gives the salt already shifted: F0F1...FCFD0000; ours is the 14-byte session salt.
    const cm = new AesCounterMode(
      hex('2B7E151628AED2A6ABF7158809CF4F3C'),
      hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'),
    );
    const keystream = cm.keystream(0, 0, 0, 16 * 0xff02);
    const block = (index: number) =>
      keystream
        .subarray(16 * index, 16 * index + 16)
        .toString('hex')
        .toUpperCase();
    expect(block(0)).toBe('E03EAD0935C95E80E166B16DD92B4EB4');
    expect(block(1)).toBe('D23513162B02D0F72A43A2FE4A5F97AB');
    expect(block(2)).toBe('41E95B3BB0A2E8DD477901E4FCA894C0');
    expect(block(0xfeff)).toBe('EC8CDF7398607CB0F2D21675EA9EA1E4');
    expect(block(0xff00)).toBe('362B7C3C6773516318A077D7FC5073AE');
    expect(block(0xff01)).toBe('6A2CC3787889374FBEB4C81B17BA6C44');
  });

  it('protects and unprotects the AES_CM_128_HMAC_SHA1_80 packet of libsrtp (test/srtp_driver.c, srtp_validate)', () => {
    // Master key and salt of RFC 3711 Appendix B.3; SSRC 0xcafebabe, sequence 0x1234, 16 bytes of 0xab.
    const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
    const masterSalt = hex('0EC675AD498AFEEBB6960B3AABE6');
    const plain = hex('800F1234 DECAFBAD CAFEBABE ABABABABABABABABABABABABABABABAB');
    const wire = hex('800F1234 DECAFBAD CAFEBABE 4E55DC4CE79978D88CA4D215949D2402 B78D6ACC99EA179B8DBB');
    expect(new SrtpContext(masterKey, masterSalt).protect(plain).toString('hex')).toBe(wire.toString('hex'));
    expect(new SrtpContext(masterKey, masterSalt).unprotect(Buffer.from(wire))?.toString('hex')).toBe(
      plain.toString('hex'),
    );
  });

  for (const { suite, profile, saltBytes, tagBytes } of SUITES) {
    describe(suite, () => {
      const key = () => ({ key: randomBytes(16), salt: randomBytes(saltBytes) });
      const werift = (local: { key: Buffer; salt: Buffer }, remote: { key: Buffer; salt: Buffer }) =>
        new SrtpSession({
          keys: {
            localMasterKey: local.key,
            localMasterSalt: local.salt,
            remoteMasterKey: remote.key,
            remoteMasterSalt: remote.salt,
          },
          profile: profile as typeof ProtectionProfileAes128CmHmacSha1_80,
        });

      it('protects packets werift unprotects, and unprotects what werift protects', () => {
        const ours = key();
        const theirs = key();
        const sending = new SrtpContext(ours.key, ours.salt, suite);
        const receiving = new SrtpContext(theirs.key, theirs.salt, suite);
        const peer = werift(theirs, ours);
        for (const [index, sequence] of [65530, 65531, 65535, 0, 1, 2].entries()) {
          const plain = rtp(sequence, 0x11223344, randomBytes(160 + index), index % 2);
          const protectedByUs = sending.protect(plain);
          expect(protectedByUs.length).toBe(plain.length + tagBytes);
          expect(peer.decrypt(protectedByUs).equals(plain)).toBe(true);
          const parsed = RtpPacket.deSerialize(plain);
          expect(receiving.unprotect(peer.encrypt(parsed.payload, parsed.header))?.equals(plain)).toBe(true);
        }
        expect(receiving.refused).toEqual({ authentication: 0, replay: 0 });
      });

      it('drops and counts a packet whose tag does not match, or made with another key', () => {
        const shared = key();
        const sender = new SrtpContext(shared.key, shared.salt, suite);
        const receiver = new SrtpContext(shared.key, shared.salt, suite);
        const plain = rtp(7, 42, randomBytes(160));
        const good = sender.protect(plain);
        const tampered = Buffer.from(good);
        tampered[20] = (tampered[20] ?? 0) ^ 1;
        expect(receiver.unprotect(tampered)).toBeUndefined();
        // Refused before anything was decrypted: the packet is as it came.
        expect(tampered.subarray(21).equals(good.subarray(21))).toBe(true);
        const other = key();
        const forged = new SrtpContext(other.key, other.salt, suite).protect(rtp(8, 42, randomBytes(160)));
        expect(receiver.unprotect(forged)).toBeUndefined();
        expect(receiver.unprotect(good.subarray(0, 15))).toBeUndefined();
        expect(receiver.refused).toEqual({ authentication: 3, replay: 0 });
        // The refused packets left the context as it was.
        expect(receiver.unprotect(good)?.equals(plain)).toBe(true);
      });

      it('drops and counts a replayed packet and one older than the window, takes a late one in it', () => {
        const shared = key();
        const sender = new SrtpContext(shared.key, shared.salt, suite);
        const receiver = new SrtpContext(shared.key, shared.salt, suite);
        const wire = new Map<number, Buffer>();
        for (const sequence of [100, 101, 102, 103, 150, 200])
          wire.set(sequence, sender.protect(rtp(sequence, 7, randomBytes(20))));
        const take = (sequence: number) => receiver.unprotect(wire.get(sequence) as Buffer);
        expect(take(100)).toBeDefined();
        expect(take(102)).toBeDefined();
        expect(take(102)).toBeUndefined();
        // 101 was skipped: a late packet inside the window is no replay.
        expect(take(101)).toBeDefined();
        expect(take(101)).toBeUndefined();
        expect(take(150)).toBeDefined();
        // 103 is 47 behind 150: still in the window (bit in its upper word).
        expect(take(103)).toBeDefined();
        expect(take(200)).toBeDefined();
        expect(take(150)).toBeUndefined();
        // 103 is now 97 behind the highest: older than the 64-packet window, so it cannot be told apart
        // from a replay (RFC 3711 §3.3.2).
        expect(take(103)).toBeUndefined();
        expect(receiver.refused).toEqual({ authentication: 0, replay: 4 });
      });

      it('keeps the rollover counter across a sequence wrap and a late packet from before it', () => {
        const shared = key();
        const sender = new SrtpContext(shared.key, shared.salt, suite);
        const receiver = new SrtpContext(shared.key, shared.salt, suite);
        const peer = werift(key(), shared);
        const sent = [65534, 65535, 0, 1].map((sequence) => rtp(sequence, 9, randomBytes(160)));
        const wire = sent.map((packet) => sender.protect(packet));
        // Copies: unprotect decrypts in place, and werift reads the same packets below.
        const take = (index: number) => receiver.unprotect(Buffer.from(wire[index] as Buffer));
        expect(take(0)?.equals(sent[0] as Buffer)).toBe(true);
        expect(take(2)?.equals(sent[2] as Buffer)).toBe(true);
        // 65535 arrives after 0: it belongs to the old ROC.
        expect(take(1)?.equals(sent[1] as Buffer)).toBe(true);
        expect(take(3)?.equals(sent[3] as Buffer)).toBe(true);
        // werift agrees on the index of each packet, in order.
        for (const [index, packet] of wire.entries())
          expect(peer.decrypt(packet).equals(sent[index] as Buffer)).toBe(true);
      });

      it('continues a stream werift started, from its rollover counter', () => {
        const shared = key();
        const peer = werift(shared, key());
        for (const sequence of [65535, 0]) {
          const packet = RtpPacket.deSerialize(rtp(sequence, 5, randomBytes(160)));
          peer.encrypt(packet.payload, packet.header);
        }
        const state = peer.localContext.srtpSSRCStates[5];
        const context = new SrtpContext(shared.key, shared.salt, suite);
        context.seed(5, state?.rolloverCounter ?? 0, state?.lastSequenceNumber ?? 0);
        const next = rtp(1, 5, randomBytes(160));
        const receiver = new SrtpContext(shared.key, shared.salt, suite);
        receiver.seed(5, 1, 0);
        expect(receiver.unprotect(context.protect(next))?.equals(next)).toBe(true);
      });
    });
  }
});
