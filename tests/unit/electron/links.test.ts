import { describe, expect, it } from 'vitest';
import type { LinkRejection, LinkScheme, LinkTarget } from '../../../electron/common/contract';
import { displayLink, parseLink, type ParseLinkOptions } from '../../../electron/common/links';

const allOn: Record<LinkScheme, boolean> = { tel: true, sip: true, sips: true, callto: true };
const us: ParseLinkOptions = { enabledSchemes: allOn, defaultCountry: 'US' };

function target(input: string, options: ParseLinkOptions = us): LinkTarget | LinkRejection {
  const request = parseLink(input, options);
  return request.kind === 'dial' ? request.target : request.reason;
}

const number = (value: string): LinkTarget => ({ kind: 'number', number: value });
const sip = (uri: string): LinkTarget => ({ kind: 'sip', uri });

describe('parseLink: tel:', () => {
  it.each([
    ['tel:+1-201-555-0123', '+12015550123'],
    ['TEL:+1.201.555.0123', '+12015550123'],
    ['tel:+1(201)555-0123', '+12015550123'],
    ['tel:+86%20138%200013%208000', '+8613800138000'],
    ['tel:+86 138 0013 8000', '+8613800138000'],
    ['tel:(201) 555-0123', '+12015550123'],
    ['tel://+1-201-555-0123', '+12015550123'],
    ['tel:+1-201-555-0123;ext=42', '+12015550123'],
    ['tel:+1-201-555-0123;isub=1411;unknown=x', '+12015550123'],
    // RFC 3966 local numbers: a domain context is ignored, a global-number prefix is prepended.
    ['tel:555-0123;phone-context=example.com', '5550123'],
    ['tel:555-0123;phone-context=+1-201', '+12015550123'],
    ['tel:5550123;PHONE-CONTEXT=%2B1%20201', '+12015550123'],
    ['tel:1002', '1002'],
    ['tel:*72', '*72'],
    ['tel:%2A31%23', '*31#'],
    ['  tel:+12015550123  ', '+12015550123'],
    // Not a valid number for libphonenumber: the dialable digits as given.
    ['tel:+999123456789', '+999123456789'],
    ['tel:12345678', '12345678'],
  ])('%s -> %s', (input, expected) => {
    expect(target(input)).toEqual(number(expected));
  });

  it('reads national numbers with the default country, and leaves them alone without one', () => {
    expect(target('tel:138-0013-8000', { enabledSchemes: allOn, defaultCountry: 'CN' })).toEqual(
      number('+8613800138000'),
    );
    expect(target('tel:020 7946 0018', { enabledSchemes: allOn, defaultCountry: 'GB' })).toEqual(
      number('+442079460018'),
    );
    expect(target('tel:138-0013-8000', { enabledSchemes: allOn })).toEqual(number('13800138000'));
  });

  it.each([
    ['tel:', 'empty'],
    ['tel:---', 'empty'],
    ['tel:;phone-context=example.com', 'empty'],
    ['tel:+', 'malformed'],
    ['tel:call-me', 'malformed'],
    ['tel:+1-201-555-0123?body=x', 'malformed'],
    ['tel:5550123;phone-context=+1x', 'malformed'],
    ['tel:5550123;phone-context=exa mple', 'malformed'],
    ['tel:5550123;bad param=1', 'malformed'],
    ['tel:%E0%A4%A', 'malformed'],
    [`tel:+${'1'.repeat(33)}`, 'malformed'],
  ] as const)('refuses %j (%s)', (input, reason) => {
    expect(target(input)).toBe(reason);
  });
});

describe('parseLink: callto:', () => {
  it.each([
    ['callto://+44-20-7946-0018', '+442079460018'],
    ['callto:+44 20 7946 0018', '+442079460018'],
    ['callto://+442079460018/', '+442079460018'],
    ['callto:1002', '1002'],
  ])('%s -> %s', (input, expected) => {
    expect(target(input)).toEqual(number(expected));
  });

  it.each([
    ['callto://echo123', 'malformed'],
    ['callto:live:alice', 'malformed'],
    ['callto://+4420?call', 'malformed'],
    ['callto:', 'empty'],
    ['callto://', 'empty'],
  ] as const)('refuses %j (%s)', (input, reason) => {
    expect(target(input)).toBe(reason);
  });
});

describe('parseLink: sip: and sips:', () => {
  it.each([
    ['sip:alice@example.com', 'sip:alice@example.com'],
    ['SIP:alice@Example.COM', 'sip:alice@example.com'],
    ['sips:bob@example.com:5061', 'sips:bob@example.com:5061'],
    ['sip:+12015550123@example.com;user=phone', 'sip:+12015550123@example.com'],
    ['sip:alice@example.com;transport=tls', 'sip:alice@example.com'],
    ['sip:alice@192.0.2.10:5060', 'sip:alice@192.0.2.10:5060'],
    ['sip:alice@[2001:db8::1]', 'sip:alice@[2001:db8::1]'],
    ['sip:al%20ice@example.com', 'sip:al%20ice@example.com'],
    ['sip:*72@pbx.example.com', 'sip:*72@pbx.example.com'],
    // Harmless headers are dropped, never sent.
    ['sip:alice@example.com?subject=hi', 'sip:alice@example.com'],
    ['sip:alice@example.com?Subject=hi%20there&priority=urgent', 'sip:alice@example.com'],
    ['sip:alice@example.com?', 'sip:alice@example.com'],
  ])('%s -> %s', (input, uri) => {
    expect(target(input)).toEqual(sip(uri));
  });

  it.each([
    'sip:alice@example.com?Route=%3Csip:evil.example%3E',
    'sip:alice@example.com?Via=SIP/2.0/UDP%20evil.example',
    'sip:alice@example.com?From=ceo%40example.com',
    'sip:alice@example.com?to=bob%40example.com',
    'sip:alice@example.com?Call-ID=abc',
    'sip:alice@example.com?Contact=sip:evil@evil.example',
    'sip:alice@example.com?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2',
    'sip:alice@example.com?Refer-To=sip:evil@evil.example',
    'sip:alice@example.com?body=hello',
    'sip:alice@example.com?subject=hi&x-custom=1',
    'sip:alice@example.com?s=hi',
    'sip:alice@example.com?%52oute=x',
    'sip:alice@example.com;maddr=evil.example',
    'sip:alice@example.com;method=REGISTER',
    'sip:alice@example.com;lr',
    'sip:alice@example.com;transport=carrier-pigeon',
  ])('refuses %s (headers-not-allowed)', (input) => {
    expect(target(input)).toBe('headers-not-allowed');
  });

  it.each([
    ['sip:', 'empty'],
    ['sip:example.com', 'malformed'],
    ['sip:@example.com', 'malformed'],
    ['sip:alice:secret@example.com', 'malformed'],
    ['sip:alice@bob@example.com', 'malformed'],
    ['sip:alice@exa mple.com', 'malformed'],
    ['sip:alice@example.com:0', 'malformed'],
    ['sip:alice@example.com:70000', 'malformed'],
    ['sip:alice@-bad-.example', 'malformed'],
    ['sip:alice@example.com#frag', 'malformed'],
    ['sip://alice@example.com', 'malformed'],
    ['sip:<alice>@example.com', 'malformed'],
    ['sip:al%ZZice@example.com', 'malformed'],
    [`sip:${'a'.repeat(250)}@example.com`, 'too-long'],
  ] as const)('refuses %j (%s)', (input, reason) => {
    expect(target(input)).toBe(reason);
  });

  it.each([
    ['sip:alice@999.1.1.1', 'host-ipv4-invalid'],
    ['sip:alice@256.0.0.1:5060', 'host-ipv4-invalid'],
    ['sips:alice@010.0.0.1', 'host-ipv4-invalid'],
    ['sip:alice@12345', 'host-numeric'],
    ['sip:alice@1.2.3', 'host-numeric'],
    ['sip:alice@1.2.3.4.5;transport=tcp', 'host-numeric'],
    ['sip:alice@example.123', 'host-numeric'],
    ['sip:alice@[1::2::3]', 'host-ipv6-invalid'],
    ['sip:alice@[12345::1]:5060', 'host-ipv6-invalid'],
    ['sip:alice@[::1%25eth0]', 'host-ipv6-invalid'],
    ['sip:alice@2001:db8::1', 'host-ipv6-invalid'],
    ['sip:alice@[2001:db8::1', 'malformed'],
  ] as const)('refuses %j: a host that cannot exist (%s)', (input, reason) => {
    expect(target(input)).toBe(reason);
  });

  it('writes a valid IPv6 host back in lower case, in brackets', () => {
    expect(target('sip:alice@[2001:DB8::A]:5061')).toEqual(sip('sip:alice@[2001:db8::a]:5061'));
    expect(target('sip:alice@[::ffff:192.0.2.1]')).toEqual(sip('sip:alice@[::ffff:192.0.2.1]'));
  });
});

describe('parseLink: refused before the scheme is read', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    [`tel:${'1'.repeat(509)}`, 'too-long'],
    ['tel:+1201555\r\n0123', 'control-characters'],
    ['tel:+12015550123\n', 'control-characters'],
    ['sip:alice@example.com%0D%0AVia:%20x', 'control-characters'],
    ['sip:alice@example.com?subject=%0d%0aRoute:x', 'control-characters'],
    ['tel:+1201%00', 'control-characters'],
    ['tel:+1201%E0%A4%0A', 'control-characters'],
    ['tel:+1201\u202e3210', 'control-characters'],
    ['tel:+1201%E2%80%AE3210', 'control-characters'],
    ['tel:+1201\u0085', 'control-characters'],
    ['javascript:alert(1)', 'unsupported-scheme'],
    ['JavaScript:alert(1)//tel:123', 'unsupported-scheme'],
    ['http://example.com/tel:123', 'unsupported-scheme'],
    ['file:///etc/passwd', 'unsupported-scheme'],
    ['telnet:example.com', 'unsupported-scheme'],
    ['skype:echo123?call', 'unsupported-scheme'],
    ['+12015550123', 'malformed'],
    ['hello world', 'malformed'],
    [':tel:123', 'malformed'],
  ] as const)('refuses %j (%s)', (input, reason) => {
    expect(target(input)).toBe(reason);
  });

  it('accepts exactly 512 characters', () => {
    expect(target(`tel:${'1'.repeat(508)}`)).toBe('malformed');
  });

  it('refuses a scheme switched off in settings, and only that one', () => {
    const options: ParseLinkOptions = { enabledSchemes: { ...allOn, callto: false, sips: false } };
    expect(target('callto:+442079460018', options)).toBe('scheme-disabled');
    expect(target('sips:bob@example.com', options)).toBe('scheme-disabled');
    expect(target('sip:bob@example.com', options)).toEqual(sip('sip:bob@example.com'));
    expect(target('tel:+442079460018', options)).toEqual(number('+442079460018'));
  });
});

describe('parseLink: the link shown to the user', () => {
  it('returns the link with the result', () => {
    expect(parseLink('tel:+1-201-555-0123', us)).toEqual({
      kind: 'dial',
      link: 'tel:+1-201-555-0123',
      target: number('+12015550123'),
    });
    expect(parseLink('javascript:alert(1)', us)).toEqual({
      kind: 'rejected',
      link: 'javascript:alert(1)',
      reason: 'unsupported-scheme',
    });
  });

  it('removes control characters and shortens to 80 characters', () => {
    expect(parseLink('tel:12\r\n34\u202e', us)).toMatchObject({
      link: 'tel:1234',
      reason: 'control-characters',
    });
    const long = parseLink(`sip:${'a'.repeat(600)}@example.com`, us);
    expect(long).toMatchObject({ kind: 'rejected', reason: 'too-long' });
    expect(long.link).toHaveLength(80);
    expect(long.link.endsWith('…')).toBe(true);
  });

  it('counts code points, so a shortened link never ends in half a character', () => {
    const shown = displayLink(`sip:${'😀'.repeat(100)}`);
    expect(Array.from(shown)).toHaveLength(80);
    expect(shown).not.toMatch(/[\ud800-\udbff]…$/);
  });
});
