import { describe, expect, it } from 'vitest';
import { HmacSha1 } from '../../../electron/gateway/media-bridge/hmac-sha1';

const hex = (value: string) => Buffer.from(value.replace(/\s+/g, ''), 'hex');

/** RFC 2202 §3: the seven HMAC-SHA-1 test cases (key, data, digest). */
const RFC_2202: { key: Buffer; data: Buffer; digest: string }[] = [
  {
    key: Buffer.alloc(20, 0x0b),
    data: Buffer.from('Hi There'),
    digest: 'b617318655057264e28bc0b6fb378c8ef146be00',
  },
  {
    key: Buffer.from('Jefe'),
    data: Buffer.from('what do ya want for nothing?'),
    digest: 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
  },
  {
    key: Buffer.alloc(20, 0xaa),
    data: Buffer.alloc(50, 0xdd),
    digest: '125d7342b9ac11cd91a39af48aa17b4f63f175d3',
  },
  {
    key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: Buffer.alloc(50, 0xcd),
    digest: '4c9007f4026250c6bc8414f9bf50c86c2d7235da',
  },
  {
    key: Buffer.alloc(20, 0x0c),
    data: Buffer.from('Test With Truncation'),
    digest: '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04',
  },
  {
    key: Buffer.alloc(80, 0xaa),
    data: Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
    digest: 'aa4ae5e15272d00e95705637ce8a3b55ed402112',
  },
  {
    key: Buffer.alloc(80, 0xaa),
    data: Buffer.from('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
    digest: 'e8e99d0f45237d786d6bbaa7965c7808bbff1a91',
  },
];

describe('HMAC-SHA1 from pre-keyed hashes (RFC 2104)', () => {
  it('gives the digests of the RFC 2202 test cases, again and again from one key', () => {
    for (const [index, { key, data, digest }] of RFC_2202.entries()) {
      const hmac = new HmacSha1(key);
      expect(hmac.digest(data).toString('hex'), `RFC 2202 case ${index + 1}`).toBe(digest);
      // Each digest starts from a copy: the keyed states are never consumed.
      expect(hmac.digest(data).toString('hex'), `RFC 2202 case ${index + 1}, twice`).toBe(digest);
    }
  });

  it('takes a trailer as the end of the message', () => {
    const { key, data, digest } = RFC_2202[1] as (typeof RFC_2202)[number];
    const hmac = new HmacSha1(key);
    expect(hmac.digest(data.subarray(0, 10), data.subarray(10)).toString('hex')).toBe(digest);
  });
});
