import { EmitterImpl, TransportState, UserAgent, type Emitter, type Transport } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Publication } from '../../../renderer/src/presence/publication';

/** A PUBLISH as it left SIP.js: its headers (lower-case names) and body. */
interface SentPublish {
  headers: Map<string, string>;
  body: string;
  raw: string;
}

function parse(raw: string): SentPublish {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body, raw };
}

/**
 * The far end of the SIP.js user agent under test: a presence server that challenges every PUBLISH
 * without credentials (407, as the lab's Kamailio does) and answers the others as `answer` says. It
 * answers on a later task, as a network would.
 */
class PresenceServer implements Transport {
  static current: PresenceServer | undefined;
  readonly protocol = 'WSS';
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  readonly sent: SentPublish[] = [];
  /** Answers SIP.js has been handed (it handles each before `onMessage` returns). */
  answered = 0;
  /** Status line and headers for an authenticated PUBLISH; `undefined` leaves it unanswered. */
  answer: (publish: SentPublish, count: number) => { status: string; headers?: string[] } | undefined = (
    _publish,
    count,
  ) => ({ status: '200 OK', headers: [`SIP-ETag: tag-${count}`, 'Expires: 600'] });
  private _state = TransportState.Disconnected;
  private readonly emitter = new EmitterImpl<TransportState>();
  private accepted = 0;

  constructor() {
    PresenceServer.current = this;
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
    const publish = parse(message);
    this.sent.push(publish);
    const reply = publish.headers.has('proxy-authorization')
      ? this.answer(publish, ++this.accepted)
      : {
          status: '407 Proxy Authentication Required',
          headers: ['Proxy-Authenticate: Digest realm="127.0.0.1", nonce="nonce-1", algorithm=MD5'],
        };
    if (reply) setTimeout(() => this.respond(publish, reply.status, reply.headers ?? []), 0);
    return Promise.resolve();
  }

  /** PUBLISHes that carried credentials, i.e. the ones the server acted on. */
  authenticated(): SentPublish[] {
    return this.sent.filter((publish) => publish.headers.has('proxy-authorization'));
  }

  respond(publish: SentPublish, status: string, extra: string[]): void {
    const copied = ['via', 'from', 'call-id', 'cseq'].map((name) => `${name}: ${publish.headers.get(name)}`);
    const response = [
      `SIP/2.0 ${status}`,
      ...copied,
      `To: ${publish.headers.get('to')};tag=server`,
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    this.onMessage?.(response);
    this.answered += 1;
  }
}

const agents: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

async function publicationOnServer(): Promise<{ publication: Publication; server: PresenceServer }> {
  const uri = UserAgent.makeURI('sip:1002@127.0.0.1');
  if (!uri) throw new Error('bad URI');
  const agent = new UserAgent({
    uri,
    authorizationUsername: '1002',
    authorizationPassword: 'secret',
    transportConstructor: PresenceServer,
    logBuiltinEnabled: false,
  });
  agents.push(agent);
  await agent.start();
  const server = PresenceServer.current;
  if (!server) throw new Error('no transport');
  const publication = new Publication({
    userAgent: agent,
    target: uri,
    event: 'presence',
    contentType: 'application/pidf+xml',
    expires: 600,
  });
  return { publication, server };
}

describe('Publication (RFC 3903 PUBLISH kept on the server)', () => {
  it('removes the state in the same turn, with the credentials the server accepted, so a closing page gets it out', async () => {
    const { publication, server } = await publicationOnServer();
    publication.publish('<busy/>');
    // The 407, then the 200 with the tag the removal names.
    await expect.poll(() => server.answered).toBe(2);
    const accepted = server.authenticated()[0];
    expect(accepted?.body).toBe('<busy/>');
    expect(accepted?.headers.get('expires')).toBe('600');

    const before = server.sent.length;
    publication.remove();
    // Nothing awaited: the removal is already on the wire, credentials and all (RFC 3903 §4.5).
    expect(server.sent).toHaveLength(before + 1);
    const removal = server.sent.at(-1);
    expect(removal?.raw).toMatch(/^PUBLISH sip:1002@127\.0\.0\.1 SIP\/2\.0/);
    expect(removal?.headers.get('expires')).toBe('0');
    expect(removal?.headers.get('sip-if-match')).toBe('tag-1');
    expect(removal?.headers.get('event')).toBe('presence');
    expect(removal?.headers.get('proxy-authorization')).toBe(accepted?.headers.get('proxy-authorization'));
    expect(removal?.headers.get('content-length')).toBe('0');
    expect(Number(removal?.headers.get('cseq')?.split(' ')[0])).toBeGreaterThan(
      Number(accepted?.headers.get('cseq')?.split(' ')[0]),
    );
  });

  it('sends one PUBLISH at a time: a change made meanwhile follows the answer, naming the new tag', async () => {
    const { publication, server } = await publicationOnServer();
    let release: (() => void) | undefined;
    server.answer = (publish, count) => {
      if (count > 1) return { status: '200 OK', headers: [`SIP-ETag: tag-${count}`, 'Expires: 600'] };
      release = () => server.respond(publish, '200 OK', ['SIP-ETag: tag-1', 'Expires: 600']);
      return undefined;
    };
    publication.publish('<available/>');
    await expect.poll(() => release).toBeDefined();
    publication.publish('<busy/>');
    publication.publish('<dnd/>');
    expect(server.authenticated()).toHaveLength(1);

    release?.();
    await expect.poll(() => server.authenticated().length).toBe(2);
    const modify = server.authenticated()[1];
    expect(modify?.body).toBe('<dnd/>');
    expect(modify?.headers.get('sip-if-match')).toBe('tag-1');
  });

  it('removed while its first PUBLISH is unanswered: the removal follows the answer that brings the tag', async () => {
    const { publication, server } = await publicationOnServer();
    publication.publish('<busy/>');
    publication.remove();
    await expect.poll(() => server.authenticated().length).toBe(2);
    const removal = server.authenticated()[1];
    expect(removal?.headers.get('expires')).toBe('0');
    expect(removal?.headers.get('sip-if-match')).toBe('tag-1');
  });

  it('refreshes before the granted time runs out, without a body, and publishes anew after a 412', async () => {
    const { publication, server } = await publicationOnServer();
    server.answer = (publish, count) =>
      // The first refresh finds its state gone (RFC 3903 §4.1): 412 Conditional Request Failed.
      count === 2
        ? { status: '412 Conditional Request Failed' }
        : { status: '200 OK', headers: [`SIP-ETag: tag-${count}`, 'Expires: 1'] };
    publication.publish('<busy/>');
    await expect.poll(() => server.authenticated().length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    const [initial, refresh, anew] = server.authenticated();
    expect(initial?.headers.get('expires')).toBe('600');
    // The server granted 1 s: the refresh asks for that, names the tag and carries no body.
    expect(refresh?.headers.get('expires')).toBe('1');
    expect(refresh?.headers.get('sip-if-match')).toBe('tag-1');
    expect(refresh?.body).toBe('');
    expect(anew?.headers.has('sip-if-match')).toBe(false);
    expect(anew?.body).toBe('<busy/>');
    publication.remove();
  });

  it('asks again with the Min-Expires of a 423 Interval Too Brief', async () => {
    const { publication, server } = await publicationOnServer();
    server.answer = (_publish, count) =>
      count === 1
        ? { status: '423 Interval Too Brief', headers: ['Min-Expires: 1200'] }
        : { status: '200 OK', headers: ['SIP-ETag: tag-2', 'Expires: 1200'] };
    publication.publish('<busy/>');
    await expect.poll(() => server.authenticated().length).toBe(2);
    expect(server.authenticated()[1]?.headers.get('expires')).toBe('1200');
    expect(server.authenticated()[1]?.body).toBe('<busy/>');
  });
});
