/**
 * Which SDP body in a call is an offer, which an answer, and which a repeat (RFC 3261 §13.2.1,
 * RFC 3262 §5, RFC 3311, RFC 6337), judged per transaction from the SIP messages alone:
 *
 * - an INVITE or UPDATE body is an offer; so is the first body of a transaction that had none
 *   (a 200 or reliable 18x to an INVITE without SDP), or a PRACK body when no offer is open;
 * - a body from the other side of a transaction (its 18x/2xx, or the ACK/PRACK carrying the
 *   answer to an offer in a response) is the answer; further answers to the same offer (the 200
 *   after a 183, a 200 from another fork, a changed 200) are revisions;
 * - a body from the offerer's side again in the same transaction (the 200 repeating a reliable
 *   18x's offer) is a repeat.
 * A final error response to the transaction that carried an open offer withdraws it.
 */
import type { SipMessage } from '../sip-message';

/** Who wrote a message: SIP.js and Chromium (`local`) or the far end via the server (`remote`). */
export type Side = 'local' | 'remote';

export type SdpRole =
  | { kind: 'offer'; exchange: Exchange }
  | { kind: 'answer'; exchange: Exchange }
  | { kind: 'revision'; exchange: Exchange }
  | { kind: 'repeat'; exchange: Exchange };

/** One offer and its answer(s). */
export interface Exchange {
  transaction: string;
  offerFrom: Side;
  /** What the bridge turned the offer into, for repeats. */
  translatedOffer?: string;
  answered: boolean;
  /** What the bridge turned the (first) answer into, for repeats of it. */
  translatedAnswer?: string;
}

/** The transaction a message belongs to: its CSeq, with ACK counted in its INVITE's transaction. */
export function transactionOf(message: SipMessage): string {
  const cseq = message.cseq;
  const method = message.method === 'ACK' ? 'INVITE' : message.method;
  return `${method} ${cseq?.number ?? '?'}`;
}

export class CallNegotiation {
  private readonly exchanges = new Map<string, Exchange>();
  private open: Exchange | undefined;

  /** Classifies an SDP body in `message`, written by `from`, and records it. */
  classify(message: SipMessage, from: Side): SdpRole {
    const transaction = transactionOf(message);
    const existing = this.exchanges.get(transaction);
    const request = message.isRequest && message.method !== 'ACK' && message.method !== 'PRACK';
    if (request || (!existing && (!this.open || this.open.offerFrom === from))) {
      const exchange: Exchange = { transaction, offerFrom: from, answered: false };
      this.exchanges.set(transaction, exchange);
      this.open = exchange;
      return { kind: 'offer', exchange };
    }
    const exchange = existing ?? this.open;
    if (!exchange) throw new Error('unreachable: an answer with no exchange');
    if (exchange.offerFrom === from) return { kind: 'repeat', exchange };
    if (exchange.answered) return { kind: 'revision', exchange };
    exchange.answered = true;
    if (this.open === exchange) this.open = undefined;
    return { kind: 'answer', exchange };
  }

  /**
   * A final response: an error withdraws the offer its transaction carried (returns it so the
   * media side can roll back), unless that offer was already answered in a reliable 18x.
   */
  finalResponse(message: SipMessage): Exchange | undefined {
    const status = message.status ?? 0;
    if (status < 300) return undefined;
    const exchange = this.exchanges.get(transactionOf(message));
    if (!exchange || exchange.answered) return undefined;
    if (this.open === exchange) this.open = undefined;
    return exchange;
  }
}
