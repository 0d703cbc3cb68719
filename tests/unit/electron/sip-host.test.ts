import { describe, expect, it } from 'vitest';
import { isIpv6Address, readSipHost, type SipHostProblem } from '../../../electron/common/sip-host';
import { readSipServer } from '../../../electron/common/sip-server';

describe('readSipHost', () => {
  it.each([
    ['example.com', 'name', 'example.com'],
    ['PBX.Example.COM', 'name', 'pbx.example.com'],
    ['example.com.', 'name', 'example.com.'],
    ['localhost', 'name', 'localhost'],
    ['1and1.com', 'name', '1and1.com'],
    ['123.example', 'name', '123.example'],
    ['xn--fiqs8s.example', 'name', 'xn--fiqs8s.example'],
    ['127.0.0.1', 'ipv4', '127.0.0.1'],
    ['0.0.0.0', 'ipv4', '0.0.0.0'],
    ['255.255.255.255', 'ipv4', '255.255.255.255'],
    ['[2001:db8::1]', 'ipv6', '2001:db8::1'],
    ['[2001:DB8::A]', 'ipv6', '2001:db8::a'],
    ['[::1]', 'ipv6', '::1'],
    ['[::]', 'ipv6', '::'],
    ['[1:2:3:4:5:6:7:8]', 'ipv6', '1:2:3:4:5:6:7:8'],
    ['[1:2:3:4:5:6:7::]', 'ipv6', '1:2:3:4:5:6:7::'],
    ['[::ffff:192.0.2.1]', 'ipv6', '::ffff:192.0.2.1'],
    ['[64:ff9b::192.0.2.33]', 'ipv6', '64:ff9b::192.0.2.33'],
  ] as const)('%s is a %s host', (text, kind, host) => {
    expect(readSipHost(text)).toEqual({ ok: true, host: { kind, host } });
  });

  it.each([
    // Four numbers that are not an IPv4 address.
    ['999.1.1.1', 'ipv4-invalid'],
    ['256.0.0.1', 'ipv4-invalid'],
    ['1.2.3.300', 'ipv4-invalid'],
    ['010.1.1.1', 'ipv4-invalid'],
    ['1.2.3.04', 'ipv4-invalid'],
    ['1.2.3.4.', 'ipv4-invalid'],
    // All-numeric names, or a numeric top label (RFC 3696 §2).
    ['12345', 'numeric'],
    ['1.2.3', 'numeric'],
    ['1.2.3.4.5', 'numeric'],
    ['example.123', 'numeric'],
    ['0x7f.1', 'numeric'],
    // IPv6 references that are not RFC 4291 text, or have no brackets.
    ['[1::2::3]', 'ipv6-invalid'],
    ['[12345::]', 'ipv6-invalid'],
    ['[1:2:3:4:5:6:7:8:9]', 'ipv6-invalid'],
    ['[1:2:3:4:5:6:7]', 'ipv6-invalid'],
    ['[1:2:3:4:5:6:7:8::]', 'ipv6-invalid'],
    ['[:1::]', 'ipv6-invalid'],
    ['[::1%25eth0]', 'ipv6-invalid'],
    ['[::ffff:999.0.2.1]', 'ipv6-invalid'],
    ['[g::1]', 'ipv6-invalid'],
    ['[]', 'ipv6-invalid'],
    ['[::1', 'ipv6-invalid'],
    ['2001:db8::1', 'ipv6-invalid'],
    // Not a host at all.
    ['', 'malformed'],
    ['exa mple.com', 'malformed'],
    ['-bad-.example', 'malformed'],
    ['under_score.example', 'malformed'],
    ['a..b', 'malformed'],
    [`${'a'.repeat(64)}.example`, 'malformed'],
    [`${'abcdefghi.'.repeat(26)}com`, 'malformed'],
  ] as [string, SipHostProblem][])('%j is refused (%s)', (text, problem) => {
    expect(readSipHost(text)).toEqual({ ok: false, problem });
  });

  it('counts an embedded IPv4 address as two groups', () => {
    expect(isIpv6Address('1:2:3:4:5:6:192.0.2.1')).toBe(true);
    expect(isIpv6Address('1:2:3:4:5:6:7:192.0.2.1')).toBe(false);
    expect(isIpv6Address('1:2:3:4:5::192.0.2.1')).toBe(true);
    expect(isIpv6Address('192.0.2.1')).toBe(false);
  });
});

describe('readSipServer uses the same host rules', () => {
  it.each([
    ['pbx.example.com', { host: 'pbx.example.com' }],
    ['pbx.example.com:5080', { host: 'pbx.example.com', port: 5080 }],
    ['192.0.2.10:5060', { host: '192.0.2.10', port: 5060 }],
    ['[2001:db8::1]:5061', { host: '2001:db8::1', port: 5061 }],
  ])('reads %s', (text, server) => {
    expect(readSipServer(text)).toEqual({ ok: true, server });
  });

  it.each([
    ['999.1.1.1', 'malformed'],
    ['12345', 'malformed'],
    ['[1::2::3]:5060', 'malformed'],
    ['2001:db8::1', 'malformed'],
    ['sip:pbx.example.com', 'malformed'],
    ['pbx.example.com:0', 'port'],
    ['pbx.example.com:', 'port'],
    ['pbx.example.com:70000', 'port'],
  ])('refuses %s (%s)', (text, problem) => {
    expect(readSipServer(text)).toEqual({ ok: false, problem });
  });
});
