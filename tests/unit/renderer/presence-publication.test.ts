import type { UserAgent } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Publication } from '../../../renderer/src/presence/publication';
import { userAgentOnTestTransport, type SentMessage, type TestSipTransport } from './test-sip-transport';

/** What the scripted server answers an authenticated PUBLISH (the `count`th); undefined: nothing yet. */
type Answer = (publish: SentMessage, count: number) => { status: string; headers?: string[] } | undefined;

/**
 * A presence server that challenges every PUBLISH without credentials (407, as the lab's Kamailio
 * does) and answers the others as `answer` says: by default 200 with a new entity tag and 600 s.
 */
class PresenceServer {
  answer: Answer = (_publish, count) => ({
    status: '200 OK',
    headers: [`SIP-ETag: tag-${count}`, 'Expires: 600'],
  });
  private accepted = 0;

  constructor(readonly transport: TestSipTransport) {
    transport.onSent = (publish) => {
      const reply = publish.headers.has('proxy-authorization')
        ? this.answer(publish, ++this.accepted)
        : {
            status: '407 Proxy Authentication Required',
            headers: ['Proxy-Authenticate: Digest realm="127.0.0.1", nonce="nonce-1", algorithm=MD5'],
          };
      if (reply) transport.respond(publish, reply.status, reply.headers);
    };
  }

  get sent(): SentMessage[] {
    return this.transport.sent;
  }

  /** Answers SIP.js has handled. */
  get answered(): number {
    return this.transport.delivered;
  }

  /** PUBLISHes that carried credentials, i.e. the ones the server acted on. */
  authenticated(): SentMessage[] {
    return this.sent.filter((publish) => publish.headers.has('proxy-authorization'));
  }

  respond(publish: SentMessage, status: string, headers: string[]): void {
    this.transport.respond(publish, status, headers);
  }
}

const agents: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

async function publicationOnServer(): Promise<{ publication: Publication; server: PresenceServer }> {
  const { userAgent, transport } = await userAgentOnTestTransport('sip:1002@127.0.0.1');
  agents.push(userAgent);
  const publication = new Publication({
    userAgent,
    target: userAgent.configuration.uri,
    event: 'presence',
    contentType: 'application/pidf+xml',
    expires: 600,
  });
  return { publication, server: new PresenceServer(transport) };
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
    void publication.remove();
    // Nothing awaited: the removal is already on the wire, credentials and all (RFC 3903 §4.5).
    expect(server.sent).toHaveLength(before + 1);
    const removal = server.sent.at(-1);
    expect(removal?.firstLine).toBe('PUBLISH sip:1002@127.0.0.1 SIP/2.0');
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
    void publication.remove();
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
    void publication.remove();
  });

  it('a removal challenged for a stale nonce goes again with fresh credentials, and remove() waits for its answer', async () => {
    const { publication, server } = await publicationOnServer();
    let release: (() => void) | undefined;
    server.answer = (publish, count) => {
      if (count === 1) return { status: '200 OK', headers: ['SIP-ETag: tag-1', 'Expires: 600'] };
      // The nonce of the last refresh has expired (Asterisk keeps one 32 s): RFC 2617 §3.2.1 stale.
      if (count === 2) {
        return {
          status: '407 Proxy Authentication Required',
          headers: [
            'Proxy-Authenticate: Digest realm="127.0.0.1", nonce="nonce-2", algorithm=MD5, stale=true',
          ],
        };
      }
      release = () => server.respond(publish, '200 OK', ['Expires: 0']);
      return undefined;
    };
    publication.publish('<busy/>');
    await expect.poll(() => server.authenticated().length).toBe(1);

    let removed = false;
    void publication.remove().then(() => (removed = true));
    await expect.poll(() => server.authenticated().length).toBe(3);
    const retry = server.authenticated()[2];
    expect(retry?.headers.get('expires')).toBe('0');
    expect(retry?.headers.get('sip-if-match')).toBe('tag-1');
    expect(retry?.headers.get('proxy-authorization')).toContain('nonce="nonce-2"');
    // Still unanswered: a stopping phone must not close its user agent yet.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(removed).toBe(false);
    release?.();
    await expect.poll(() => removed).toBe(true);
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
