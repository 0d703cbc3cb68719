import { describe, expect, it } from 'vitest';
import type { SipServiceLookup } from '@common/contract';
import { candidateAddress, connectionCandidates } from '../../../renderer/src/accounts/connection-candidates';
import { readSipAddress } from '../../../renderer/src/accounts/sip-address';

describe('readSipAddress', () => {
  it('reads an address with or without its scheme', () => {
    expect(readSipAddress(' 1001@PBX.Example.com ')).toEqual({
      ok: true,
      address: { aor: 'sip:1001@pbx.example.com', user: '1001', host: 'pbx.example.com', secure: false },
    });
    expect(readSipAddress('sips:alice@example.com:5081')).toEqual({
      ok: true,
      address: {
        aor: 'sips:alice@example.com:5081',
        user: 'alice',
        host: 'example.com',
        port: 5081,
        secure: true,
      },
    });
    expect(readSipAddress('sip:1001@127.0.0.1')).toMatchObject({ ok: true, address: { host: '127.0.0.1' } });
  });

  it('says what is missing', () => {
    expect(readSipAddress('  ')).toEqual({ ok: false, problem: 'empty' });
    expect(readSipAddress('pbx.example.com')).toEqual({ ok: false, problem: 'no-user' });
    expect(readSipAddress('@pbx.example.com')).toEqual({ ok: false, problem: 'no-user' });
    expect(readSipAddress('1001')).toEqual({ ok: false, problem: 'no-domain' });
    expect(readSipAddress('1001@')).toEqual({ ok: false, problem: 'no-domain' });
    expect(readSipAddress('1001@pbx example.com')).toEqual({ ok: false, problem: 'malformed' });
    expect(readSipAddress('1001@999.1.1.1')).toEqual({ ok: false, problem: 'malformed' });
    expect(readSipAddress('10 01@pbx.example.com')).toEqual({ ok: false, problem: 'malformed' });
  });
});

describe('connectionCandidates', () => {
  const addresses = (host: string, extra: Partial<Parameters<typeof connectionCandidates>[0]> = {}) =>
    connectionCandidates({ host, secure: false, direct: false, ...extra }).map(candidateAddress);

  it('tries the WebSocket endpoints servers commonly use, most common first', () => {
    expect(addresses('pbx.example.com')).toEqual([
      'wss://pbx.example.com/ws',
      'wss://pbx.example.com:8089/ws',
      'wss://pbx.example.com:7443',
      'wss://pbx.example.com:8443/ws',
      'wss://pbx.example.com',
    ]);
    expect(addresses('2001:db8::5')[1]).toBe('wss://[2001:db8::5]:8089/ws');
  });

  const lookup: SipServiceLookup = {
    domain: 'example.com',
    targets: [
      { transport: 'tls', host: 'sip.example.com', port: 5061, source: 'srv' },
      { transport: 'tcp', host: 'sip.example.com', port: 5060, source: 'srv' },
      { transport: 'udp', host: 'sip2.example.com', port: 5080, source: 'srv' },
    ],
  };

  it('adds the usual WebSocket endpoints of the hosts DNS names, and never a port browsers refuse', () => {
    const found = addresses('example.com', { lookup });
    expect(found.slice(5)).toEqual([
      'wss://sip.example.com/ws',
      'wss://sip.example.com:8089/ws',
      'wss://sip.example.com:7443',
      'wss://sip2.example.com/ws',
      'wss://sip2.example.com:8089/ws',
      'wss://sip2.example.com:7443',
    ]);
    expect(found.some((address) => /:(5060|5061)\b/.test(address))).toBe(false);
  });

  it('with the gateway, then SIP to the domain over each transport DNS offers, in its order', () => {
    const found = addresses('example.com', { lookup, direct: true });
    // The gateway resolves the domain on every connection: the account keeps the name, not today's address.
    expect(found.slice(-3)).toEqual(['TLS example.com', 'TCP example.com', 'UDP example.com']);
    const udpOnly: SipServiceLookup = {
      domain: 'example.com',
      targets: [{ transport: 'udp', host: 'example.com', port: 5060, source: 'address' }],
    };
    expect(addresses('example.com', { lookup: udpOnly, direct: true }).at(-1)).toBe('UDP example.com');
    expect(addresses('example.com', { lookup: udpOnly, direct: true }).at(-2)).toMatch(/^wss:/);
  });

  it('without a lookup, TLS, TCP and UDP; with a port in the address, that port', () => {
    expect(addresses('example.com', { direct: true }).slice(-3)).toEqual([
      'TLS example.com',
      'TCP example.com',
      'UDP example.com',
    ]);
    expect(addresses('example.com', { direct: true, port: 5080, lookup }).slice(-3)).toEqual([
      'TLS example.com:5080',
      'TCP example.com:5080',
      'UDP example.com:5080',
    ]);
  });

  it('a sips: address only goes direct over TLS (RFC 3261 §26.2.2)', () => {
    const direct = connectionCandidates({ host: 'example.com', secure: true, lookup, direct: true }).filter(
      (candidate) => candidate.transport !== 'wss',
    );
    expect(direct).toEqual([{ transport: 'tls', server: 'example.com' }]);
  });
});
