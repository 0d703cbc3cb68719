import { describe, expect, it } from 'vitest';
import { KnownSecrets, REDACTED, redact } from '../../../electron/common/log-redaction';
import { redactLogData } from '../../../electron/main/log-redaction';

const register = [
  'REGISTER sip:pbx.example.com SIP/2.0',
  'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK1',
  'WWW-Authenticate: Digest realm="pbx.example.com", nonce="abc123"',
  'Authorization: Digest algorithm=MD5, username="1001", realm="pbx.example.com", nonce="abc123", uri="sip:pbx.example.com", response="6629fae49393a05397450978507c4ef1"',
  'Proxy-Authorization: Basic MTAwMTpodW50ZXIy',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('redact', () => {
  it('removes Authorization and Proxy-Authorization values in a raw SIP message, keeping the rest', () => {
    const result = redact(register);
    expect(result).not.toContain('6629fae4');
    expect(result).not.toContain('MTAwMTpodW50ZXIy');
    expect(result).toContain(`\r\nAuthorization: ${REDACTED}\r\n`);
    expect(result).toContain(`\r\nProxy-Authorization: ${REDACTED}\r\n`);
    expect(result).toContain('WWW-Authenticate: Digest realm="pbx.example.com", nonce="abc123"');
    expect(result).toContain('Content-Length: 0');
  });

  it('handles a SIP message that was JSON-escaped into one line', () => {
    const result = redact(JSON.stringify({ message: register }));
    expect(result).not.toContain('6629fae4');
    expect(result).not.toContain('MTAwMTpodW50ZXIy');
    expect(result).toContain(
      `Authorization: ${REDACTED}\\r\\nProxy-Authorization: ${REDACTED}\\r\\nContent-Length: 0`,
    );
  });

  it('handles headers as JSON properties, in any case', () => {
    expect(redact('{"authorization":"Digest response=\\"abc\\"","Via":"x"}')).toBe(
      `{"authorization":"${REDACTED}","Via":"x"}`,
    );
    expect(redact("{ 'Proxy-Authorization': 'Digest x' }")).toBe(`{ 'Proxy-Authorization': '${REDACTED}' }`);
  });

  it('removes digest responses wherever they appear', () => {
    expect(redact('auth failed: response="6629fae49393a05397450978507c4ef1", nc=1')).toBe(
      `auth failed: response="${REDACTED}", nc=1`,
    );
    expect(redact('response=6629fae49393a05397450978507c4ef1')).toBe(`response="${REDACTED}"`);
    expect(redact('SIP response=401 Unauthorized')).toBe('SIP response=401 Unauthorized');
  });

  it.each([
    ['password=hunter22&user=1001', `password=${REDACTED}&user=1001`],
    ['PASSWORD: hunter22, next', `PASSWORD: ${REDACTED}, next`],
    ['{"password":"hun\\"ter22","user":"1001"}', `{"password":"${REDACTED}","user":"1001"}`],
    ["{ password: 'hunter22', user: '1001' }", `{ password: ${REDACTED}, user: '1001' }`],
    ['passwd=hunter22', `passwd=${REDACTED}`],
  ])('removes %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('removes known passwords in every form they take', () => {
    const secrets = new KnownSecrets();
    secrets.add('p@ss "word"/1');
    const text = [
      'typed p@ss "word"/1 by mistake',
      JSON.stringify({ note: 'p@ss "word"/1' }),
      `wss://x/?t=${encodeURIComponent('p@ss "word"/1')}`,
    ].join(' | ');
    const result = redact(text, secrets);
    expect(result).not.toMatch(/p@ss|word/);
    expect(result.split(REDACTED)).toHaveLength(4);
  });

  it('does not hunt for passwords too short to be searched for', () => {
    const secrets = new KnownSecrets();
    secrets.add('123');
    expect(secrets.pattern).toBeNull();
    expect(redact('extension 1234', secrets)).toBe('extension 1234');
  });

  it('takes the longest secret first, so one inside another leaves nothing behind', () => {
    const secrets = new KnownSecrets();
    secrets.add('abcd');
    secrets.add('abcdefgh');
    expect(redact('x abcdefgh y', secrets)).toBe(`x ${REDACTED} y`);
  });
});

describe('redactLogData', () => {
  it('redacts strings, errors and objects, and keeps plain values', () => {
    const secrets = new KnownSecrets();
    secrets.add('hunter22');
    const error = new Error('REGISTER failed for password=hunter22');
    const data = redactLogData(
      ['login', { user: '1001', password: 'hunter22', nested: { token: 'hunter22' } }, error, 42, null, true],
      secrets,
    );
    expect(JSON.stringify(data)).not.toContain('hunter22');
    expect(data[0]).toBe('login');
    expect(data[1]).toContain("user: '1001'");
    expect(String(data[2])).toContain('REGISTER failed');
    expect(data.slice(3)).toEqual([42, null, true]);
  });
});
