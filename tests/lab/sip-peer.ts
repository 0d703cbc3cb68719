/**
 * A scriptable SIP phone for the lab: UDP through Kamailio, digest auth, plain RTP media
 * (`peer-media.ts`). It sends, on the test's command, what real phones and providers send and the
 * lab's desk phone cannot be told to: a 180 without Contact (Linphone), reliable provisional
 * responses (RFC 3262), session timers (RFC 4028), INVITEs and re-INVITEs without SDP, and it records
 * every request it gets so a test can check what the app sent and when.
 *
 * It is a test peer, not a SIP stack: one message per datagram, retransmissions of requests and of
 * 2xx/reliable 1xx responses on a simple T1 schedule, and the dialog state RFC 3261 §12 needs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { appendFile } from 'node:fs/promises';
import { PeerMedia, type TelephoneEventFormat } from './peer-media.js';
import type { LabUser } from './users.js';

const T1 = 500;
const CRLF = '\r\n';
const COMPACT: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  k: 'supported',
  t: 'to',
  v: 'via',
  x: 'session-expires',
};

const token = (bytes = 6): string => randomBytes(bytes).toString('hex');
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** A received SIP message, header names in lower case (compact forms expanded). */
export class PeerMessage {
  private constructor(
    readonly raw: string,
    readonly startLine: string,
    readonly headers: { name: string; value: string }[],
    readonly body: string,
    /** When it arrived (ms since the epoch). */
    readonly at: number,
  ) {}

  static parse(raw: string): PeerMessage | undefined {
    const headEnd = raw.indexOf(CRLF + CRLF);
    if (headEnd === -1) return undefined;
    const [startLine = '', ...lines] = raw.slice(0, headEnd).split(CRLF);
    const headers: { name: string; value: string }[] = [];
    for (const line of lines) {
      if (/^[ \t]/.test(line) && headers.length > 0) {
        const last = headers[headers.length - 1];
        if (last) last.value += ` ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      headers.push({ name: COMPACT[name] ?? name, value: line.slice(colon + 1).trim() });
    }
    const length = Number(headers.find((h) => h.name === 'content-length')?.value ?? NaN);
    const rest = raw.slice(headEnd + 4);
    const body = Number.isFinite(length) ? Buffer.from(rest).subarray(0, length).toString() : rest;
    return new PeerMessage(raw, startLine, headers, body, Date.now());
  }

  get isResponse(): boolean {
    return this.startLine.startsWith('SIP/2.0 ');
  }
  get method(): string {
    return this.isResponse ? (this.cseq.method ?? '') : (this.startLine.split(' ')[0] ?? '');
  }
  get status(): number {
    return this.isResponse ? Number(this.startLine.split(' ')[1]) : 0;
  }
  get requestUri(): string {
    return this.startLine.split(' ')[1] ?? '';
  }
  header(name: string): string | undefined {
    return this.headers.find((h) => h.name === name.toLowerCase())?.value;
  }
  all(name: string): string[] {
    return this.headers.filter((h) => h.name === name.toLowerCase()).map((h) => h.value);
  }
  /** Comma-separated tokens of a header over all its lines (Supported, Require, Allow). */
  tokens(name: string): string[] {
    return this.all(name)
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter(Boolean);
  }
  get callId(): string {
    return this.header('call-id') ?? '';
  }
  get cseq(): { number: number; method: string | undefined } {
    const [number = '0', method] = (this.header('cseq') ?? '').split(/\s+/);
    return { number: Number(number), method };
  }
  get branch(): string {
    return /;branch=([^;,\s]+)/.exec(this.header('via') ?? '')?.[1] ?? '';
  }
  tag(name: 'from' | 'to'): string | undefined {
    return /;tag=([^;>\s]+)/.exec(this.header(name)?.split('>').pop() ?? '')?.[1];
  }
  /** The URI in a name-addr header such as Contact. */
  uri(name: string): string | undefined {
    const value = this.header(name);
    if (value === undefined) return undefined;
    return /<([^>]+)>/.exec(value)?.[1] ?? value.split(';')[0]?.trim();
  }
  get hasSdp(): boolean {
    return (
      this.body.trim().length > 0 &&
      (this.header('content-type') ?? '').toLowerCase().startsWith('application/sdp')
    );
  }
}

/** One request as {@link SipPeer} builds it. */
interface OutgoingRequest {
  method: string;
  uri: string;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  headers?: string[];
  body?: string;
  contentType?: string;
  branch?: string;
}

function requestText(peer: SipPeer, request: OutgoingRequest, branch: string): string {
  const body = request.body ?? '';
  const lines = [
    `${request.method} ${request.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: ${request.from}`,
    `To: ${request.to}`,
    `Call-ID: ${request.callId}`,
    `CSeq: ${request.cseq} ${request.method}`,
    'User-Agent: ringline-lab-peer',
    ...(request.headers ?? []),
    ...(body ? [`Content-Type: ${request.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return lines.join(CRLF) + CRLF + CRLF + body;
}

/** A request we sent, waiting for its responses. */
class ClientTransaction {
  readonly responses: PeerMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private settle!: (response: PeerMessage) => void;
  private fail!: (error: Error) => void;
  readonly final: Promise<PeerMessage>;
  onProvisional: ((response: PeerMessage) => void) | undefined;

  constructor(
    private readonly peer: SipPeer,
    readonly request: OutgoingRequest,
    readonly branch: string,
    readonly text: string,
  ) {
    this.final = new Promise<PeerMessage>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    this.final.catch(() => undefined);
    let interval = T1;
    let elapsed = 0;
    const retransmit = (): void => {
      elapsed += interval;
      if (elapsed > 64 * T1) {
        this.fail(new Error(`no final response to ${request.method} ${request.uri}`));
        return;
      }
      peer.sendRaw(text);
      interval = Math.min(interval * 2, 4000);
      this.timer = setTimeout(retransmit, interval);
    };
    this.timer = setTimeout(retransmit, interval);
    peer.sendRaw(text);
  }

  receive(response: PeerMessage): void {
    const first = !this.responses.some(
      (r) => r.status === response.status && r.tag('to') === response.tag('to'),
    );
    this.responses.push(response);
    // Any response stops retransmission of an INVITE (Timer A); over UDP through a stateful proxy,
    // a provisional comes at once.
    clearTimeout(this.timer);
    if (response.status < 200) {
      if (first || response.header('rseq') !== undefined) this.onProvisional?.(response);
      return;
    }
    this.settle(response);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** What the peer answers to in-dialog requests unless the test says otherwise. */
export interface DialogPolicy {
  /**
   * Response to an UPDATE or re-INVITE with `Session-Expires`: by default the interval is echoed
   * with the refresher the request named (`uac` if none) and `Require: timer` (RFC 4028 §9).
   */
  sessionTimerReply?: (request: PeerMessage) => string[];
}

/** One dialog (RFC 3261 §12) and its media. */
export class PeerDialog {
  /** Requests the far end sent in this dialog, in arrival order (ACK, BYE, re-INVITE, UPDATE, PRACK...). */
  readonly requests: PeerMessage[] = [];
  private waiters: { method: string; resolve: (message: PeerMessage) => void }[] = [];
  private pendingAck: { cseq: number; timer: NodeJS.Timeout; response: string } | undefined;
  remoteCseq = 0;
  ended = false;
  policy: DialogPolicy = {};

  constructor(
    private readonly peer: SipPeer,
    readonly callId: string,
    readonly localTag: string,
    public remoteTag: string,
    readonly localUri: string,
    readonly remoteUri: string,
    public remoteTarget: string,
    public routeSet: string[],
    public localCseq: number,
    readonly media: PeerMedia,
  ) {}

  private get from(): string {
    return `<${this.localUri}>;tag=${this.localTag}`;
  }
  private get to(): string {
    return `<${this.remoteUri}>;tag=${this.remoteTag}`;
  }

  /** Sends a request in this dialog (Route set, remote target, next CSeq). */
  request(
    method: string,
    options: { headers?: string[]; body?: string; cseq?: number } = {},
  ): ClientTransaction {
    const cseq = options.cseq ?? ++this.localCseq;
    return this.peer.send({
      method,
      uri: this.remoteTarget,
      from: this.from,
      to: this.to,
      callId: this.callId,
      cseq,
      headers: [...this.routeSet.map((route) => `Route: ${route}`), ...(options.headers ?? [])],
      ...(options.body ? { body: options.body } : {}),
    });
  }

  /** ACK for a 2xx (RFC 3261 §13.2.2.4): its own transaction, CSeq number of the INVITE. */
  ack(inviteCseq: number, body?: string): void {
    const text = requestText(
      this.peer,
      {
        method: 'ACK',
        uri: this.remoteTarget,
        from: this.from,
        to: this.to,
        callId: this.callId,
        cseq: inviteCseq,
        headers: this.routeSet.map((route) => `Route: ${route}`),
        ...(body ? { body } : {}),
      },
      `z9hG4bK${token()}`,
    );
    this.peer.sendRaw(text);
  }

  async bye(): Promise<PeerMessage> {
    this.ended = true;
    this.media.close();
    return this.request('BYE').final;
  }

  /**
   * A re-INVITE, with our SDP offer or without one (the far end then offers in its 2xx and our ACK
   * answers, RFC 3261 §14.1 with §13.2.1). Resolves with the final response, ACKed.
   */
  async reinvite(options: { offer: boolean; headers?: string[] } = { offer: true }): Promise<PeerMessage> {
    const transaction = this.request('INVITE', {
      headers: [`Contact: <${this.peer.contactUri}>`, ...(options.headers ?? [])],
      ...(options.offer ? { body: this.media.sdp() } : {}),
    });
    const response = await transaction.final;
    if (response.status >= 200 && response.status < 300) {
      if (response.hasSdp) this.media.setRemote(response.body);
      this.ack(transaction.request.cseq, options.offer ? undefined : this.media.sdp());
    } else {
      this.peer.ackNon2xx(transaction, response);
    }
    return response;
  }

  /** Resolves with the next request of `method` the far end sends in this dialog (or one already here). */
  waitForRequest(method: string, timeoutMs = 15_000, after = 0): Promise<PeerMessage> {
    const existing = this.requests.find((request) => request.method === method && request.at > after);
    if (existing) return Promise.resolve(existing);
    return new Promise<PeerMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`peer ${this.peer.user.user}: no ${method} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        method,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  /** Sends a 2xx to an INVITE and repeats it until the ACK arrives (RFC 3261 §13.3.1.4). */
  sendReliable2xx(request: PeerMessage, response: string): void {
    this.peer.respondRaw(request, response);
    let interval = T1;
    const repeat = (): void => {
      if (!this.pendingAck) return;
      this.peer.respondRaw(request, response);
      interval = Math.min(interval * 2, 4000);
      this.pendingAck.timer = setTimeout(repeat, interval);
    };
    this.pendingAck = { cseq: request.cseq.number, timer: setTimeout(repeat, interval), response };
  }

  /** @internal a request of this dialog arrived. */
  onRequest(request: PeerMessage): void {
    if (request.method === 'ACK') {
      if (this.pendingAck && this.pendingAck.cseq === request.cseq.number) {
        clearTimeout(this.pendingAck.timer);
        this.pendingAck = undefined;
      }
      if (request.hasSdp) this.media.setRemote(request.body);
    } else {
      this.remoteCseq = Math.max(this.remoteCseq, request.cseq.number);
      this.answerRequest(request);
    }
    this.requests.push(request);
    const waiting = this.waiters.filter((waiter) => waiter.method === request.method);
    this.waiters = this.waiters.filter((waiter) => waiter.method !== request.method);
    for (const waiter of waiting) waiter.resolve(request);
  }

  private answerRequest(request: PeerMessage): void {
    const timerHeaders = request.header('session-expires')
      ? (this.policy.sessionTimerReply ?? defaultSessionTimerReply)(request)
      : [];
    switch (request.method) {
      case 'BYE':
        this.ended = true;
        this.media.close();
        this.peer.respond(request, 200, 'OK');
        return;
      case 'INVITE': {
        const contact = request.uri('contact');
        if (contact) this.remoteTarget = contact;
        // An offer gets our answer; no offer gets our offer, answered in the ACK.
        if (request.hasSdp) this.media.setRemote(request.body);
        const response = this.peer.responseText(request, 200, 'OK', {
          headers: [`Contact: <${this.peer.contactUri}>`, ...timerHeaders],
          body: this.media.sdp(),
          toTag: this.localTag,
        });
        this.sendReliable2xx(request, response);
        return;
      }
      case 'UPDATE':
      case 'PRACK':
      case 'INFO':
      case 'NOTIFY':
      case 'OPTIONS':
        this.peer.respond(request, 200, 'OK', {
          headers: request.method === 'UPDATE' ? [`Contact: <${this.peer.contactUri}>`, ...timerHeaders] : [],
          toTag: this.localTag,
        });
        return;
      default:
        this.peer.respond(request, 501, 'Not Implemented', { toTag: this.localTag });
    }
  }
}

/** RFC 4028 §9 as a compliant UAS: echo the interval, keep the refresher the request named. */
function defaultSessionTimerReply(request: PeerMessage): string[] {
  const [seconds = '1800', ...params] = (request.header('session-expires') ?? '').split(';');
  const refresher = params.map((p) => p.trim()).find((p) => p.startsWith('refresher=')) ?? 'refresher=uac';
  return [`Session-Expires: ${seconds.trim()};${refresher}`, 'Require: timer'];
}

/** How the peer answers an INVITE it received (the test drives it step by step). */
export class PeerIncomingCall {
  readonly dialog: PeerDialog;
  private rseq = Math.floor(Math.random() * 1000) + 1;
  private answeredInProvisional = false;
  /** The answer an unreliable 1xx previewed: the 200 must carry the same one (RFC 3261 §13.2.1). */
  private earlyAnswer: string | undefined;
  cancelled = false;

  constructor(
    private readonly peer: SipPeer,
    readonly invite: PeerMessage,
    media: PeerMedia,
  ) {
    const contact = invite.uri('contact') ?? invite.requestUri;
    this.dialog = new PeerDialog(
      peer,
      invite.callId,
      token(),
      invite.tag('from') ?? '',
      peer.user.aor,
      invite.uri('from') ?? '',
      contact,
      invite.all('record-route').flatMap((value) => value.split(/,(?=\s*<)/).map((route) => route.trim())),
      Math.floor(Math.random() * 1000),
      media,
    );
    if (invite.hasSdp) media.setRemote(invite.body);
  }

  /**
   * A 1xx. `contact: false` leaves Contact out (as Linphone does); `reliable` sends it per RFC 3262
   * (Require: 100rel, RSeq, repeated until the PRACK, which is returned); `sdp` puts our SDP in it.
   */
  async provisional(
    status: number,
    options: { contact?: boolean; reliable?: boolean; sdp?: boolean; headers?: string[] } = {},
  ): Promise<PeerMessage | undefined> {
    const rseq = this.rseq++;
    const headers = [
      ...(options.contact === false ? [] : [`Contact: <${this.peer.contactUri}>`]),
      ...this.invite.all('record-route').map((route) => `Record-Route: ${route}`),
      ...(options.reliable ? ['Require: 100rel', `RSeq: ${rseq}`] : []),
      ...(options.headers ?? []),
    ];
    let body: string | undefined;
    if (options.sdp) {
      body = this.earlyAnswer ?? this.dialog.media.sdp();
      // Only a reliable 1xx completes the offer/answer (RFC 3262 §5); an unreliable one previews it.
      if (options.reliable) this.answeredInProvisional = true;
      else this.earlyAnswer = body;
    }
    const text = this.peer.responseText(
      this.invite,
      status,
      status === 180 ? 'Ringing' : 'Session Progress',
      {
        headers,
        ...(body ? { body } : {}),
        toTag: this.dialog.localTag,
      },
    );
    this.peer.respondRaw(this.invite, text);
    if (!options.reliable) return undefined;
    // Repeated until the PRACK (RFC 3262 §3).
    let interval = T1;
    const repeat = (): void => {
      this.peer.respondRaw(this.invite, text);
      interval = Math.min(interval * 2, 4000);
      timer = setTimeout(repeat, interval);
    };
    let timer = setTimeout(repeat, interval);
    try {
      for (;;) {
        const prack = await this.dialog.waitForRequest('PRACK', 32_000);
        if (prack.header('rack')?.startsWith(`${rseq} `)) return prack;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * 200 OK, repeated until the ACK, which is returned. The body is our answer to the INVITE's offer,
   * our offer when the INVITE had none (the ACK then carries the answer), or nothing when a reliable
   * 1xx already completed the offer/answer (RFC 3262 §5).
   */
  async answer(options: { headers?: string[] } = {}): Promise<PeerMessage> {
    const ack = this.dialog.waitForRequest('ACK', 32_000);
    const text = this.peer.responseText(this.invite, 200, 'OK', {
      headers: [
        `Contact: <${this.peer.contactUri}>`,
        ...this.invite.all('record-route').map((route) => `Record-Route: ${route}`),
        ...(options.headers ?? []),
      ],
      ...(this.answeredInProvisional ? {} : { body: this.earlyAnswer ?? this.dialog.media.sdp() }),
      toTag: this.dialog.localTag,
    });
    this.dialog.sendReliable2xx(this.invite, text);
    return ack;
  }

  reject(status: number, reason: string, headers: string[] = []): void {
    this.dialog.media.close();
    this.peer.respond(this.invite, status, reason, { headers, toTag: this.dialog.localTag });
  }
}

/** An INVITE the peer sent. */
export class PeerOutgoingCall {
  readonly responses: PeerMessage[] = [];
  private dialogValue: PeerDialog | undefined;
  readonly established: Promise<PeerDialog>;
  readonly final: Promise<PeerMessage>;

  constructor(
    private readonly peer: SipPeer,
    readonly target: string,
    private readonly media: PeerMedia,
    options: { offer: boolean; headers?: string[] },
  ) {
    const callId = `${token(8)}@lab-peer`;
    const fromTag = token();
    let cseq = 1;
    const offer = options.offer ? media.sdp() : undefined;
    const build = (authorization?: string): OutgoingRequest => ({
      method: 'INVITE',
      uri: target,
      from: `"${peer.user.displayName}" <${peer.user.aor}>;tag=${fromTag}`,
      to: `<${target}>`,
      callId,
      cseq,
      headers: [
        `Contact: <${peer.contactUri}>`,
        `Allow: ${peer.allow}`,
        ...(options.headers ?? []),
        ...(authorization ? [`Proxy-Authorization: ${authorization}`] : []),
      ],
      ...(offer ? { body: offer } : {}),
    });
    this.final = (async () => {
      let transaction = this.watch(peer.send(build()));
      let response = await transaction.final;
      if (response.status === 407) {
        peer.ackNon2xx(transaction, response);
        cseq += 1;
        transaction = this.watch(peer.send(build(peer.authorization(response, 'INVITE', target))));
        response = await transaction.final;
      }
      if (response.status >= 200 && response.status < 300) {
        const dialog = this.dialogFor(response, cseq);
        dialog.remoteTarget = response.uri('contact') ?? dialog.remoteTarget;
        dialog.routeSet = routeSetOf(response);
        if (response.hasSdp && offer) media.setRemote(response.body);
        if (response.hasSdp && !offer && !this.answeredEarly) {
          media.setRemote(response.body);
          dialog.ack(cseq, media.sdp());
        } else dialog.ack(cseq);
      } else {
        peer.ackNon2xx(transaction, response);
      }
      return response;
    })();
    this.final.catch(() => undefined);
    this.established = this.final.then((response) => {
      if (response.status >= 300 || !this.dialogValue) throw new Error(`call failed: ${response.startLine}`);
      return this.dialogValue;
    });
    this.established.catch(() => undefined);
  }

  private answeredEarly = false;

  /** The dialog, once a response with a To tag created it. */
  get dialog(): PeerDialog | undefined {
    return this.dialogValue;
  }

  /** Resolves with the first response (provisional or final) matching `predicate`. */
  async waitForResponse(
    predicate: (response: PeerMessage) => boolean,
    timeoutMs = 15_000,
  ): Promise<PeerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.responses.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`peer: no matching response to the INVITE to ${this.target}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private dialogFor(response: PeerMessage, cseq: number): PeerDialog {
    if (this.dialogValue) return this.dialogValue;
    this.dialogValue = new PeerDialog(
      this.peer,
      response.callId,
      response.tag('from') ?? '',
      response.tag('to') ?? '',
      this.peer.user.aor,
      this.target,
      response.uri('contact') ?? this.target,
      routeSetOf(response),
      cseq,
      this.media,
    );
    this.peer.trackDialog(this.dialogValue);
    return this.dialogValue;
  }

  private watch(transaction: ClientTransaction): ClientTransaction {
    transaction.onProvisional = (response) => {
      this.responses.push(response);
      if (!response.tag('to') || !response.header('contact')) return;
      const dialog = this.dialogFor(response, transaction.request.cseq);
      if (response.hasSdp) {
        this.answeredEarly = true;
        this.media.setRemote(response.body);
      }
      // RFC 3262 §4: a reliable provisional is acknowledged with PRACK (RAck: RSeq CSeq-number method).
      const rseq = response.header('rseq');
      if (rseq && response.tokens('require').includes('100rel')) {
        dialog.remoteTarget = response.uri('contact') ?? dialog.remoteTarget;
        dialog.routeSet = routeSetOf(response);
        void dialog.request('PRACK', { headers: [`RAck: ${rseq} ${transaction.request.cseq} INVITE`] }).final;
      }
    };
    const final = transaction.final.then((response) => {
      this.responses.push(response);
      return response;
    });
    final.catch(() => undefined);
    return transaction;
  }
}

/** The route set a UAC takes from a response: its Record-Route, reversed (RFC 3261 §12.1.2). */
function routeSetOf(response: PeerMessage): string[] {
  return response
    .all('record-route')
    .flatMap((value) => value.split(/,(?=\s*<)/).map((route) => route.trim()))
    .reverse();
}

export interface SipPeerOptions {
  user: LabUser;
  /** Kamailio's UDP port on 127.0.0.1: every request goes there. */
  proxyPort: number;
  domain: string;
  /** Every message in and out is appended here. */
  logFile?: string;
  /** Tone the peer sends as its audio. */
  toneHz?: number;
  /** Methods in our Allow; leave UPDATE out to make the far end refresh with re-INVITE (RFC 4028 §7.4). */
  allow?: string[];
  /** The telephone-event payload types and clock rates in our SDP, in order (101 at 8000 unless given). */
  telephoneEvents?: TelephoneEventFormat[];
  /**
   * Lose every CANCEL, as when it is dropped on the way: a call that another fork answered is then
   * answered here too, and its 200 reaches the caller after the first fork's.
   */
  loseCancel?: boolean;
}

/** The lab's scriptable SIP peer. Start with {@link startSipPeer}; stop with {@link SipPeer.stop}. */
export class SipPeer {
  readonly received: PeerMessage[] = [];
  private readonly transactions = new Map<string, ClientTransaction>();
  private readonly dialogs = new Map<string, PeerDialog>();
  private readonly answered = new Map<string, string>();
  private incoming: PeerIncomingCall[] = [];
  private incomingWaiters: ((call: PeerIncomingCall) => void)[] = [];
  private readonly media: PeerMedia[] = [];
  private registerCseq = 1;
  private readonly registerCallId = `${token(8)}@lab-peer`;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly options: SipPeerOptions,
  ) {
    socket.on('message', (data) => this.onDatagram(data.toString()));
  }

  static async start(options: SipPeerOptions): Promise<SipPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new SipPeer(socket, socket.address().port, options);
  }

  get user(): LabUser {
    return this.options.user;
  }

  /** @internal the Allow header value. */
  get allow(): string {
    return (
      this.options.allow ?? ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'PRACK', 'UPDATE', 'INFO']
    ).join(', ');
  }

  get contactUri(): string {
    return `sip:${this.options.user.user}@127.0.0.1:${this.port}`;
  }

  /** REGISTERs (answering the 401); resolves once the registrar took it. */
  async register(expires = 300): Promise<void> {
    const { user, domain } = this.options;
    const uri = `sip:${domain}`;
    const build = (authorization?: string): OutgoingRequest => ({
      method: 'REGISTER',
      uri,
      from: `<${user.aor}>;tag=${token()}`,
      to: `<${user.aor}>`,
      callId: this.registerCallId,
      cseq: this.registerCseq++,
      headers: [
        `Contact: <${this.contactUri}>`,
        `Expires: ${expires}`,
        ...(authorization ? [`Authorization: ${authorization}`] : []),
      ],
    });
    let response = await this.send(build()).final;
    if (response.status === 401)
      response = await this.send(build(this.authorization(response, 'REGISTER', uri))).final;
    if (response.status !== 200) throw new Error(`peer ${user.user}: REGISTER got ${response.startLine}`);
  }

  /** Calls `target` (a SIP URI) with or without an SDP offer. */
  async call(
    target: string,
    options: { offer?: boolean; headers?: string[] } = {},
  ): Promise<PeerOutgoingCall> {
    const media = await this.openMedia();
    return new PeerOutgoingCall(this, target, media, {
      offer: options.offer ?? true,
      headers: options.headers ?? [],
    });
  }

  /** Resolves with the next INVITE that starts a call to this peer (not yet answered beyond 100). */
  nextInvite(timeoutMs = 15_000): Promise<PeerIncomingCall> {
    const waiting = this.incoming.shift();
    if (waiting) return Promise.resolve(waiting);
    return new Promise<PeerIncomingCall>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`peer ${this.user.user}: no INVITE within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.incomingWaiters.push((call) => {
        clearTimeout(timer);
        resolve(call);
      });
    });
  }

  async stop(): Promise<void> {
    // Un-REGISTER, but do not wait long for a registrar that is already gone.
    await Promise.race([
      this.register(0).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ]);
    for (const media of this.media) media.close();
    for (const transaction of this.transactions.values()) transaction.stop();
    this.socket.close();
  }

  /** @internal */
  sendRaw(text: string): void {
    this.log('>>', text);
    this.socket.send(Buffer.from(text), this.options.proxyPort, '127.0.0.1');
  }

  /** @internal sends a new request (new branch) and tracks its responses. */
  send(request: OutgoingRequest): ClientTransaction {
    const branch = request.branch ?? `z9hG4bK${token()}`;
    const transaction = new ClientTransaction(this, request, branch, requestText(this, request, branch));
    this.transactions.set(branch, transaction);
    return transaction;
  }

  /** @internal ACK for a non-2xx final response: same branch as the INVITE (RFC 3261 §17.1.1.3). */
  ackNon2xx(transaction: ClientTransaction, response: PeerMessage): void {
    const { request } = transaction;
    const routes = (request.headers ?? []).filter((header) => header.startsWith('Route:'));
    this.sendRaw(
      requestText(
        this,
        {
          ...request,
          method: 'ACK',
          to: response.header('to') ?? request.to,
          headers: routes,
          body: '',
        },
        transaction.branch,
      ),
    );
  }

  /** @internal the `Proxy-Authorization`/`Authorization` value answering a digest challenge. */
  authorization(challenge: PeerMessage, method: string, uri: string): string {
    const header = challenge.header('proxy-authenticate') ?? challenge.header('www-authenticate') ?? '';
    const param = (name: string): string | undefined => new RegExp(`${name}="?([^",]*)"?`).exec(header)?.[1];
    const realm = param('realm') ?? '';
    const nonce = param('nonce') ?? '';
    const qop = param('qop');
    const { user, password } = this.options.user;
    const ha1 = md5(`${user}:${realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    if (qop?.split(',').includes('auth')) {
      const cnonce = token(4);
      const nc = '00000001';
      const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
      return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
    }
    return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${md5(`${ha1}:${nonce}:${ha2}`)}", algorithm=MD5`;
  }

  /** @internal a response to `request`, with its Via/From/To/Call-ID/CSeq. */
  responseText(
    request: PeerMessage,
    status: number,
    reason: string,
    options: { headers?: string[]; body?: string; toTag?: string } = {},
  ): string {
    const to = request.header('to') ?? '';
    const body = options.body ?? '';
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...request.all('via').map((via) => `Via: ${via}`),
      `From: ${request.header('from') ?? ''}`,
      `To: ${request.tag('to') || !options.toTag ? to : `${to};tag=${options.toTag}`}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.header('cseq') ?? ''}`,
      `Allow: ${this.allow}`,
      'Supported: 100rel, timer',
      ...(options.headers ?? []),
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    return lines.join(CRLF) + CRLF + CRLF + body;
  }

  /** @internal */
  respond(
    request: PeerMessage,
    status: number,
    reason: string,
    options: { headers?: string[]; body?: string; toTag?: string } = {},
  ): void {
    this.respondRaw(request, this.responseText(request, status, reason, options));
  }

  /** @internal sends a response, and remembers it for retransmissions of the request. */
  respondRaw(request: PeerMessage, text: string): void {
    this.answered.set(`${request.branch} ${request.method}`, text);
    this.sendRaw(text);
  }

  private async openMedia(): Promise<PeerMedia> {
    const media = await PeerMedia.open(this.options.toneHz ?? 523, this.options.telephoneEvents);
    this.media.push(media);
    return media;
  }

  private onDatagram(text: string): void {
    if (!text.trim()) return;
    this.log('<<', text);
    const message = PeerMessage.parse(text);
    if (!message) return;
    this.received.push(message);
    if (message.isResponse) {
      this.transactions.get(message.branch)?.receive(message);
      return;
    }
    const key = `${message.branch} ${message.method}`;
    const previous = this.answered.get(key);
    if (previous && message.method !== 'ACK') {
      this.sendRaw(previous);
      return;
    }
    const toTag = message.tag('to');
    if (toTag) {
      const dialog = this.dialogs.get(`${message.callId} ${toTag}`);
      if (dialog) dialog.onRequest(message);
      else if (message.method !== 'ACK') this.respond(message, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    switch (message.method) {
      case 'INVITE':
        void this.onInvite(message);
        return;
      case 'CANCEL': {
        if (this.options.loseCancel) return;
        const call = this.findIncoming(message.callId);
        this.respond(message, call ? 200 : 481, call ? 'OK' : 'Call/Transaction Does Not Exist');
        if (call && !call.cancelled) {
          call.cancelled = true;
          call.reject(487, 'Request Terminated');
        }
        return;
      }
      case 'ACK':
        return;
      case 'OPTIONS':
        this.respond(message, 200, 'OK', { toTag: token() });
        return;
      default:
        this.respond(message, 405, 'Method Not Allowed', { toTag: token() });
    }
  }

  private readonly allIncoming: PeerIncomingCall[] = [];

  private findIncoming(callId: string): PeerIncomingCall | undefined {
    return this.allIncoming.find((call) => call.invite.callId === callId);
  }

  /** @internal lets in-dialog requests find an outgoing call's dialog. */
  trackDialog(dialog: PeerDialog): void {
    this.dialogs.set(`${dialog.callId} ${dialog.localTag}`, dialog);
  }

  private async onInvite(invite: PeerMessage): Promise<void> {
    this.respondRaw(invite, this.responseText(invite, 100, 'Trying'));
    const call = new PeerIncomingCall(this, invite, await this.openMedia());
    this.allIncoming.push(call);
    this.trackDialog(call.dialog);
    const waiter = this.incomingWaiters.shift();
    if (waiter) waiter(call);
    else this.incoming.push(call);
  }

  private log(direction: '>>' | '<<', text: string): void {
    if (!this.options.logFile) return;
    const line = `${new Date().toISOString()} ${direction}\n${text.replace(/\r\n/g, '\n')}\n`;
    void appendFile(this.options.logFile, line).catch(() => undefined);
  }
}

/** Starts a peer and registers it. */
export async function startSipPeer(options: SipPeerOptions): Promise<SipPeer> {
  const peer = await SipPeer.start(options);
  try {
    await peer.register();
  } catch (error) {
    await peer.stop().catch(() => undefined);
    throw error;
  }
  return peer;
}
