import { describe, expect, it } from 'vitest';
import { guardInbound } from '../../../renderer/src/sip/inbound-guard';

const HEADERS = {
  via: 'Via: SIP/2.0/WSS 127.0.0.1:5070;branch=z9hG4bKtest1',
  from: 'From: <sip:peer@127.0.0.1>;tag=f1',
  to: 'To: <sip:1001@127.0.0.1>',
  callId: 'Call-ID: call-1',
  cseq: 'CSeq: 7 OPTIONS',
  maxForwards: 'Max-Forwards: 70',
};

function request(startLine: string, omit: (keyof typeof HEADERS)[] = [], extra: string[] = []): string {
  const headers = Object.entries(HEADERS)
    .filter(([name]) => !omit.includes(name as keyof typeof HEADERS))
    .map(([, line]) => line);
  return [startLine, ...headers, ...extra, 'Content-Length: 0', '', ''].join('\r\n');
}

function harness(deliver: (message: string) => void = () => undefined) {
  const delivered: string[] = [];
  const sent: string[] = [];
  const logs: string[] = [];
  const guarded = guardInbound(
    (message) => {
      delivered.push(message);
      deliver(message);
    },
    {
      send: async (message) => void sent.push(message),
      log: (level, message) => void logs.push(`${level}: ${message}`),
    },
  );
  return { guarded, delivered, sent, logs };
}

describe('guardInbound', () => {
  it('passes a well-formed request to SIP.js untouched', () => {
    const h = harness();
    const text = request('OPTIONS sip:1001@127.0.0.1 SIP/2.0');
    h.guarded(text);
    expect(h.delivered).toEqual([text]);
    expect(h.sent).toEqual([]);
  });

  it('answers 400 to a request missing a mandatory header, copying what routes the reply', async () => {
    const h = harness();
    h.guarded(request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', ['from']));
    await Promise.resolve();
    expect(h.delivered).toEqual([]);
    expect(h.sent).toHaveLength(1);
    const reply = h.sent[0] ?? '';
    expect(reply).toMatch(/^SIP\/2\.0 400 Missing from\r\n/);
    expect(reply).toContain(`${HEADERS.via}\r\n`);
    expect(reply).toMatch(/\r\nTo: <sip:1001@127\.0\.0\.1>;tag=\w+\r\n/);
    expect(reply).toContain('\r\nCall-ID: call-1\r\nCSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n');
    expect(h.logs.join('\n')).toContain('Answered 400');
  });

  it('answers 400 to a request with a header SIP.js cannot parse', async () => {
    const h = harness();
    h.guarded(request('MESSAGE sip:1001@127.0.0.1 SIP/2.0', ['cseq'], ['CSeq: many MESSAGE']));
    await Promise.resolve();
    expect(h.sent[0]).toMatch(/^SIP\/2\.0 400 /);
  });

  it('drops a request without Via (there is nowhere to answer) and an ACK, with a log line', () => {
    const h = harness();
    h.guarded(request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', ['via']));
    h.guarded(request('ACK sip:1001@127.0.0.1 SIP/2.0', ['from']));
    expect(h.delivered).toEqual([]);
    expect(h.sent).toEqual([]);
    expect(h.logs).toHaveLength(2);
  });

  it('answers 416 to a tel: Request-URI and 481 to a PRACK outside a dialog, on which SIP.js throws', async () => {
    const h = harness();
    h.guarded(request('OPTIONS tel:+15551234567 SIP/2.0'));
    h.guarded(request('PRACK sip:1001@127.0.0.1 SIP/2.0'));
    await Promise.resolve();
    expect(h.sent.map((reply) => reply.split('\r\n')[0])).toEqual([
      'SIP/2.0 416 Unsupported URI Scheme',
      'SIP/2.0 481 Call/Transaction Does Not Exist',
    ]);
  });

  it("drops a response with a broken CSeq (SIP.js's parser throws on it) and binary junk", () => {
    const h = harness();
    h.guarded(
      ['SIP/2.0 200 OK', HEADERS.via, HEADERS.from, HEADERS.to, HEADERS.callId, 'CSeq: abc', '', ''].join(
        '\r\n',
      ),
    );
    h.guarded('\u0000\u00ff\u0013junk');
    expect(h.delivered).toEqual([]);
    expect(h.sent).toEqual([]);
    expect(h.logs.every((line) => line.startsWith('warn: Dropped'))).toBe(true);
  });

  it('keeps an exception thrown while SIP.js handles a message from escaping, and logs it', () => {
    const h = harness(() => {
      throw new Error('boom');
    });
    expect(() => h.guarded(request('OPTIONS sip:1001@127.0.0.1 SIP/2.0'))).not.toThrow();
    expect(h.logs).toEqual([expect.stringMatching(/^error: SIP\.js failed on an incoming message \(boom\)/)]);
  });
});
