import { describe, expect, it } from 'vitest';
import { readSipMessageHead } from '../../../renderer/src/diagnostics/sip-message-head';
import {
  SIP_LOG_CAPACITY,
  heldTextBytes,
  SipMessageLog,
  sipLogExport,
  sipLogFacets,
  sipLogMatcher,
  type SipLogEntry,
} from '../../../renderer/src/diagnostics/sip-message-log';
import type { CapturedSipMessage } from '../../../renderer/src/sip/sip-capture';

const CRLF = '\r\n';

function message(lines: string[], body = ''): string {
  return [...lines, `Content-Length: ${body.length}`, '', body].join(CRLF);
}

const REGISTER = message([
  'REGISTER sip:127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1',
  'From: <sip:1001@127.0.0.1>;tag=reg1',
  'To: <sip:1001@127.0.0.1>',
  'Call-ID: reg-call',
  'CSeq: 1 REGISTER',
]);
const UNAUTHORIZED = message([
  'SIP/2.0 401 Unauthorized',
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1',
  'From: <sip:1001@127.0.0.1>;tag=reg1',
  'To: <sip:1001@127.0.0.1>;tag=srv',
  'Call-ID: reg-call',
  'CSeq: 1 REGISTER',
  'WWW-Authenticate: Digest realm="127.0.0.1", nonce="abc"',
]);
const INVITE = message(
  [
    'INVITE sip:1010@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK2',
    'From: "Alice" <sip:1001@127.0.0.1>;tag=inv1',
    'To: <sip:1010@127.0.0.1>',
    'Call-ID: call-XYZ',
    'CSeq: 1 INVITE',
    'Content-Type: application/sdp',
  ],
  'v=0\r\n',
);
const RINGING = message([
  'SIP/2.0 180 Ringing',
  'From: "Alice" <sip:1001@127.0.0.1>;tag=inv1',
  'To: <sip:1010@127.0.0.1>;tag=far',
  'Call-ID: call-XYZ',
  'CSeq: 1 INVITE',
]);

let counter = 0;
function captured(text: string, fields: Partial<CapturedSipMessage> = {}): CapturedSipMessage {
  counter += 1;
  return { id: `acc#${counter}`, accountId: 'acc', direction: 'sent', at: 1_000 + counter, text, ...fields };
}

describe('readSipMessageHead', () => {
  it('reads a request: method, Request-URI, Call-ID, CSeq and tags', () => {
    expect(readSipMessageHead(INVITE)).toEqual({
      kind: 'request',
      method: 'INVITE',
      requestUri: 'sip:1010@127.0.0.1',
      startLine: 'INVITE sip:1010@127.0.0.1 SIP/2.0',
      callId: 'call-XYZ',
      cseq: 1,
      fromTag: 'inv1',
    });
  });

  it('reads a response, its method from CSeq', () => {
    expect(readSipMessageHead(RINGING)).toMatchObject({
      kind: 'response',
      method: 'INVITE',
      status: 180,
      reason: 'Ringing',
      toTag: 'far',
    });
  });

  it('is liberal: compact names, any case, folded lines, bare LF (RFC 3261 §7.3)', () => {
    const text = [
      'bye sip:x@h SIP/2.0',
      'f: <sip:a@h>',
      '  ;tag=folded',
      'I: compact-id',
      'cseq:  7   bye',
      '',
      '',
    ].join('\n');
    expect(readSipMessageHead(text)).toMatchObject({
      kind: 'request',
      method: 'BYE',
      callId: 'compact-id',
      cseq: 7,
      fromTag: 'folded',
    });
  });

  it('never throws on something that is not SIP', () => {
    expect(readSipMessageHead('hello\r\nthere')).toEqual({ kind: 'unknown', method: '', startLine: 'hello' });
    expect(readSipMessageHead('')).toEqual({ kind: 'unknown', method: '', startLine: '' });
  });
});

describe('SipMessageLog', () => {
  it(`keeps the last ${SIP_LOG_CAPACITY} messages, oldest first, and counts what it let go`, () => {
    const log = new SipMessageLog();
    for (let i = 1; i <= SIP_LOG_CAPACITY + 500; i++) log.add(captured(`OPTIONS sip:${i}@h SIP/2.0\r\n\r\n`));
    const entries = log.entries();
    expect(log.size).toBe(SIP_LOG_CAPACITY);
    expect(entries).toHaveLength(SIP_LOG_CAPACITY);
    expect(log.dropped).toBe(500);
    expect(entries[0]?.head.requestUri).toBe('sip:501@h');
    expect(entries.at(-1)?.head.requestUri).toBe(`sip:${SIP_LOG_CAPACITY + 500}@h`);
    // Sequence numbers keep increasing across the wrap.
    expect(entries.every((entry, i) => i === 0 || entry.seq === (entries[i - 1]?.seq ?? 0) + 1)).toBe(true);
  });

  it('wraps around a small ring correctly and clears', () => {
    const log = new SipMessageLog(3);
    for (const n of [1, 2, 3, 4, 5]) log.add(captured(`OPTIONS sip:${n}@h SIP/2.0`));
    expect(log.entries().map((e) => e.head.requestUri)).toEqual(['sip:3@h', 'sip:4@h', 'sip:5@h']);
    log.clear();
    expect(log.entries()).toEqual([]);
    expect(log.size).toBe(0);
    expect(log.dropped).toBe(0);
    expect(() => new SipMessageLog(0)).toThrow(RangeError);
  });

  it('keeps no more message text than its byte budget, dropping the oldest messages, however many fit by count', () => {
    const log = new SipMessageLog(100, 2_000);
    // Two bytes a character: 10 messages of 100 characters fill it.
    const message = (n: number, size = 100) => captured(`OPTIONS sip:${n}@h SIP/2.0\r\n`.padEnd(size, 'x'));
    for (let n = 1; n <= 25; n++) log.add(message(n));
    expect(log.size).toBe(10);
    expect(log.textBytes).toBe(2_000);
    expect(log.dropped).toBe(15);
    expect(log.entries()[0]?.head.requestUri).toBe('sip:16@h');
    // A message of 450 characters pushes out the five oldest (500 characters), not just one.
    log.add(message(26, 450));
    expect(log.entries().map((e) => e.head.requestUri)).toEqual([
      'sip:21@h',
      'sip:22@h',
      'sip:23@h',
      'sip:24@h',
      'sip:25@h',
      'sip:26@h',
    ]);
    expect(log.textBytes).toBe(1_900);
    // A message over the whole budget is kept alone: the newest message is never lost.
    log.add(message(27, 1_500));
    expect(log.entries().map((e) => e.head.requestUri)).toEqual(['sip:27@h']);
    expect(log.textBytes).toBe(3_000);
    log.add(message(28));
    expect(log.entries().map((e) => e.head.requestUri)).toEqual(['sip:28@h']);
    log.clear();
    expect(log.textBytes).toBe(0);
    expect(() => new SipMessageLog(10, 0)).toThrow(RangeError);
  });

  it('counts text at two bytes a character, the most V8 can hold it in, whatever the characters', () => {
    expect(heldTextBytes('INVITE sip:1@h SIP/2.0')).toBe(44);
    expect(heldTextBytes('From: "王小明" <sip:1@h>')).toBe(2 * 'From: "王小明" <sip:1@h>'.length);
  });

  it('marks a message that could not be sent instead of listing it twice', () => {
    const log = new SipMessageLog(10);
    const sent = captured(INVITE);
    log.add(sent);
    log.add(captured(RINGING, { direction: 'received' }));
    log.add({ ...sent, failed: 'Error: not connected' });
    const entries = log.entries();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ id: sent.id, failed: 'Error: not connected', seq: 1 });
  });
});

describe('filters', () => {
  const log = new SipMessageLog();
  log.add(captured(REGISTER));
  log.add(captured(UNAUTHORIZED, { direction: 'received' }));
  log.add(captured(INVITE));
  log.add(captured(RINGING, { direction: 'received', accountId: 'other' }));
  const entries = log.entries();
  const pick = (filter: Parameters<typeof sipLogMatcher>[0]) =>
    entries.filter(sipLogMatcher(filter)).map((e: SipLogEntry) => e.head.startLine);

  it('by method: a response counts by its CSeq method', () => {
    expect(pick({ method: 'invite' })).toEqual(['INVITE sip:1010@127.0.0.1 SIP/2.0', 'SIP/2.0 180 Ringing']);
  });

  it('by status: requests only, a class, one code', () => {
    expect(pick({ status: 'request' })).toHaveLength(2);
    expect(pick({ status: '4xx' })).toEqual(['SIP/2.0 401 Unauthorized']);
    expect(pick({ status: '1xx' })).toEqual(['SIP/2.0 180 Ringing']);
    expect(pick({ status: '401' })).toEqual(['SIP/2.0 401 Unauthorized']);
    expect(pick({ status: '200' })).toEqual([]);
  });

  it('by Call-ID (part of it, case-sensitive), account and text; combined with AND', () => {
    expect(pick({ callId: 'call-XYZ' })).toHaveLength(2);
    expect(pick({ callId: 'XYZ' })).toHaveLength(2);
    expect(pick({ callId: 'xyz' })).toHaveLength(0);
    expect(pick({ accountId: 'other' })).toEqual(['SIP/2.0 180 Ringing']);
    expect(pick({ text: 'www-authenticate' })).toEqual(['SIP/2.0 401 Unauthorized']);
    expect(pick({ callId: 'call-XYZ', status: 'request' })).toEqual(['INVITE sip:1010@127.0.0.1 SIP/2.0']);
    expect(pick({})).toHaveLength(4);
  });

  it('lists the methods, statuses and Call-IDs present', () => {
    expect(sipLogFacets(entries)).toEqual({
      methods: ['INVITE', 'REGISTER'],
      statuses: [180, 401],
      callIds: ['reg-call', 'call-XYZ'],
    });
  });
});

describe('sipLogExport', () => {
  it('writes every message under a line saying when and which way, redacted once more', () => {
    const log = new SipMessageLog();
    // As if a credential had slipped past capture: the export still removes it.
    const leaky = REGISTER.replace(
      'CSeq: 1 REGISTER',
      'CSeq: 2 REGISTER\r\nAuthorization: Digest username="1001", response="0123456789abcdef0123456789abcdef"',
    );
    log.add(captured(leaky, { at: Date.UTC(2026, 11, 7, 10, 0, 0, 123) }));
    log.add(captured(UNAUTHORIZED, { direction: 'received', at: Date.UTC(2026, 11, 7, 10, 0, 0, 140) }));
    const text = sipLogExport(log.entries(), {
      app: 'Ringline 0.1.0',
      exportedAt: Date.UTC(2026, 11, 7, 11, 0, 0),
      accountNames: { acc: 'Alice' },
      dropped: 3,
    });
    expect(text).toContain('Ringline 0.1.0 SIP log, exported 2026-12-07T11:00:00.000Z');
    expect(text).toContain('2 messages, oldest first (3 older messages no longer kept).');
    expect(text).toMatch(/===== #\d+ 2026-12-07T10:00:00\.123Z sent by Ringline, account Alice\nREGISTER/);
    expect(text).toMatch(/received by Ringline, account Alice\nSIP\/2\.0 401 Unauthorized/);
    expect(text).toContain('Authorization: [REDACTED]');
    expect(text).not.toContain('0123456789abcdef');
    expect(text).toContain('WWW-Authenticate: Digest realm="127.0.0.1", nonce="abc"');
    expect(text).not.toContain('\r');
  });
});
