import { describe, expect, it } from 'vitest';
import {
  accountInputSchema,
  callHandlingSchema,
  outboundProxySchema,
  sipUriSchema,
  wssUrlSchema,
  type AccountInput,
} from '../../../electron/common/contract';
import { wssUrlProblem } from '../../../electron/common/wss-url';

const valid: AccountInput = {
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  wssUrl: 'wss://pbx.example.com:8089/ws',
};

/** The first zod message for `input`, or null when it parses. */
function problemWith(input: unknown): string | null {
  const result = accountInputSchema.safeParse(input);
  return result.success ? null : (result.error.issues[0]?.message ?? '?');
}

describe('wssUrlProblem', () => {
  it.each([
    'wss://pbx.example.com',
    'wss://pbx.example.com/ws',
    'wss://pbx.example.com:1/ws',
    'wss://pbx.example.com:65535',
    'wss://127.0.0.1:8089',
    'wss://[::1]:7443/ws',
    'WSS://PBX.example.com:443/ws?transport=ws',
  ])('accepts %s', (url) => {
    expect(wssUrlProblem(url)).toBeNull();
  });

  it.each([
    ['wss://pbx.example.com:0/ws', 'port'],
    ['wss://pbx.example.com:65536/ws', 'port'],
    ['wss://pbx.example.com:99999', 'port'],
    ['wss://pbx.example.com:-1', 'port'],
    ['wss://pbx.example.com:80a', 'port'],
    ['wss://[::1]:0/ws', 'port'],
    ['wss://alice@pbx.example.com/ws', 'credentials'],
    ['wss://alice:secret@pbx.example.com:8089/ws', 'credentials'],
    ['ws://pbx.example.com/ws', 'scheme'],
    ['https://pbx.example.com/ws', 'scheme'],
    ['sip:1001@pbx.example.com', 'scheme'],
    ['pbx.example.com:8089', 'scheme'],
    ['wss://', 'malformed'],
    ['', 'malformed'],
    ['wss://pbx example.com/ws', 'malformed'],
  ] as const)('refuses %s: %s', (url, problem) => {
    expect(wssUrlProblem(url)).toBe(problem);
  });

  it('agrees with the contract schema, which names the problem', () => {
    expect(wssUrlSchema.safeParse('  wss://pbx.example.com/ws  ').success).toBe(true);
    const refused = wssUrlSchema.safeParse('wss://pbx.example.com:70000/ws');
    expect(refused.success ? '' : refused.error.issues[0]?.message).toBe(
      'expected wss://host[:port][/path] (port)',
    );
    expect(wssUrlSchema.safeParse(`wss://pbx.example.com/${'x'.repeat(300)}`).success).toBe(false);
  });
});

describe('sipUriSchema', () => {
  it.each(['sip:1001@pbx.example.com', 'sips:alice@example.com', 'SIP:1001@10.0.0.1:5060', ' sip:a@b '])(
    'accepts %s',
    (uri) => {
      expect(sipUriSchema.safeParse(uri).success).toBe(true);
    },
  );

  it.each([
    'pbx.example.com',
    'sip:pbx.example.com',
    'tel:+12015550123',
    'sip:10 01@pbx.example.com',
    'sip:1001@pbx.example.com?Route=evil',
    'sip:1001@pbx.example.com;transport=tcp',
    'sip:@pbx.example.com',
    '',
  ])('refuses %s with a clear message', (uri) => {
    const result = sipUriSchema.safeParse(uri);
    expect(result.success).toBe(false);
    expect(result.success ? '' : result.error.issues[0]?.message).toBe('expected sip:user@host');
  });
});

describe('outboundProxySchema', () => {
  it.each([
    'sip:proxy.example.com;lr',
    'sip:proxy.example.com',
    'sips:proxy.example.com:5061;lr;transport=tls',
    'sip:edge@proxy.example.com;lr',
  ])('accepts %s', (uri) => {
    expect(outboundProxySchema.safeParse(uri).success).toBe(true);
  });

  it.each([
    'proxy.example.com',
    'sip:proxy.example.com?Route=x',
    'sip:proxy example.com',
    'http://proxy/',
    'sip:',
  ])('refuses %s', (uri) => {
    expect(outboundProxySchema.safeParse(uri).success).toBe(false);
  });

  it('may be left empty in an account, and every proxy valid before still loads', () => {
    expect(problemWith({ ...valid, outboundProxy: '' })).toBeNull();
    expect(problemWith({ ...valid, outboundProxy: 'sip:edge@[2001:db8::1]:5060' })).toBeNull();
    expect(problemWith({ ...valid, outboundProxy: 'sip:proxy.example.com?Route=x' })).toMatch(/expected sip/);
  });
});

describe('accountInputSchema', () => {
  it('accepts a complete account', () => {
    expect(
      problemWith({
        ...valid,
        password: 'secret',
        outboundProxy: 'sip:proxy.example.com;lr',
        realm: 'pbx.example.com',
        defaultCountry: 'CN',
        callHandling: { autoAnswer: true, autoAnswerDelaySeconds: 3 },
      }),
    ).toBeNull();
  });

  it.each([
    ['an over-long display name', { displayName: 'x'.repeat(257) }, /at most 256/],
    ['an over-long password', { password: 'x'.repeat(257) }, /at most 256/],
    ['a lower-case country', { defaultCountry: 'us' }, /two-letter country code/],
    ['a three-letter country', { defaultCountry: 'USA' }, /two-letter country code/],
    ['a ws: server', { wssUrl: 'ws://pbx.example.com/ws' }, /\(scheme\)/],
    ['port 0', { wssUrl: 'wss://pbx.example.com:0/ws' }, /\(port\)/],
    ['an unknown field', { admin: true }, /Unrecognized key/],
    [
      'a pinned certificate (only main sets it)',
      { trustedCertificate: { host: 'h:443', sha256: '' } },
      /Unrecognized/,
    ],
  ] as const)('refuses %s', (_label, patch, message) => {
    expect(problemWith({ ...valid, ...patch })).toMatch(message);
  });

  it('keeps call-handling numbers whole and within 0–600 seconds', () => {
    for (const seconds of [0, 20, 600]) {
      expect(callHandlingSchema.safeParse({ autoAnswerDelaySeconds: seconds }).success, String(seconds)).toBe(
        true,
      );
    }
    for (const seconds of [-1, 601, 1.5, Number.NaN, '5']) {
      expect(callHandlingSchema.safeParse({ forwardAfterSeconds: seconds }).success, String(seconds)).toBe(
        false,
      );
    }
  });
});
