import type { MessageFailure, MessageState } from './delivery-state';

/** One text in a conversation, as stored. */
export interface ChatMessage {
  /**
   * Received: `in:<account>:<Call-ID>/<CSeq>`, so the same MESSAGE stored twice is one record.
   * Sent: `out:<uuid>`, made before sending, so its delivery report updates that record.
   */
  id: string;
  /** See {@link conversationKey}. */
  conversation: string;
  accountId: string;
  /** The other party, `user@host` (see {@link peerOf}). */
  peer: string;
  /** The other party's SIP URI, where replies go. */
  peerUri: string;
  /** The display name the other party sent, or ''. */
  peerName: string;
  direction: 'in' | 'out';
  text: string;
  /** Characters of a received text that were not kept (it was longer than the cap). */
  droppedChars: number;
  /** Milliseconds since the epoch; unique and increasing within a conversation. */
  at: number;
  state: MessageState;
  failure?: MessageFailure;
  /** 1 for a received text not yet read (IndexedDB cannot index booleans). */
  unread: 0 | 1;
}

/** The conversation list's row: the latest message and how many are unread. */
export interface ConversationSummary {
  conversation: string;
  accountId: string;
  peer: string;
  peerUri: string;
  peerName: string;
  lastAt: number;
  lastText: string;
  lastDirection: ChatMessage['direction'];
  lastState: MessageState;
  unread: number;
}

/**
 * Who a SIP URI is, for grouping texts: `user@host`, lower-cased, without scheme, port or parameters,
 * so `sip:1002@pbx;transport=ws` and `sips:1002@PBX:5061` are one conversation.
 */
export function peerOf(uri: string): string {
  const match = /^(?:sips?:)?([^@;?]+)@([^;?:>]+)/i.exec(uri.trim());
  return match ? `${decodeURIComponent(match[1] ?? '')}@${match[2]}`.toLowerCase() : uri.trim().toLowerCase();
}

/** One conversation per account and peer: the account is the line replies go out on. */
export function conversationKey(accountId: string, peerUri: string): string {
  return `${accountId}|${peerOf(peerUri)}`;
}
