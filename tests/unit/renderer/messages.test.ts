import { afterEach, describe, expect, it } from 'vitest';
import { conversationKey, peerOf } from '../../../renderer/src/messages/chat-message';
import { deliveryFor, failureForStatus } from '../../../renderer/src/messages/delivery-state';
import { MessageStore } from '../../../renderer/src/messages/message-store';
import { isPlainText, type IncomingTextMessage } from '../../../renderer/src/sip/text-messages';
import { utf8Bytes } from '../../../renderer/src/sip/text-size';

const opened: MessageStore[] = [];
function freshStore(name = `ringline-messages-test-${crypto.randomUUID()}`, now = () => 1_000): MessageStore {
  const store = new MessageStore(name, now);
  opened.push(store);
  return store;
}
afterEach(async () => {
  // One at a time: two handles on one database (the reload tests) would block each other's delete.
  for (const db of opened.splice(0)) await db.delete();
});

function incoming(patch: Partial<IncomingTextMessage> = {}): IncomingTextMessage {
  return {
    accountId: 'acc',
    id: `${crypto.randomUUID()}/1`,
    fromUri: 'sip:1002@127.0.0.1',
    fromName: 'Bob',
    text: 'hello',
    droppedChars: 0,
    receivedAt: 5_000,
    ...patch,
  };
}

describe('message store', () => {
  it('stores a received MESSAGE once, however often it is replayed (retransmission, reload)', async () => {
    const store = freshStore();
    const message = incoming({ id: 'call-1/7' });
    expect((await store.addIncoming(message)).added).toBe(true);
    expect((await store.addIncoming(message)).added).toBe(false);
    expect((await store.addIncoming({ ...message, text: 'changed' })).added).toBe(false);

    const conversation = conversationKey('acc', 'sip:1002@127.0.0.1');
    const thread = await store.thread(conversation);
    expect(thread.map((m) => m.text)).toEqual(['hello']);
    expect(await store.unreadCount()).toBe(1);
    expect((await store.list())[0]?.unread).toBe(1);
  });

  it('a second store on the same database (a reload) sees every message, none twice', async () => {
    const name = `ringline-messages-test-${crypto.randomUUID()}`;
    const first = freshStore(name);
    const message = incoming({ id: 'call-2/1' });
    await first.addIncoming(message);
    await first.addOutgoing({ accountId: 'acc', peerUri: 'sip:1002@127.0.0.1', peerName: '', text: 'hi' });
    first.close();

    const reloaded = freshStore(name);
    expect((await reloaded.addIncoming(message)).added).toBe(false);
    const thread = await reloaded.thread(conversationKey('acc', 'sip:1002@127.0.0.1'));
    expect(thread.map((m) => [m.direction, m.text])).toEqual([
      ['in', 'hello'],
      ['out', 'hi'],
    ]);
  });

  it('keeps the order texts arrived in, even within one millisecond, across directions', async () => {
    const store = freshStore(undefined, () => 5_000);
    const peer = 'sip:1002@127.0.0.1';
    await store.addIncoming(incoming({ text: 'one', receivedAt: 5_000 }));
    await store.addOutgoing({ accountId: 'acc', peerUri: peer, peerName: '', text: 'two' });
    await store.addIncoming(incoming({ text: 'three', receivedAt: 5_000 }));
    await store.addIncoming(incoming({ text: 'four', receivedAt: 4_000 }));
    const thread = await store.thread(conversationKey('acc', peer));
    expect(thread.map((m) => m.text)).toEqual(['one', 'two', 'three', 'four']);
    const times = thread.map((m) => m.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(4);
  });

  it('groups by account and peer, lists the latest conversation first, counts unread per conversation', async () => {
    const store = freshStore();
    await store.addIncoming(incoming({ fromUri: 'sip:1002@127.0.0.1;transport=ws', text: 'b1' }));
    await store.addIncoming(incoming({ fromUri: 'sips:1002@127.0.0.1:5061', text: 'b2' }));
    await store.addIncoming(incoming({ fromUri: 'sip:1003@127.0.0.1', fromName: 'Carol', text: 'c1' }));
    await store.addIncoming(incoming({ accountId: 'other', text: 'other account' }));

    const list = await store.list();
    expect(list.map((c) => [c.peer, c.accountId, c.lastText, c.unread])).toEqual([
      ['1002@127.0.0.1', 'other', 'other account', 1],
      ['1003@127.0.0.1', 'acc', 'c1', 1],
      ['1002@127.0.0.1', 'acc', 'b2', 2],
    ]);
    expect(await store.unreadCount()).toBe(4);

    await store.markRead(conversationKey('acc', 'sip:1002@127.0.0.1'));
    expect(await store.unreadCount()).toBe(2);
    expect((await store.list()).find((c) => c.lastText === 'b2')?.unread).toBe(0);
  });

  it('a sent text goes sending -> delivered or failed (with the reason), and the summary follows', async () => {
    const store = freshStore();
    const peer = 'sip:1003@127.0.0.1';
    const ok = await store.addOutgoing({ accountId: 'acc', peerUri: peer, peerName: '', text: 'ok' });
    const lost = await store.addOutgoing({ accountId: 'acc', peerUri: peer, peerName: '', text: 'lost' });
    expect(ok.state).toBe('sending');
    await store.setDelivery(ok.id, deliveryFor({ kind: 'response', statusCode: 200, reasonPhrase: 'OK' }));
    await store.setDelivery(
      lost.id,
      deliveryFor({ kind: 'response', statusCode: 480, reasonPhrase: 'Temporarily Unavailable' }),
    );
    const thread = await store.thread(conversationKey('acc', peer));
    expect(thread.map((m) => [m.text, m.state, m.failure])).toEqual([
      ['ok', 'delivered', undefined],
      ['lost', 'failed', { kind: 'unavailable', statusCode: 480 }],
    ]);
    expect((await store.list())[0]).toMatchObject({ lastText: 'lost', lastState: 'failed', unread: 0 });
  });

  it('texts still sending when the page went away are marked interrupted on the next start', async () => {
    const name = `ringline-messages-test-${crypto.randomUUID()}`;
    const first = freshStore(name);
    await first.addOutgoing({ accountId: 'acc', peerUri: 'sip:1002@127.0.0.1', peerName: '', text: 'x' });
    first.close();
    const next = freshStore(name);
    expect(await next.failInterrupted()).toBe(1);
    expect(await next.failInterrupted()).toBe(0);
    const [message] = await next.thread(conversationKey('acc', 'sip:1002@127.0.0.1'));
    expect(message).toMatchObject({ state: 'failed', failure: { kind: 'interrupted' } });
  });

  it('stores empty and capped texts without complaint', async () => {
    const store = freshStore();
    await store.addIncoming(incoming({ text: '' }));
    await store.addIncoming(incoming({ text: 'x'.repeat(10), droppedChars: 90 }));
    const thread = await store.thread(conversationKey('acc', 'sip:1002@127.0.0.1'));
    expect(thread.map((m) => [m.text, m.droppedChars])).toEqual([
      ['', 0],
      ['xxxxxxxxxx', 90],
    ]);
  });
});

describe('delivery state', () => {
  it('2xx is delivered; any other final response is failed with a reason', () => {
    expect(deliveryFor({ kind: 'response', statusCode: 200, reasonPhrase: 'OK' })).toEqual({
      state: 'delivered',
    });
    expect(deliveryFor({ kind: 'response', statusCode: 202, reasonPhrase: 'Accepted' }).state).toBe(
      'delivered',
    );
    expect(deliveryFor({ kind: 'response', statusCode: 408, reasonPhrase: 'Request Timeout' })).toEqual({
      state: 'failed',
      failure: { kind: 'timeout', statusCode: 408 },
    });
    expect(deliveryFor({ kind: 'not-sent', detail: 'not connected' })).toEqual({
      state: 'failed',
      failure: { kind: 'offline' },
    });
    expect(deliveryFor({ kind: 'response', statusCode: 302, reasonPhrase: 'Moved' })).toEqual({
      state: 'failed',
      failure: { kind: 'rejected', statusCode: 302 },
    });
  });

  it('names the usual failures', () => {
    expect(
      [404, 480, 486, 603, 415, 413, 407, 500, 503, 604, 499].map((code) => failureForStatus(code)),
    ).toEqual([
      'not-found',
      'unavailable',
      'busy',
      'declined',
      'not-accepted',
      'too-large',
      'forbidden',
      'server-error',
      'server-error',
      'not-found',
      'rejected',
    ]);
  });
});

describe('message identity and content', () => {
  it('one peer whatever the scheme, port, parameters or case', () => {
    expect(peerOf('sip:Bob@Example.com;transport=ws')).toBe('bob@example.com');
    expect(peerOf('sips:bob@example.com:5061')).toBe('bob@example.com');
    expect(peerOf('sip:%2B12015550123@pbx')).toBe('+12015550123@pbx');
    expect(conversationKey('a', 'sip:1002@127.0.0.1')).toBe('a|1002@127.0.0.1');
  });

  it('takes text/plain with parameters and refuses other types', () => {
    expect(isPlainText('text/plain')).toBe(true);
    expect(isPlainText('Text/Plain; charset=UTF-8')).toBe(true);
    expect(isPlainText('text/html')).toBe(false);
    expect(isPlainText('application/im-iscomposing+xml')).toBe(false);
    expect(isPlainText(undefined)).toBe(false);
  });

  it('measures the wire size in UTF-8 bytes', () => {
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('你好')).toBe(6);
  });
});
