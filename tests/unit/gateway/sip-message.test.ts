import { describe, expect, it } from 'vitest';
import {
  readsAsRequest,
  SipMessage,
  SipParseError,
  SipStreamFramer,
  splitHeaderList,
} from '../../../electron/gateway/sip-message';
import { canonicalHeaderName } from '../../../electron/common/sip-header-names';

const INVITE = [
  'INVITE sip:1010@127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/UDP abc.invalid;branch=z9hG4bK1',
  'v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2',
  'From: "Alice, A." <sip:1001@127.0.0.1>;tag=a',
  'To: <sip:1010@127.0.0.1>',
  'i: call-1',
  'CSeq: 7 INVITE',
  'Subject: a long',
  '  folded line',
  'Content-Type: application/sdp',
  'Content-Length: 5',
  '',
  'v=0\r\nEXTRA',
].join('\r\n');

describe('SipMessage', () => {
  it('reads a request: compact names, folding, body cut to Content-Length', () => {
    const message = SipMessage.parse(INVITE);
    expect(message.startLine).toEqual({
      kind: 'request',
      method: 'INVITE',
      uri: 'sip:1010@127.0.0.1',
      version: 'SIP/2.0',
    });
    expect(message.method).toBe('INVITE');
    expect(message.callId).toBe('call-1');
    expect(message.cseq).toEqual({ number: 7, method: 'INVITE' });
    expect(message.headerValues('via')).toHaveLength(2);
    expect(message.header('subject')).toBe('a long folded line');
    expect(message.bodyText).toBe('v=0\r\n');
    expect(message.contentType).toBe('application/sdp');
  });

  it('reads a response and knows its method from CSeq', () => {
    const message = SipMessage.parse(
      'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
    );
    expect(message.status).toBe(180);
    expect(message.method).toBe('INVITE');
    expect(message.isRequest).toBe(false);
  });

  it('writes one Content-Length true to a new body, keeping every other field as it was', () => {
    const message = SipMessage.parse(INVITE);
    message.setBody('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n');
    const text = message.toString();
    expect(text).toContain('Content-Length: 31\r\n\r\nv=0');
    expect(text).toContain('v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2\r\n');
    expect(SipMessage.parse(text).bodyText).toBe('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n');
  });

  it('counts Content-Length in bytes, not characters', () => {
    const message = SipMessage.parse('MESSAGE sip:a@b SIP/2.0\r\nCSeq: 1 MESSAGE\r\n\r\n');
    message.setBody('你好');
    expect(message.toString()).toContain('Content-Length: 6\r\n');
  });

  it('refuses what is not SIP, with the reason', () => {
    expect(() => SipMessage.parse('hello')).toThrow(SipParseError);
    expect(() => SipMessage.parse('GET / HTTP/1.1\r\n\r\n')).toThrow(/start line/);
    expect(() => SipMessage.parse('OPTIONS sip:a SIP/2.0\r\nno colon here\r\n\r\n')).toThrow(/header field/);
    expect(() =>
      SipMessage.parse('OPTIONS sip:a SIP/2.0\r\nContent-Length: 10\r\nl: 11\r\n\r\n0123456789X'),
    ).toThrow(/conflicting/);
    expect(() => SipMessage.parse('OPTIONS sip:a SIP/2.0\r\nContent-Length: 99\r\n\r\nshort')).toThrow(
      /only 5 bytes/,
    );
    expect(() => SipMessage.parse('OPTIONS sip:a SIP/2.0\r\nContent-Length: -1\r\n\r\n')).toThrow(
      /bad Content-Length/,
    );
  });

  it('sets, appends and removes fields by any form of their name', () => {
    const message = SipMessage.parse(INVITE);
    message.setHeader('Call-ID', 'call-2');
    expect(message.toString()).toContain('i: call-2\r\n');
    message.setHeader('Contact', '<sip:1001@192.0.2.1:5060>');
    expect(message.header('m')).toBe('<sip:1001@192.0.2.1:5060>');
    message.removeHeader('v');
    expect(message.headerValues('Via')).toEqual([]);
    expect(canonicalHeaderName('X')).toBe('session-expires');
  });

  it('clones deeply', () => {
    const message = SipMessage.parse(INVITE);
    const copy = message.clone();
    copy.setHeader('call-id', 'other');
    copy.setBody('x');
    expect(message.callId).toBe('call-1');
    expect(message.bodyText).toBe('v=0\r\n');
  });
});

describe('splitHeaderList', () => {
  it('splits at commas outside quotes and angle brackets', () => {
    expect(splitHeaderList('"A, B" <sip:a@b;x=1,2>;q=1, <sip:c@d>')).toEqual([
      '"A, B" <sip:a@b;x=1,2>;q=1',
      '<sip:c@d>',
    ]);
    expect(splitHeaderList('SIP/2.0/UDP a;branch=1 , SIP/2.0/TCP b;branch=2')).toEqual([
      'SIP/2.0/UDP a;branch=1',
      'SIP/2.0/TCP b;branch=2',
    ]);
  });
});

describe('SipStreamFramer', () => {
  function framer(): { push(text: string): void; seen: string[] } {
    const seen: string[] = [];
    const f = new SipStreamFramer({
      message: (bytes) => seen.push(`message:${bytes.toString()}`),
      ping: () => seen.push('ping'),
      pong: () => seen.push('pong'),
      error: (reason) => seen.push(`error:${reason}`),
    });
    return { push: (text) => f.push(Buffer.from(text)), seen };
  }
  const one = 'OPTIONS sip:a SIP/2.0\r\nContent-Length: 3\r\n\r\nabc';

  it('frames messages split across chunks and joined in one', () => {
    const { push, seen } = framer();
    push(one.slice(0, 10));
    push(one.slice(10, 40));
    expect(seen).toEqual([]);
    push(one.slice(40) + one);
    expect(seen).toEqual([`message:${one}`, `message:${one}`]);
  });

  it('tells pings (CRLFCRLF) from pongs (CRLF) between messages', () => {
    const { push, seen } = framer();
    push('\r\n\r\n');
    push('\r\n');
    push(one);
    expect(seen).toEqual(['ping', 'pong', `message:${one}`]);
  });

  it('gives up on a stream without Content-Length or with a huge message', () => {
    const a = framer();
    a.push('OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n');
    expect(a.seen).toEqual(['error:a message without a valid Content-Length on a stream']);
    const b = framer();
    b.push('OPTIONS sip:a SIP/2.0\r\nContent-Length: 900000\r\n\r\n');
    expect(b.seen[0]).toMatch(/^error:a message of \d+ bytes/);
    const c = framer();
    c.push('X'.repeat(70_000));
    expect(c.seen).toEqual(['error:header fields too long']);
  });
});

describe('readsAsRequest', () => {
  const datagram = (startLine: string) =>
    Buffer.from(`${startLine}\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n`);

  it('knows a request line with white space in the Request-URI or after the version for a request (RFC 4475 "lwsruri", "trws")', () => {
    expect(readsAsRequest(datagram('INVITE sip:user@example.com; lr SIP/2.0'))).toBe(true);
    expect(readsAsRequest(datagram('OPTIONS sip:remote-target@example.com SIP/2.0  '))).toBe(true);
    expect(readsAsRequest(datagram('OPTIONS sip:a@b SIP/2.0'))).toBe(true);
  });

  it('does not take a response, junk or a datagram without a whole header section for one', () => {
    expect(readsAsRequest(datagram('SIP/2.0 4294967301 better not break the receiver'))).toBe(false);
    expect(readsAsRequest(datagram('NOT A SIP START LINE'))).toBe(false);
    expect(readsAsRequest(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;bra'))).toBe(false);
  });
});
