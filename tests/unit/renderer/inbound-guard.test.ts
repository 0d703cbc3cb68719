import { describe, expect, it } from 'vitest';
import {
  guardInbound,
  inspectInbound,
  type InboundGuardOptions,
} from '../../../renderer/src/sip/inbound-guard';

const HEADERS = {
  via: 'Via: SIP/2.0/WSS 127.0.0.1:5070;branch=z9hG4bKtest1',
  from: 'From: <sip:peer@127.0.0.1>;tag=f1',
  to: 'To: <sip:1001@127.0.0.1>',
  callId: 'Call-ID: call-1',
  cseq: 'CSeq: 7 OPTIONS',
  maxForwards: 'Max-Forwards: 70',
};

function request(
  startLine: string,
  omit: (keyof typeof HEADERS)[] = [],
  extra: string[] = [],
  body = '',
): string {
  const headers = Object.entries(HEADERS)
    .filter(([name]) => !omit.includes(name as keyof typeof HEADERS))
    .map(([, line]) => line);
  const length = body ? [] : ['Content-Length: 0'];
  const withBody = body ? [`Content-Length: ${new TextEncoder().encode(body).length}`] : [];
  return [startLine, ...headers, ...extra, ...length, ...withBody, '', body].join('\r\n');
}

const OFFER =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

/** An INVITE to us with the given extra headers and body (SDP unless said otherwise). */
function invite(extra: string[] = [], body = OFFER, contentType = 'application/sdp'): string {
  return request(
    'INVITE sip:1001@127.0.0.1 SIP/2.0',
    ['cseq'],
    [
      'CSeq: 1 INVITE',
      'Contact: <sip:peer@127.0.0.1:5070>',
      ...(body ? [`Content-Type: ${contentType}`] : []),
      ...extra,
    ],
    body,
  );
}

function harness(
  deliver: (message: string) => void = () => undefined,
  options: Partial<InboundGuardOptions> = {},
) {
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
      ...options,
    },
  );
  return { guarded, delivered, sent, logs };
}

const SUPPORTED = { supportedExtensions: ['outbound', '100rel', 'replaces', 'timer'] };

/** The status line and the named headers of the guard's stateless reply to `text`. */
async function replyTo(text: string, options: Partial<InboundGuardOptions> = SUPPORTED) {
  const h = harness(undefined, options);
  h.guarded(text);
  await Promise.resolve();
  expect(h.delivered, 'nothing reaches SIP.js').toEqual([]);
  expect(h.sent).toHaveLength(1);
  const reply = h.sent[0] ?? '';
  const [statusLine = '', ...lines] = reply.split('\r\n\r\n')[0]?.split('\r\n') ?? [];
  const header = (name: string) =>
    lines.find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]+:\s*/, '');
  return { reply, statusLine, header, logs: h.logs };
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
    const { reply, statusLine, logs } = await replyTo(
      request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', ['from']),
    );
    expect(statusLine).toBe('SIP/2.0 400 Missing From');
    expect(reply).toContain(`${HEADERS.via}\r\n`);
    expect(reply).toMatch(/\r\nTo: <sip:1001@127\.0\.0\.1>;tag=\w+\r\n/);
    expect(reply).toContain('\r\nCall-ID: call-1\r\nCSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n');
    expect(logs.join('\n')).toContain('Answered 400');
  });

  it('gives a retransmitted request the same To tag (RFC 3261 §8.2.7)', async () => {
    const text = request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', ['from']);
    const first = (await replyTo(text)).header('To');
    const second = (await replyTo(text)).header('To');
    expect(first).toMatch(/;tag=\w+$/);
    expect(second).toBe(first);
  });

  it('answers 400 to a request with a header SIP.js cannot parse', async () => {
    const { statusLine } = await replyTo(
      request('MESSAGE sip:1001@127.0.0.1 SIP/2.0', ['cseq'], ['CSeq: many MESSAGE']),
    );
    expect(statusLine).toMatch(/^SIP\/2\.0 400 /);
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
    expect((await replyTo(request('OPTIONS tel:+15551234567 SIP/2.0'))).statusLine).toBe(
      'SIP/2.0 416 Unsupported URI Scheme',
    );
    expect(
      (await replyTo(request('PRACK sip:1001@127.0.0.1 SIP/2.0', ['cseq'], ['CSeq: 7 PRACK']))).statusLine,
    ).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
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

describe('RFC 3261 §8.2 verdicts', () => {
  it('505 to a SIP version other than 2.0 (§8.2.2, §21.5.6), a response of one is dropped', async () => {
    expect((await replyTo(request('OPTIONS sip:1001@127.0.0.1 SIP/7.0'))).statusLine).toBe(
      'SIP/2.0 505 Version Not Supported',
    );
    expect(
      inspectInbound(
        [
          'SIP/3.0 200 OK',
          HEADERS.via,
          HEADERS.from,
          HEADERS.to,
          HEADERS.callId,
          'CSeq: 1 INVITE',
          '',
          '',
        ].join('\r\n'),
      ),
    ).toMatchObject({ kind: 'drop' });
  });

  it('400 to a CSeq method other than the request method (§8.1.1.5)', async () => {
    const text = request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', ['cseq'], ['CSeq: 7 INVITE']);
    expect((await replyTo(text)).statusLine).toBe('SIP/2.0 400 CSeq Method Does Not Match');
    // An unknown method whose CSeq names another one: 400 too, not SIP.js's 405.
    const unknown = request('NEWMETHOD sip:1001@127.0.0.1 SIP/2.0', ['cseq'], ['CSeq: 7 INVITE']);
    expect((await replyTo(unknown)).statusLine).toMatch(/^SIP\/2\.0 400 /);
  });

  it('400 to a CSeq number of 2**31 or more (§8.1.1.5) and a Max-Forwards over 255 (§20.22): RFC 4475 "scalar02"', async () => {
    const cseq = await replyTo(
      request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', ['cseq'], ['CSeq: 2147483648 OPTIONS']),
    );
    expect(cseq.statusLine).toBe('SIP/2.0 400 Bad CSeq Number');
    const huge = await replyTo(
      request('REGISTER sip:127.0.0.1 SIP/2.0', ['cseq'], ['CSeq: 36893488147419103232 REGISTER']),
    );
    expect(huge.statusLine).toBe('SIP/2.0 400 Bad CSeq Number');
    const hops = await replyTo(
      request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', ['maxForwards'], ['Max-Forwards: 300']),
    );
    expect(hops.statusLine).toBe('SIP/2.0 400 Bad Max-Forwards');
    // The largest allowed, and leading zeros (RFC 4475 "wsinv": 0068, 0009), pass.
    const h = harness();
    const fine = request(
      'OPTIONS sip:1001@127.0.0.1 SIP/2.0',
      ['cseq', 'maxForwards'],
      ['CSeq: 2147483647 OPTIONS', 'Max-Forwards: 0068'],
    );
    h.guarded(fine);
    expect(h.delivered).toEqual([fine]);
  });

  it('400 to a request whose Request-URI holds white space (RFC 4475 "lwsruri"), not silence', async () => {
    const { statusLine } = await replyTo(request('OPTIONS sip:1001@127.0.0.1; lr SIP/2.0'));
    expect(statusLine).toMatch(/^SIP\/2\.0 400 /);
  });

  it('400 to two different Content-Length values, and to conflicting single-valued headers', async () => {
    const text = [
      'OPTIONS sip:1001@127.0.0.1 SIP/2.0',
      ...Object.values(HEADERS),
      'Content-Type: text/plain',
      'Content-Length: 5',
      'l: 3',
      '',
      'hello',
    ].join('\r\n');
    expect((await replyTo(text)).statusLine).toBe('SIP/2.0 400 Conflicting Content-Length Values');
    const twoCallIds = request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', [], ['Call-ID: another']);
    expect((await replyTo(twoCallIds)).statusLine).toBe('SIP/2.0 400 Conflicting Call-ID Values');
  });

  it('passes the same header repeated with the same value (SIP.js reads the first)', () => {
    const text = request('OPTIONS sip:1001@127.0.0.1 SIP/2.0', [], ['Max-Forwards:  70']);
    expect(inspectInbound(text, SUPPORTED)).toMatchObject({ kind: 'pass', text });
  });

  it('420 with Unsupported listing each unknown extension in Require (§8.2.2.3)', async () => {
    const text = request(
      'OPTIONS sip:1001@127.0.0.1 SIP/2.0',
      [],
      ['Require: nothingSupportsThis, timer', 'Require: nothingSupportsThisEither'],
    );
    const { statusLine, header } = await replyTo(text);
    expect(statusLine).toBe('SIP/2.0 420 Bad Extension');
    expect(header('Unsupported')).toBe('nothingSupportsThis, nothingSupportsThisEither');
  });

  it('takes Require of what we support, and ignores Require in ACK and CANCEL', () => {
    expect(inspectInbound(invite(['Require: 100rel, timer']), SUPPORTED).kind).toBe('pass');
    const cancel = request('CANCEL sip:1001@127.0.0.1 SIP/2.0', ['cseq'], ['CSeq: 1 CANCEL', 'Require: foo']);
    expect(inspectInbound(cancel, SUPPORTED).kind).toBe('pass');
  });

  it('415 with Accept: application/sdp to an INVITE whose body is not SDP (§8.2.3, §21.4.13)', async () => {
    const { statusLine, header } = await replyTo(invite([], 'hello', 'text/plain'));
    expect(statusLine).toBe('SIP/2.0 415 Unsupported Media Type');
    expect(header('Accept')).toBe('application/sdp');
    const encoded = await replyTo(invite(['Content-Encoding: gzip']));
    expect(encoded.statusLine).toBe('SIP/2.0 415 Unsupported Media Type');
    expect(encoded.header('Accept-Encoding')).toBe('identity');
  });

  it('406 to an INVITE whose Accept does not take application/sdp (§21.4.7)', async () => {
    expect((await replyTo(invite(['Accept: text/nobodyKnowsThis']))).statusLine).toBe(
      'SIP/2.0 406 Not Acceptable',
    );
    expect((await replyTo(invite(['Accept: application/sdp;q=0']))).statusLine).toBe(
      'SIP/2.0 406 Not Acceptable',
    );
    for (const accept of [
      'application/sdp',
      'application/*',
      '*/*;q=0.5',
      'text/html, application/SDP;level=1',
    ])
      expect(inspectInbound(invite([`Accept: ${accept}`]), SUPPORTED).kind, accept).toBe('pass');
  });

  it('takes an INVITE without an offer (the offer goes in our 2xx)', () => {
    expect(inspectInbound(invite([], ''), SUPPORTED).kind).toBe('pass');
  });

  it('takes the SDP part of a multipart/mixed INVITE (SIP-T, RFC 5621) and hands SIP.js plain SDP', () => {
    const body = [
      '--unique-boundary-1',
      'Content-Type: application/sdp',
      '',
      OFFER.trimEnd(),
      '--unique-boundary-1',
      'Content-Type: application/isup;version=itu-t92+',
      'Content-Disposition: signal;handling=optional',
      '',
      '\u0001\u0002\u0003',
      '--unique-boundary-1--',
      '',
    ].join('\r\n');
    const verdict = inspectInbound(
      invite(['MIME-Version: 1.0'], body, 'multipart/mixed;boundary=unique-boundary-1'),
      SUPPORTED,
    );
    expect(verdict.kind).toBe('pass');
    if (verdict.kind !== 'pass') return;
    expect(verdict.text).toMatch(/\r\nContent-Type: application\/sdp\r\nContent-Length: \d+\r\n\r\nv=0\r\n/);
    expect(verdict.text).not.toMatch(/multipart|MIME-Version|isup/i);
    expect(verdict.text.endsWith(OFFER.trimEnd())).toBe(true);
  });

  it('415 to a multipart INVITE without an SDP part, or with a part it requires that we cannot read', async () => {
    const part = (type: string, disposition?: string) => [
      '--b',
      `Content-Type: ${type}`,
      ...(disposition ? [`Content-Disposition: ${disposition}`] : []),
      '',
      type === 'application/sdp' ? OFFER.trimEnd() : 'x',
    ];
    const noSdp = [...part('text/plain'), '--b--', ''].join('\r\n');
    expect((await replyTo(invite([], noSdp, 'multipart/mixed; boundary=b'))).statusLine).toMatch(
      /^SIP\/2\.0 415 /,
    );
    const required = [
      ...part('application/sdp'),
      ...part('application/x-unknown', 'render;handling=required'),
      '--b--',
      '',
    ].join('\r\n');
    expect((await replyTo(invite([], required, 'multipart/mixed; boundary=b'))).statusLine).toMatch(
      /^SIP\/2\.0 415 /,
    );
  });

  it('leaves a request for a dialog we do not have to SIP.js (481, §12.2.2), before the content checks', () => {
    const inDialog = invite(['Require: foo'], 'hello', 'text/plain').replace(
      'To: <sip:1001@127.0.0.1>',
      'To: <sip:1001@127.0.0.1>;tag=ours',
    );
    const unknown = inspectInbound(inDialog, { ...SUPPORTED, knowsDialog: () => false });
    expect(unknown).toMatchObject({ kind: 'pass', text: inDialog });
    const known = inspectInbound(inDialog, {
      ...SUPPORTED,
      knowsDialog: (callId, local, remote) => callId === 'call-1' && local === 'ours' && remote === 'f1',
    });
    expect(known).toMatchObject({ kind: 'reply', statusCode: 420 });
  });
});

describe('a 1xx without Contact (RFC 3261 §12.1.1; Linphone sends one)', () => {
  const ringing = [
    'SIP/2.0 180 Ringing',
    'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bKours',
    'From: <sip:1001@127.0.0.1>;tag=ourtag',
    'To: <sip:1020@127.0.0.1>;tag=theirs',
    'Call-ID: ourcall',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

  it('is delivered to SIP.js (its INVITE transaction moves on) and reported as ringing', () => {
    const reported: unknown[] = [];
    const h = harness(undefined, { onProvisionalWithoutContact: (response) => void reported.push(response) });
    h.guarded(ringing);
    expect(h.delivered).toEqual([ringing]);
    expect(reported).toEqual([
      { callId: 'ourcall', fromTag: 'ourtag', statusCode: 180, reasonPhrase: 'Ringing', hasBody: false },
    ]);
  });

  it('is not reported when it has a Contact, has no To tag, or answers something else', () => {
    const reported: unknown[] = [];
    const h = harness(undefined, { onProvisionalWithoutContact: (response) => void reported.push(response) });
    h.guarded(ringing.replace('CSeq: 1 INVITE', 'CSeq: 1 INVITE\r\nContact: <sip:1020@127.0.0.1:5080>'));
    h.guarded(ringing.replace(';tag=theirs', ''));
    h.guarded(ringing.replace('SIP/2.0 180 Ringing', 'SIP/2.0 100 Trying'));
    expect(h.delivered).toHaveLength(3);
    expect(reported).toEqual([]);
  });
});
