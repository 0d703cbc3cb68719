import Dexie, { type Table } from 'dexie';
import type { IncomingTextMessage } from '../sip/text-messages';
import { conversationKey, peerOf, type ChatMessage, type ConversationSummary } from './chat-message';
import type { Delivery } from './delivery-state';

/** What the UI hands over to send: the account it goes out on, the resolved target, the text. */
export interface OutgoingDraft {
  accountId: string;
  peerUri: string;
  peerName: string;
  text: string;
}

/**
 * Text messages in IndexedDB, in a database of their own (`ringline-messages`) so its schema versions
 * never depend on the call history's. Every write is keyed by the message's id, so storing a received
 * MESSAGE again (a retransmission, a replay after reload) changes nothing, and each conversation's
 * summary row is recomputed from the messages in the same transaction, so counts cannot drift.
 */
export class MessageStore extends Dexie {
  messages!: Table<ChatMessage, string>;
  conversations!: Table<ConversationSummary, string>;
  private lastStamp = 0;

  constructor(
    name = 'ringline-messages',
    private readonly now: () => number = Date.now,
  ) {
    super(name);
    this.version(1).stores({
      messages: '&id, [conversation+at], [conversation+unread], unread, state',
      conversations: '&conversation, lastAt',
    });
  }

  /** Time stamps only go up, so two texts in the same millisecond keep their order. */
  private stamp(at: number): number {
    this.lastStamp = Math.max(at, this.lastStamp + 1);
    return this.lastStamp;
  }

  /** Stores a received text; false when it was already stored (nothing changes then). */
  async addIncoming(incoming: IncomingTextMessage): Promise<{ added: boolean; message: ChatMessage }> {
    const id = `in:${incoming.accountId}:${incoming.id}`;
    return this.transaction('rw', this.messages, this.conversations, async () => {
      const existing = await this.messages.get(id);
      if (existing) return { added: false, message: existing };
      const message: ChatMessage = {
        id,
        conversation: conversationKey(incoming.accountId, incoming.fromUri),
        accountId: incoming.accountId,
        peer: peerOf(incoming.fromUri),
        peerUri: incoming.fromUri,
        peerName: incoming.fromName,
        direction: 'in',
        text: incoming.text,
        droppedChars: incoming.droppedChars,
        at: this.stamp(incoming.receivedAt),
        state: 'received',
        unread: 1,
      };
      await this.messages.add(message);
      await this.summarise(message.conversation);
      return { added: true, message };
    });
  }

  /** Stores a text we are about to send, as `sending`; its delivery report updates it by id. */
  async addOutgoing(draft: OutgoingDraft): Promise<ChatMessage> {
    const message: ChatMessage = {
      id: `out:${crypto.randomUUID()}`,
      conversation: conversationKey(draft.accountId, draft.peerUri),
      accountId: draft.accountId,
      peer: peerOf(draft.peerUri),
      peerUri: draft.peerUri,
      peerName: draft.peerName,
      direction: 'out',
      text: draft.text,
      droppedChars: 0,
      at: this.stamp(this.now()),
      state: 'sending',
      unread: 0,
    };
    await this.transaction('rw', this.messages, this.conversations, async () => {
      await this.messages.add(message);
      await this.summarise(message.conversation);
    });
    return message;
  }

  /** Records how sending ended. */
  async setDelivery(id: string, delivery: Delivery): Promise<void> {
    await this.transaction('rw', this.messages, this.conversations, async () => {
      const message = await this.messages.get(id);
      if (!message) return;
      const { failure: _previous, ...rest } = message;
      await this.messages.put(
        delivery.state === 'failed'
          ? { ...rest, state: 'failed', failure: delivery.failure }
          : { ...rest, state: 'delivered' },
      );
      await this.summarise(message.conversation);
    });
  }

  /**
   * Texts still `sending` from an earlier run lost their transaction with the page: nobody will ever
   * report on them, so they are marked failed ("interrupted") rather than left spinning.
   */
  async failInterrupted(): Promise<number> {
    return this.transaction('rw', this.messages, this.conversations, async () => {
      const stuck = await this.messages.where('state').equals('sending').toArray();
      await this.messages.bulkPut(
        stuck.map((m) => ({ ...m, state: 'failed' as const, failure: { kind: 'interrupted' as const } })),
      );
      for (const conversation of new Set(stuck.map((m) => m.conversation)))
        await this.summarise(conversation);
      return stuck.length;
    });
  }

  /** Marks every received text of a conversation read. */
  async markRead(conversation: string): Promise<void> {
    await this.transaction('rw', this.messages, this.conversations, async () => {
      await this.messages.where('[conversation+unread]').equals([conversation, 1]).modify({ unread: 0 });
      await this.summarise(conversation);
    });
  }

  /** Conversations, most recent first. */
  list(): Promise<ConversationSummary[]> {
    return this.conversations.orderBy('lastAt').reverse().toArray();
  }

  /** A conversation's texts, oldest first. */
  thread(conversation: string): Promise<ChatMessage[]> {
    return this.messages
      .where('[conversation+at]')
      .between([conversation, Dexie.minKey], [conversation, Dexie.maxKey])
      .toArray();
  }

  /** Received texts not read yet, over all conversations. */
  unreadCount(): Promise<number> {
    return this.messages.where('unread').equals(1).count();
  }

  private async summarise(conversation: string): Promise<void> {
    const last = await this.messages
      .where('[conversation+at]')
      .between([conversation, Dexie.minKey], [conversation, Dexie.maxKey])
      .last();
    if (!last) {
      await this.conversations.delete(conversation);
      return;
    }
    const previous = await this.conversations.get(conversation);
    await this.conversations.put({
      conversation,
      accountId: last.accountId,
      peer: last.peer,
      // A name the peer sent once is kept when a later text (or one of ours) carries none.
      peerUri: last.direction === 'in' ? last.peerUri : (previous?.peerUri ?? last.peerUri),
      peerName: last.peerName || previous?.peerName || '',
      lastAt: last.at,
      lastText: last.text,
      lastDirection: last.direction,
      lastState: last.state,
      unread: await this.messages.where('[conversation+unread]').equals([conversation, 1]).count(),
    });
  }
}
