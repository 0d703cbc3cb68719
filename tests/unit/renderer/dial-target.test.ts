import { describe, expect, it } from 'vitest';
import { domainOfSipUri } from '../../../renderer/src/sip/dial-context';
import { resolveDialTarget } from '../../../renderer/src/sip/dial-target';

const context = { domain: 'pbx.example.com', defaultCountry: 'US' as const };

describe('resolveDialTarget', () => {
  it.each([
    ['1002', 'sip:1002@pbx.example.com'],
    ['*72', 'sip:*72@pbx.example.com'],
    ['alice', 'sip:alice@pbx.example.com'],
    ['alice@example.org', 'sip:alice@example.org'],
    ['sip:alice@example.org', 'sip:alice@example.org'],
    ['sips:alice@example.org:5061', 'sips:alice@example.org:5061'],
    ['sip:+12015550123@example.org;user=phone', 'sip:+12015550123@example.org;user=phone'],
    ['(201) 555-0123', 'sip:+12015550123@pbx.example.com'],
    ['+1 201-555-0123', 'sip:+12015550123@pbx.example.com'],
    ['tel:+1-201-555-0123', 'sip:+12015550123@pbx.example.com'],
    ['tel:+86%20138%200013%208000', 'sip:+8613800138000@pbx.example.com'],
    ['tel:555-0123;phone-context=example.com', 'sip:5550123@pbx.example.com'],
    ['  1003  ', 'sip:1003@pbx.example.com'],
  ])('%s -> %s', (input, uri) => {
    const target = resolveDialTarget(input, context);
    expect(target).toMatchObject({ ok: true, uri });
  });

  it('reads national numbers with the default country', () => {
    expect(resolveDialTarget('138 0013 8000', { domain: 'd', defaultCountry: 'CN' })).toMatchObject({
      ok: true,
      uri: 'sip:+8613800138000@d',
    });
  });

  it('reads national numbers as typed when the default country is not one libphonenumber knows', () => {
    // An account's country comes from the user or a provisioning file, unchecked.
    expect(resolveDialTarget('201 555 0123', { domain: 'd', defaultCountry: 'XX' })).toEqual(
      resolveDialTarget('201 555 0123', { domain: 'd' }),
    );
    expect(resolveDialTarget('201 555 0123', { domain: 'd', defaultCountry: 'XX' })).toMatchObject({
      ok: true,
      uri: 'sip:2015550123@d',
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['javascript:alert(1)', 'unsupported-scheme'],
    ['http://example.com', 'unsupported-scheme'],
    ['sip:alice@example.org?subject=hi', 'invalid'],
    ['sip:alice@example.org;maddr=evil.example', 'invalid'],
    ['sip:@example.org', 'invalid'],
    ['sip:alice@exa mple.org', 'invalid'],
    ['alice\r\nVia: x', 'bad-characters'],
    ['1'.repeat(300), 'too-long'],
    ['hello world', 'invalid'],
  ])('refuses %j (%s)', (input, error) => {
    expect(resolveDialTarget(input, context)).toEqual({ ok: false, error });
  });

  it('finds the domain of an address of record', () => {
    expect(domainOfSipUri('sip:1001@pbx.example.com')).toBe('pbx.example.com');
    expect(domainOfSipUri('sip:1001@127.0.0.1;transport=ws')).toBe('127.0.0.1');
  });
});
