/**
 * A seeded, reproducible generator of bad SIP to push at a client over its WebSocket (see
 * `ws-proxy.ts`). The same seed and target always give the same messages, so a failure seen once can
 * be replayed by printing the seed. Pure: no I/O, no clock, no global random.
 *
 * Each message says what a correct UA answers (RFC 3261 and SIP.js's documented behaviour), keyed by
 * the Via branch the generator put in it, so a test can match the client's replies to its requests.
 */

/** Where the injected messages pretend to come from and go to. */
export interface FuzzTarget {
  /** User part the client registered, e.g. "1001": requests for another user get 404. */
  user: string;
  /** SIP domain, e.g. "127.0.0.1". */
  domain: string;
  /**
   * The sent-by host of the client's own Via (SIP.js makes up a random `*.invalid` host). Responses
   * must carry it to get past SIP.js's transport check and reach its transaction layer.
   */
  clientViaHost: string;
  /** Host:port written in the Via of injected requests, e.g. the proxy's address. */
  sentBy: string;
}

export type FuzzFamily =
  | 'broken-start-line'
  | 'missing-header'
  | 'duplicate-header'
  | 'huge-header'
  | 'bad-sdp'
  | 'content-length'
  | 'binary-junk'
  | 'unknown-method'
  | 'wrong-target'
  | 'stray-response'
  | 'bogus-dialog'
  | 'flood';

/**
 * What the client should send back:
 * - `status`: one final response whose code is in `codes`;
 * - `none`: nothing at all (not a request, no Via to answer to, an ACK, a response);
 * - `unchecked`: nothing is asserted (RFC 3261 leaves it open), only that the client survives.
 */
export type FuzzExpectation =
  { reply: 'status'; codes: readonly number[] } | { reply: 'none' } | { reply: 'unchecked' };

export interface FuzzMessage {
  index: number;
  family: FuzzFamily;
  /** Short human description, e.g. "OPTIONS without Call-ID". */
  description: string;
  /** A text frame, or bytes for a binary frame. */
  frame: string | Uint8Array;
  /** Via branch of the message, the key to find the client's reply; absent when there is none. */
  branch?: string;
  expect: FuzzExpectation;
}

/** Every branch the generator makes starts with this (RFC 3261 magic cookie + a marker). */
export const FUZZ_BRANCH_PREFIX = 'z9hG4bKfuzz';

/** Mulberry32: a tiny, well-distributed 32-bit PRNG, enough for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Picker {
  constructor(private readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  token(length: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let text = '';
    for (let i = 0; i < length; i += 1) text += alphabet[this.int(0, alphabet.length - 1)];
    return text;
  }
}

interface Header {
  name: string;
  value: string;
}

interface RequestParts {
  method: string;
  uri: string;
  headers: Header[];
  body: string;
}

const CRLF = '\r\n';

function serialize(startLine: string, headers: Header[], body: string, contentLength?: string): string {
  const lines = [startLine, ...headers.map((h) => `${h.name}: ${h.value}`)];
  lines.push(`Content-Length: ${contentLength ?? String(new TextEncoder().encode(body).length)}`);
  return lines.join(CRLF) + CRLF + CRLF + body;
}

function serializeRequest(parts: RequestParts, contentLength?: string): string {
  return serialize(`${parts.method} ${parts.uri} SIP/2.0`, parts.headers, parts.body, contentLength);
}

const BROKEN_SDP = [
  'v=0\r\nthis is not SDP at all\r\n',
  'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 999.999.999.999\r\nt=0 0\r\nm=audio notaport RTP/SAVPF 0\r\n',
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111\r\na=fingerprint:sha-256 ZZ\r\na=ice-ufrag:\r\n',
  'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP\r\nm=audio 0 RTP/AVP\r\nm=application 1 unknown\r\n',
  '\u0000\u0001\u0002sdp\r\n',
  `v=0\r\no=- 3 3 IN IP4 127.0.0.1\r\ns=${'x'.repeat(20_000)}\r\nt=0 0\r\n`,
];

/** Methods a UA answers inside a dialog; without a matching dialog each gets 481 (RFC 3261 §12.2.2). */
const IN_DIALOG_METHODS = ['BYE', 'INFO', 'INVITE', 'REFER', 'OPTIONS', 'MESSAGE', 'PRACK'] as const;

/** The mandatory headers of a request (RFC 3261 §8.1.1) and whether a reply is still possible. */
const MANDATORY = ['From', 'To', 'Call-ID', 'CSeq', 'Via', 'Max-Forwards'] as const;

/** A well-formed OPTIONS to the client (answered 200), e.g. to learn that it has read all before. */
export function probeRequest(target: FuzzTarget, branch: string): string {
  const uri = `sip:${target.user}@${target.domain}`;
  return serializeRequest({
    method: 'OPTIONS',
    uri,
    body: '',
    headers: [
      { name: 'Via', value: `SIP/2.0/WSS ${target.sentBy};branch=${branch}` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:fuzzer@${target.domain}>;tag=probe` },
      { name: 'To', value: `<${uri}>` },
      { name: 'Call-ID', value: `probe-${branch}` },
      { name: 'CSeq', value: '1 OPTIONS' },
    ],
  });
}

/** A new call to the target whose SDP offer is `sdp`, as a caller with a broken phone would send it. */
export function offerRequest(target: FuzzTarget, branch: string, sdp: string): string {
  const uri = `sip:${target.user}@${target.domain}`;
  return serializeRequest({
    method: 'INVITE',
    uri,
    body: sdp,
    headers: [
      { name: 'Via', value: `SIP/2.0/WSS ${target.sentBy};branch=${branch}` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `"Broken Phone" <sip:broken@${target.domain}>;tag=offer` },
      { name: 'To', value: `<${uri}>` },
      { name: 'Call-ID', value: `offer-${branch}` },
      { name: 'CSeq', value: '1 INVITE' },
      { name: 'Contact', value: `<sip:broken@${target.sentBy};transport=ws>` },
      { name: 'Content-Type', value: 'application/sdp' },
    ],
  });
}

/**
 * Generates `count` messages from `seed`. Every family appears; a flood is a burst of valid OPTIONS
 * back to back (the caller sends each burst without pausing).
 */
export function generateFuzzMessages(seed: number, count: number, target: FuzzTarget): FuzzMessage[] {
  const p = new Picker(seededRandom(seed));
  const messages: FuzzMessage[] = [];
  const add = (message: Omit<FuzzMessage, 'index'>): void => {
    if (messages.length < count) messages.push({ ...message, index: messages.length });
  };
  const ourUri = `sip:${target.user}@${target.domain}`;

  /** A request from a made-up peer to the client, well formed unless the caller spoils it. */
  const request = (
    method: string,
    opts: { toTag?: string; callId?: string } = {},
  ): RequestParts & {
    branch: string;
  } => {
    const branch = `${FUZZ_BRANCH_PREFIX}${seed}x${messages.length}x${p.token(6)}`;
    const callId = opts.callId ?? `fuzz-${seed}-${messages.length}-${p.token(8)}`;
    return {
      method,
      uri: ourUri,
      branch,
      body: '',
      headers: [
        { name: 'Via', value: `SIP/2.0/WSS ${target.sentBy};branch=${branch}` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `"Fuzzer" <sip:fuzzer@${target.domain}>;tag=${p.token(10)}` },
        { name: 'To', value: `<${ourUri}>${opts.toTag ? `;tag=${opts.toTag}` : ''}` },
        { name: 'Call-ID', value: callId },
        { name: 'CSeq', value: `${p.int(1, 99999)} ${method}` },
        { name: 'Contact', value: `<sip:fuzzer@${target.sentBy};transport=ws>` },
      ],
    };
  };

  const families: Record<FuzzFamily, () => void> = {
    'broken-start-line': () => {
      const r = request('OPTIONS');
      const startLine = p.pick([
        `OPTIONS${ourUri}SIP/2.0`,
        'OPTIONS  SIP/2.0',
        `OPTIONS ${ourUri}`,
        `OPTIONS ${ourUri} HTTP/1.1`,
        'SIP/2.0 2x0 OK',
        'SIP/2.0',
        '',
        `@@@ ${p.token(12)} ###`,
      ]);
      const text = serialize(startLine, r.headers, '');
      add({
        family: 'broken-start-line',
        description: `start line ${JSON.stringify(startLine)}`,
        frame: text,
        branch: r.branch,
        // Not recognisable as a request, so there is nothing to answer (RFC 3261 §18.3 discards it).
        expect: { reply: 'none' },
      });
    },
    'missing-header': () => {
      const missing = p.pick(MANDATORY);
      const r = request(p.pick(['OPTIONS', 'MESSAGE', 'INFO']));
      r.headers = r.headers.filter((h) => h.name !== missing);
      add({
        family: 'missing-header',
        description: `${r.method} without ${missing}`,
        frame: serializeRequest(r),
        branch: r.branch,
        // Without Via there is nowhere to send a reply. Max-Forwards is checked by proxies, not UASs.
        expect:
          missing === 'Via'
            ? { reply: 'none' }
            : missing === 'Max-Forwards'
              ? { reply: 'unchecked' }
              : { reply: 'status', codes: [400] },
      });
    },
    'duplicate-header': () => {
      const r = request('OPTIONS');
      const name = p.pick(['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Contact', 'Via']);
      const header = r.headers.find((h) => h.name === name);
      if (!header) return;
      const copies = p.int(2, 30);
      const conflicting = p.int(0, 1) === 1 && name !== 'Via';
      for (let i = 1; i < copies; i += 1)
        r.headers.push({
          name,
          value: conflicting ? header.value.replace(/\d+|tag=\w+/, `${i}9`) : header.value,
        });
      add({
        family: 'duplicate-header',
        description: `OPTIONS with ${copies} ${conflicting ? 'conflicting ' : ''}${name} headers`,
        frame: serializeRequest(r),
        branch: r.branch,
        // A UAS may reject repeated single-value headers (400) or read one of them and answer (200).
        expect: { reply: 'status', codes: [200, 400] },
      });
    },
    'huge-header': () => {
      const r = request('OPTIONS');
      const size = p.pick([4_096, 16_384, 65_536, 200_000]);
      const name = p.pick(['Subject', 'X-Fuzz', 'User-Agent', 'Accept']);
      r.headers.push({ name, value: 'A'.repeat(size) });
      add({
        family: 'huge-header',
        description: `OPTIONS with a ${size}-byte ${name}`,
        frame: serializeRequest(r),
        branch: r.branch,
        expect: { reply: 'status', codes: [200, 413, 513] },
      });
    },
    'bad-sdp': () => {
      const body = p.pick(BROKEN_SDP);
      // A new call offer needs room for the CANCEL that ends it: without one it would ring on.
      const inDialog = p.int(0, 1) === 1 || messages.length >= count - 1;
      const r = request('INVITE', inDialog ? { toTag: p.token(10) } : {});
      r.body = body;
      r.headers.push({
        name: 'Content-Type',
        value: p.pick(['application/sdp', 'application/sdp', 'text/plain']),
      });
      add({
        family: 'bad-sdp',
        description: `${inDialog ? 'in-dialog ' : ''}INVITE with broken SDP`,
        frame: serializeRequest(r),
        branch: r.branch,
        // In a dialog that does not exist: 481. A new call offer is rejected (the CANCEL that follows
        // ends a ringing one with 487); accepting garbage with a 2xx would be wrong.
        expect: inDialog
          ? { reply: 'status', codes: [481] }
          : { reply: 'status', codes: [400, 415, 480, 486, 487, 488, 500, 603] },
      });
      if (inDialog) return;
      const cancel = r.headers.map((h) =>
        h.name === 'CSeq' ? { name: 'CSeq', value: h.value.replace('INVITE', 'CANCEL') } : h,
      );
      add({
        family: 'bad-sdp',
        description: 'CANCEL of the INVITE with broken SDP',
        frame: serialize(
          `CANCEL ${r.uri} SIP/2.0`,
          cancel.filter((h) => h.name !== 'Contact' && h.name !== 'Content-Type'),
          '',
        ),
        branch: r.branch,
        // Same branch as the INVITE (RFC 3261 §9.1): 200 if it still rings, 481 if already rejected.
        expect: { reply: 'status', codes: [200, 481] },
      });
    },
    'content-length': () => {
      const r = request('OPTIONS');
      r.body = p.pick(['hello', '', 'x'.repeat(100)]);
      r.headers.push({ name: 'Content-Type', value: 'text/plain' });
      const actual = new TextEncoder().encode(r.body).length;
      const kind = p.pick(['longer', 'shorter', 'words', 'negative', 'huge'] as const);
      const value = {
        longer: String(actual + p.int(1, 500)),
        shorter: String(Math.max(0, actual - p.int(1, 5))),
        words: 'twelve',
        negative: '-5',
        huge: '99999999999999999999',
      }[kind];
      add({
        family: 'content-length',
        description: `OPTIONS with Content-Length ${value} for ${actual} bytes`,
        frame: serializeRequest(r, value),
        branch: r.branch,
        // RFC 3261 §18.3: a body shorter than Content-Length is 400; a longer one is cut to it.
        expect: kind === 'shorter' ? { reply: 'status', codes: [200] } : { reply: 'status', codes: [400] },
      });
    },
    'binary-junk': () => {
      const length = p.int(1, 2048);
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i += 1) bytes[i] = p.int(0, 255);
      const asText = p.int(0, 1) === 1;
      add({
        family: 'binary-junk',
        description: `${length} random bytes as a ${asText ? 'text' : 'binary'} frame`,
        frame: asText ? `${Array.from(bytes, (b) => String.fromCharCode(b)).join('')}\r\n\r\n` : bytes,
        expect: { reply: 'unchecked' },
      });
    },
    'unknown-method': () => {
      const method = p.pick(['FROB', 'PUBLISH', 'UPDATE', 'REGISTER', 'XYZZY', 'invite', 'NOTIFY', 'PRACK']);
      const r = request(method);
      add({
        family: 'unknown-method',
        description: `out-of-dialog ${method}`,
        frame: serializeRequest(r),
        branch: r.branch,
        // Unknown (501) or not supported here (405, RFC 3261 §8.2.1); a NOTIFY or PRACK that matches
        // nothing is 481 (RFC 6665 §4.1.3, RFC 3262 §3).
        expect: {
          reply: 'status',
          codes: method === 'NOTIFY' ? [405, 481, 489] : method === 'PRACK' ? [481] : [405, 501],
        },
      });
    },
    'wrong-target': () => {
      const r = request('OPTIONS');
      const scheme = p.int(0, 1) === 1;
      r.uri = scheme ? `tel:+1555${p.int(1000000, 9999999)}` : `sip:nobody${p.token(4)}@${target.domain}`;
      add({
        family: 'wrong-target',
        description: `OPTIONS for ${r.uri}`,
        frame: serializeRequest(r),
        branch: r.branch,
        // RFC 3261 §8.2.2.1: unsupported scheme 416, not our address 404.
        expect: { reply: 'status', codes: scheme ? [416] : [404] },
      });
    },
    'stray-response': () => {
      const method = p.pick(['INVITE', 'REGISTER', 'BYE', 'OPTIONS', 'FROB']);
      const code = p.pick([100, 180, 183, 200, 202, 302, 401, 407, 481, 486, 500, 603, 699, 99, 700]);
      const branch = `${FUZZ_BRANCH_PREFIX}${seed}x${messages.length}x${p.token(6)}`;
      const spoil = p.pick(['none', 'none', 'cseq', 'two-vias', 'other-host', 'no-call-id'] as const);
      const headers: Header[] = [
        { name: 'Via', value: `SIP/2.0/WSS ${target.clientViaHost};branch=${branch}` },
        { name: 'From', value: `<${ourUri}>;tag=${p.token(10)}` },
        { name: 'To', value: `<sip:someone@${target.domain}>;tag=${p.token(10)}` },
        { name: 'Call-ID', value: `fuzz-${seed}-${messages.length}-${p.token(8)}` },
        { name: 'CSeq', value: spoil === 'cseq' ? p.pick(['abc', '1', '', 'INVITE 1']) : `1 ${method}` },
      ];
      if (spoil === 'two-vias')
        headers.push({ name: 'Via', value: `SIP/2.0/WSS ${target.sentBy};branch=z9hG4bK2` });
      if (spoil === 'other-host')
        headers[0] = { name: 'Via', value: `SIP/2.0/WSS elsewhere.invalid;branch=${branch}` };
      const sent = spoil === 'no-call-id' ? headers.filter((h) => h.name !== 'Call-ID') : headers;
      add({
        family: 'stray-response',
        description: `${code} to ${method} that was never sent (${spoil})`,
        frame: serialize(`SIP/2.0 ${code} Fuzz`, sent, ''),
        branch,
        // A response is never answered; one matching no transaction is dropped (RFC 3261 §18.1.2).
        expect: { reply: 'none' },
      });
    },
    'bogus-dialog': () => {
      const method = p.pick([...IN_DIALOG_METHODS, 'ACK', 'NOTIFY'] as const);
      const r = request(method, { toTag: p.token(p.int(1, 40)) });
      if (method === 'NOTIFY')
        r.headers.push({ name: 'Event', value: p.pick(['refer', 'dialog', 'presence']) });
      add({
        family: 'bogus-dialog',
        description: `${method} with a To tag of no dialog`,
        frame: serializeRequest(r),
        branch: r.branch,
        // RFC 3261 §12.2.2: 481 for a request of a dialog we do not have; ACKs are never answered.
        expect: method === 'ACK' ? { reply: 'none' } : { reply: 'status', codes: [481] },
      });
    },
    flood: () => {
      const burst = p.int(50, 150);
      for (let i = 0; i < burst; i += 1) {
        const r = request('OPTIONS');
        add({
          family: 'flood',
          description: `OPTIONS ${i + 1}/${burst} of a burst`,
          frame: serializeRequest(r),
          branch: r.branch,
          expect: { reply: 'status', codes: [200, 503] },
        });
      }
    },
  };

  const names = Object.keys(families) as FuzzFamily[];
  // Every family once first, so that even a short run covers them all; then at random.
  for (const name of names) families[name]();
  // A flood is a burst of up to 150 messages: rarer than the others, or it would be most of the run.
  const others = names.filter((name) => name !== 'flood');
  while (messages.length < count) families[p.int(0, 249) === 0 ? 'flood' : p.pick(others)]();
  return messages;
}
