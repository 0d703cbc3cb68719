/**
 * A SIP.js transport whose far end is the test: every message SIP.js sends is parsed and handed to
 * `onSent`, and the test answers it or sends requests of its own, on a later task as a network would.
 * With it a real SIP.js UserAgent runs against a scripted server.
 */
import { EmitterImpl, TransportState, UserAgent, type Emitter, type Transport } from 'sip.js';

/** A message as it left SIP.js: its first line, headers (lower-case names) and body. */
export interface SentMessage {
  firstLine: string;
  headers: Map<string, string>;
  body: string;
}

function parse(raw: string): SentMessage {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [firstLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { firstLine, headers, body };
}

export class TestSipTransport implements Transport {
  /** The transport of the user agent made last (SIP.js constructs it itself). */
  static current: TestSipTransport | undefined;
  readonly protocol = 'WSS';
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  readonly sent: SentMessage[] = [];
  /** Messages handed to SIP.js so far (it handles each before `onMessage` returns). */
  delivered = 0;
  onSent: (message: SentMessage) => void = () => undefined;
  private _state = TransportState.Disconnected;
  private readonly emitter = new EmitterImpl<TransportState>();

  constructor() {
    TestSipTransport.current = this;
  }

  get state(): TransportState {
    return this._state;
  }
  get stateChange(): Emitter<TransportState> {
    return this.emitter;
  }
  isConnected(): boolean {
    return this._state === TransportState.Connected;
  }
  connect(): Promise<void> {
    this._state = TransportState.Connected;
    this.emitter.emit(this._state);
    this.onConnect?.();
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this._state = TransportState.Disconnected;
    this.emitter.emit(this._state);
    return Promise.resolve();
  }
  dispose(): Promise<void> {
    return this.disconnect();
  }

  send(message: string): Promise<void> {
    const parsed = parse(message);
    this.sent.push(parsed);
    this.onSent(parsed);
    return Promise.resolve();
  }

  /**
   * Answers `request` on a later task, with its Via, From, Call-ID and CSeq and a To tag (its own when
   * it is in a dialog).
   */
  respond(request: SentMessage, status: string, headers: string[] = []): void {
    const copied = ['via', 'from', 'call-id', 'cseq'].map((name) => `${name}: ${request.headers.get(name)}`);
    const to = request.headers.get('to') ?? '';
    this.deliver([
      `SIP/2.0 ${status}`,
      ...copied,
      `To: ${/;tag=/.test(to) ? to : `${to};tag=server`}`,
      ...headers,
    ]);
  }

  /**
   * A notifier's NOTIFY within the subscription `subscribe` made (RFC 6665 §4.2.2), on a later task:
   * the subscription's state, and a PIDF `body` when there is one.
   */
  notify(subscribe: SentMessage, cseq: number, state: string, body = ''): void {
    const contact = /<([^>]+)>/.exec(subscribe.headers.get('contact') ?? '')?.[1] ?? '';
    const to = subscribe.headers.get('to') ?? '';
    this.deliver(
      [
        `NOTIFY ${contact} SIP/2.0`,
        `Via: SIP/2.0/WSS 127.0.0.1:5060;branch=z9hG4bK-notify-${cseq}`,
        'Max-Forwards: 70',
        `From: ${/;tag=/.test(to) ? to : `${to};tag=server`}`,
        `To: ${subscribe.headers.get('from')}`,
        `Call-ID: ${subscribe.headers.get('call-id')}`,
        `CSeq: ${cseq} NOTIFY`,
        'Contact: <sip:127.0.0.1:5060>',
        `Event: ${subscribe.headers.get('event')}`,
        `Subscription-State: ${state}`,
        ...(body ? ['Content-Type: application/pidf+xml'] : []),
      ],
      body,
    );
  }

  /** Hands SIP.js a message (first line and headers; `body` after them) on a later task. */
  deliver(lines: string[], body = ''): void {
    const message = [...lines, `Content-Length: ${new TextEncoder().encode(body).length}`, '', body].join(
      '\r\n',
    );
    setTimeout(() => {
      this.onMessage?.(message);
      this.delivered += 1;
    }, 0);
  }
}

/** A started SIP.js user agent for `aor` whose far end is a {@link TestSipTransport}. */
export async function userAgentOnTestTransport(
  aor: string,
  password = 'secret',
): Promise<{ userAgent: UserAgent; transport: TestSipTransport }> {
  const uri = UserAgent.makeURI(aor);
  if (!uri?.user) throw new Error(`bad address ${aor}`);
  const userAgent = new UserAgent({
    uri,
    authorizationUsername: uri.user,
    authorizationPassword: password,
    transportConstructor: TestSipTransport,
    logBuiltinEnabled: false,
  });
  await userAgent.start();
  const transport = TestSipTransport.current;
  if (!transport) throw new Error('SIP.js made no transport');
  return { userAgent, transport };
}
