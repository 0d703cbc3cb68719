import { describe, expect, it } from 'vitest';
import { FUZZ_BRANCH_PREFIX, generateFuzzMessages, seededRandom, type FuzzTarget } from '../../lab/sip-fuzz';

const target: FuzzTarget = {
  user: '1001',
  domain: '127.0.0.1',
  clientViaHost: 'abc123.invalid',
  sentBy: '127.0.0.1:5070',
};

function fingerprint(frame: string | Uint8Array): string {
  return typeof frame === 'string' ? frame : `bytes:${Array.from(frame).join(',')}`;
}

describe('generateFuzzMessages', () => {
  it('gives the same messages for the same seed', () => {
    const a = generateFuzzMessages(42, 1_000, target);
    const b = generateFuzzMessages(42, 1_000, target);
    expect(a.map((m) => fingerprint(m.frame))).toEqual(b.map((m) => fingerprint(m.frame)));
    expect(a.map((m) => m.expect)).toEqual(b.map((m) => m.expect));
  });

  it('gives different messages for another seed', () => {
    const a = generateFuzzMessages(1, 200, target).map((m) => fingerprint(m.frame));
    const b = generateFuzzMessages(2, 200, target).map((m) => fingerprint(m.frame));
    expect(a).not.toEqual(b);
  });

  it('makes exactly the count asked for, numbered, with every family present', () => {
    const messages = generateFuzzMessages(7, 1_000, target);
    expect(messages).toHaveLength(1_000);
    expect(messages.map((m) => m.index)).toEqual([...Array(1_000).keys()]);
    expect(new Set(messages.map((m) => m.family))).toEqual(
      new Set([
        'broken-start-line',
        'missing-header',
        'duplicate-header',
        'huge-header',
        'bad-sdp',
        'content-length',
        'binary-junk',
        'unknown-method',
        'wrong-target',
        'stray-response',
        'bogus-dialog',
        'flood',
      ]),
    );
  });

  it('follows every new call offer with its CANCEL, even at the end of the stream', () => {
    for (const seed of [908183734, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
      const messages = generateFuzzMessages(seed, 1000, target);
      messages.forEach((message, index) => {
        if (message.family !== 'bad-sdp' || !message.description.startsWith('INVITE')) return;
        expect(messages[index + 1]?.description, `seed ${seed} #${index}`).toBe(
          'CANCEL of the INVITE with broken SDP',
        );
      });
    }
  });

  it('keys every message that expects an answer by a branch it carries', () => {
    for (const message of generateFuzzMessages(99, 500, target)) {
      if (message.expect.reply !== 'status') continue;
      expect(message.branch?.startsWith(FUZZ_BRANCH_PREFIX)).toBe(true);
      expect(typeof message.frame === 'string' && message.frame.includes(`branch=${message.branch}`)).toBe(
        true,
      );
    }
  });

  it('writes Content-Length right unless that is the mutation', () => {
    for (const message of generateFuzzMessages(5, 300, target)) {
      if (typeof message.frame !== 'string' || message.family === 'content-length') continue;
      const [head, body] = message.frame.split('\r\n\r\n', 2) as [string, string | undefined];
      const declared = /\r\nContent-Length: (\d+)/.exec(head)?.[1];
      if (declared === undefined || body === undefined) continue;
      const rest = message.frame.slice(head.length + 4);
      expect(new TextEncoder().encode(rest).length).toBe(Number(declared));
    }
  });
});

describe('seededRandom', () => {
  it('is a deterministic stream of numbers in [0, 1)', () => {
    const a = seededRandom(3);
    const b = seededRandom(3);
    const values = Array.from({ length: 1_000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1_000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});
