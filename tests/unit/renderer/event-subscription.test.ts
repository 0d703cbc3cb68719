import type { UserAgent } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { EventSubscription } from '../../../renderer/src/presence/event-subscription';
import { userAgentOnTestTransport, type SentMessage, type TestSipTransport } from './test-sip-transport';

const WATCHER = 'sip:1001@127.0.0.1';
const COLLEAGUE = 'sip:1002@127.0.0.1';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const cseqOf = (message: SentMessage) => Number(message.headers.get('cseq')?.split(' ')[0]);
const inDialog = (message: SentMessage) => /;tag=/.test(message.headers.get('to') ?? '');

/**
 * A notifier like Asterisk's or a hosted PBX's: it grants 2 s, so SIP.js refreshes within seconds, and
 * challenges (401) every in-dialog SUBSCRIBE that comes without credentials, refreshes and
 * un-SUBSCRIBEs alike. Each one taken is answered 200 and NOTIFYed (RFC 6665 §4.2.1.1, §4.2.2).
 */
function challengingNotifier(
  transport: TestSipTransport,
  { holdFirstAnswer = false, holdUnsubscribe = false } = {},
): { subscribes(): SentMessage[]; answerFirst(): void; answerUnsubscribe(): void } {
  let notifyCSeq = 0;
  let held: SentMessage | undefined;
  let heldUnsubscribe: SentMessage | undefined;
  const notify = (subscribe: SentMessage, state: string) => {
    notifyCSeq += 1;
    transport.notify(subscribe, notifyCSeq, state);
  };
  const answer = (message: SentMessage) => {
    const ending = message.headers.get('expires') === '0';
    transport.respond(message, '200 OK', ['Contact: <sip:127.0.0.1:5060>', `Expires: ${ending ? 0 : 2}`]);
    notify(message, ending ? 'terminated;reason=timeout' : 'active;expires=2');
  };
  transport.onSent = (message) => {
    if (!message.firstLine.startsWith('SUBSCRIBE ')) return;
    if (holdFirstAnswer && !held) {
      held = message;
      return;
    }
    if (inDialog(message) && !message.headers.has('authorization')) {
      transport.respond(message, '401 Unauthorized', [
        'WWW-Authenticate: Digest realm="127.0.0.1", nonce="nonce-1", algorithm=MD5',
      ]);
      return;
    }
    if (holdUnsubscribe && message.headers.get('expires') === '0') {
      heldUnsubscribe = message;
      return;
    }
    answer(message);
  };
  return {
    subscribes: () => transport.sent.filter((message) => message.firstLine.startsWith('SUBSCRIBE ')),
    answerFirst: () => {
      if (held) answer(held);
    },
    answerUnsubscribe: () => {
      if (heldUnsubscribe) answer(heldUnsubscribe);
    },
  };
}

/** A dialog subscription of the watcher's to the colleague's line on `transport`; its statuses. */
function dialogSubscription(userAgent: UserAgent): { subscription: EventSubscription; statuses: string[] } {
  const statuses: string[] = [];
  const subscription = new EventSubscription({
    userAgent,
    target: COLLEAGUE,
    event: 'dialog',
    accept: 'application/dialog-info+xml',
    onNotify: () => undefined,
    onStatus: (status) => statuses.push(status),
  });
  cleanups.push(() => subscription.stop());
  return { subscription, statuses };
}

describe('EventSubscription against a notifier that challenges every in-dialog SUBSCRIBE', () => {
  it('answers the challenges and keeps the CSeq of its dialog rising, so the refresh and the un-SUBSCRIBE are taken', async () => {
    const { userAgent, transport } = await userAgentOnTestTransport(WATCHER);
    cleanups.push(() => userAgent.stop());
    const notifier = challengingNotifier(transport);
    const { subscription, statuses } = dialogSubscription(userAgent);
    subscription.start();

    // The refresh (at 90 % of the 2 s granted) is challenged and sent again with credentials.
    const authenticated = () =>
      notifier.subscribes().filter((message) => inDialog(message) && message.headers.has('authorization'));
    await expect.poll(() => authenticated().length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    expect(statuses).toEqual(['active']);

    // Ended (a key removed): the un-SUBSCRIBE is challenged too, and goes again with credentials.
    await subscription.stop();
    await expect
      .poll(() => authenticated().filter((message) => message.headers.get('expires') === '0').length)
      .toBe(1);
    // RFC 3261 §12.2.1.1: every request of the dialog, challenged ones and their retries included, has
    // a CSeq above the one before; a notifier refuses one that reuses a CSeq (500, or 400 in Kamailio).
    const cseqs = notifier.subscribes().map(cseqOf);
    // The SUBSCRIBE that made it, then a challenged first try and its retry for the refresh and the end.
    expect(cseqs.length).toBeGreaterThanOrEqual(5);
    expect(cseqs, 'CSeqs rising, none used twice').toEqual([...new Set(cseqs)].sort((a, b) => a - b));
  });
});

describe('EventSubscription.stop against a notifier that challenges the un-SUBSCRIBE', () => {
  it('resolves only once the retry with credentials has its answer, so the phone may then close', async () => {
    const { userAgent, transport } = await userAgentOnTestTransport(WATCHER);
    cleanups.push(() => userAgent.stop());
    const notifier = challengingNotifier(transport, { holdUnsubscribe: true });
    const { subscription, statuses } = dialogSubscription(userAgent);
    subscription.start();
    await expect.poll(() => statuses).toEqual(['active']);

    let stopped = false;
    void subscription.stop().then(() => (stopped = true));
    const retried = () =>
      notifier
        .subscribes()
        .filter((message) => message.headers.get('expires') === '0' && message.headers.has('authorization'));
    await expect.poll(() => retried().length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped, 'waiting for the answer to the retry').toBe(false);
    notifier.answerUnsubscribe();
    await expect.poll(() => stopped).toBe(true);
  });
});

describe('EventSubscription ended while it waits for its first NOTIFY', () => {
  it('ends on the server what the server made, before the phone goes (a key removed right after it was added)', async () => {
    const { userAgent, transport } = await userAgentOnTestTransport(WATCHER);
    cleanups.push(() => userAgent.stop());
    const notifier = challengingNotifier(transport, { holdFirstAnswer: true });
    const { subscription, statuses } = dialogSubscription(userAgent);
    subscription.start();
    await expect.poll(() => notifier.subscribes().length).toBe(1);

    // What Phone.stop does: the subscriptions end, then the user agent stops and its transport goes.
    const stopped = subscription.stop().then(() => userAgent.stop());
    // Only now does the server answer: it made the subscription (200) and NOTIFYs its state.
    notifier.answerFirst();
    await stopped;
    const [created, ended] = notifier.subscribes();
    expect(ended?.headers.get('expires'), 'an un-SUBSCRIBE (RFC 6665 §4.1.2.3)').toBe('0');
    expect(ended?.headers.get('call-id')).toBe(created?.headers.get('call-id'));
    expect(ended?.headers.get('to'), "in the subscription's dialog").toMatch(/;tag=server/);
    // Nobody hears of a subscription that was being ended.
    expect(statuses).toEqual([]);
  });
});
