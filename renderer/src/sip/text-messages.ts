import { Messager, type Message, type URI, type UserAgent } from 'sip.js';

/**
 * Instant messages with SIP MESSAGE (RFC 3428), `text/plain` only.
 *
 * Sending: one MESSAGE per text, outside any dialog; the final response is the only delivery report
 * SIP gives (2xx: the far end's phone took it; anything else: it did not). SIP.js answers the proxy's
 * 407 challenge itself and turns a transaction timeout into a local 408.
 *
 * Receiving: SIP.js would answer 200 to any MESSAGE whatever its body; we answer 415 with
 * `Accept: text/plain` to other content types (RFC 3261 §21.4.13), and 200 only once the text has been
 * handed over (stored), so the sender is never told "delivered" for a message we lost.
 */

/**
 * Longest text we keep from a received MESSAGE, in characters; the rest is dropped and counted so
 * the thread can say so. Bounds what one request can make us store and render.
 */
export const MAX_STORED_MESSAGE_CHARS = 16_384;

/** A text that arrived. */
export interface IncomingTextMessage {
  accountId: string;
  /** Call-ID and CSeq of the MESSAGE: the same request seen twice gets the same id. */
  id: string;
  /** The sender's address, e.g. `sip:1002@pbx.example.com`. */
  fromUri: string;
  /** The From display name, when the sender gave one. */
  fromName: string;
  text: string;
  /** Characters beyond {@link MAX_STORED_MESSAGE_CHARS} that were not kept. */
  droppedChars: number;
  receivedAt: number;
}

/** How sending one MESSAGE ended. */
export type MessageSendOutcome =
  /** A final response arrived (or SIP.js made one up: 408 on timeout, 503 on a transport error). */
  | { kind: 'response'; statusCode: number; reasonPhrase: string }
  /** It could not be sent at all (the WebSocket is down). */
  | { kind: 'not-sent'; detail: string };

/** `text/plain`, with or without parameters such as `charset=UTF-8`; case-insensitive (RFC 2045 §5.1). */
export function isPlainText(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'text/plain';
}

/** Sends `text` to `target`; `onOutcome` is called exactly once. */
export function sendTextMessage(
  userAgent: UserAgent,
  target: URI,
  text: string,
  onOutcome: (outcome: MessageSendOutcome) => void,
): void {
  if (!userAgent.isConnected()) {
    onOutcome({ kind: 'not-sent', detail: 'not connected' });
    return;
  }
  let reported = false;
  const report = (outcome: MessageSendOutcome): void => {
    if (reported) return;
    reported = true;
    onOutcome(outcome);
  };
  const final = (response: { message: { statusCode?: number; reasonPhrase?: string } }): void =>
    report({
      kind: 'response',
      statusCode: response.message.statusCode ?? 0,
      reasonPhrase: response.message.reasonPhrase ?? '',
    });
  try {
    const messager = new Messager(userAgent, target, text, 'text/plain;charset=UTF-8');
    void messager.message({ requestDelegate: { onAccept: final, onReject: final, onRedirect: final } });
  } catch (error) {
    report({ kind: 'not-sent', detail: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Answers one received MESSAGE: 415 for anything but text, otherwise hands the text to `deliver` and
 * answers 200 once it resolves (500 if it throws). Never throws; an empty body is an empty text.
 */
export async function receiveTextMessage(
  message: Message,
  accountId: string,
  deliver: (incoming: IncomingTextMessage) => Promise<void> | void,
): Promise<void> {
  const request = message.request;
  const body = request.body ?? '';
  const contentType = request.getHeader('Content-Type');
  if (body !== '' && !isPlainText(contentType)) {
    await message.reject({ statusCode: 415, extraHeaders: ['Accept: text/plain'] }).catch(() => undefined);
    return;
  }
  const incoming: IncomingTextMessage = {
    accountId,
    id: `${request.callId}/${request.cseq}`,
    fromUri: request.from?.uri?.toString() ?? '',
    fromName: request.from?.displayName ?? '',
    text: body.slice(0, MAX_STORED_MESSAGE_CHARS),
    droppedChars: Math.max(0, body.length - MAX_STORED_MESSAGE_CHARS),
    receivedAt: Date.now(),
  };
  try {
    await deliver(incoming);
  } catch {
    await message.reject({ statusCode: 500, reasonPhrase: 'Not Stored' }).catch(() => undefined);
    return;
  }
  await message.accept().catch(() => undefined);
}
