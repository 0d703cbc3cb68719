import type { MessageSendOutcome } from '../sip/text-messages';

/** Where a message stands: ours are sending until a final response, then delivered or failed. */
export type MessageState = 'received' | 'sending' | 'delivered' | 'failed';

/** Why a message was not delivered, in the words the thread shows ("Not delivered: not reachable (480)"). */
export type MessageFailureKind =
  | 'offline'
  | 'not-found'
  | 'unavailable'
  | 'busy'
  | 'declined'
  | 'timeout'
  | 'not-accepted'
  | 'too-large'
  | 'forbidden'
  | 'server-error'
  | 'interrupted'
  | 'rejected';

export interface MessageFailure {
  kind: MessageFailureKind;
  /** The SIP status of the final response, when there was one. */
  statusCode?: number;
}

export type Delivery = { state: 'delivered' } | { state: 'failed'; failure: MessageFailure };

/**
 * The failure a non-2xx final response to a MESSAGE stands for (RFC 3261 §21, RFC 3428 §7):
 * 480 the user has no phone registered, 404/604 no such user, 408 nobody answered in time (SIP.js
 * makes one up on timeout), 415/488/606 the far end does not take text, 413/513 too long.
 */
export function failureForStatus(statusCode: number): MessageFailureKind {
  switch (statusCode) {
    case 404:
    case 604:
    case 410:
      return 'not-found';
    case 480:
      return 'unavailable';
    case 486:
    case 600:
      return 'busy';
    case 603:
      return 'declined';
    case 408:
      return 'timeout';
    case 415:
    case 488:
    case 606:
      return 'not-accepted';
    case 413:
    case 513:
      return 'too-large';
    case 401:
    case 403:
    case 407:
      return 'forbidden';
    default:
      return statusCode >= 500 && statusCode < 600 ? 'server-error' : 'rejected';
  }
}

/** Delivered on any 2xx (200, 202); failed on anything else, with the reason. */
export function deliveryFor(outcome: MessageSendOutcome): Delivery {
  if (outcome.kind === 'not-sent') return { state: 'failed', failure: { kind: 'offline' } };
  const { statusCode } = outcome;
  if (statusCode >= 200 && statusCode < 300) return { state: 'delivered' };
  return { state: 'failed', failure: { kind: failureForStatus(statusCode), statusCode } };
}
