/**
 * Request retransmission over UDP (RFC 3261 §17.1.1.2 Timer A, §17.1.2.2 Timer E), which SIP.js leaves
 * out because it only knows reliable transports ("FIXME: Timer A for unreliable transport not
 * implemented", sip.js 0.21 invite-client-transaction.js). Without it, one lost datagram loses the
 * request. SIP.js keeps its own transaction timeouts (Timers B and F), so this only repeats the bytes
 * until the server answers:
 * - INVITE: after T1, 2·T1, 4·T1… until any response;
 * - any other request but ACK: after T1, doubling up to T2, until a final response; after a
 *   provisional one, every T2;
 * - never longer than 64·T1.
 * Responses and ACKs are not repeated here: SIP.js repeats its 2xx to INVITE (RFC 6026) and answers a
 * repeated request or 2xx from its transactions.
 */
import type { SipMessage } from '../sip-message';
import { splitHeaderList } from '../sip-message';

interface Pending {
  invite: boolean;
  interval: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  deadline: number;
  resend(): void;
}

/** The transaction key of RFC 3261 §17.1.3: top Via branch plus CSeq method. */
export function transactionKey(message: SipMessage): string | undefined {
  const via = message.header('via');
  const top = via === undefined ? undefined : splitHeaderList(via)[0];
  const branch = top === undefined ? undefined : /;\s*branch\s*=\s*([^;\s,]+)/i.exec(top)?.[1];
  const method = message.cseq?.method.toUpperCase();
  return branch && method ? `${branch} ${method}` : undefined;
}

export class UdpRetransmitter {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timing: { t1Ms: number; t2Ms: number }) {}

  /** A request just sent over UDP; `resend` puts the same bytes on the wire again. */
  track(request: SipMessage, resend: () => void): void {
    if (!request.isRequest || request.method === 'ACK') return;
    const key = transactionKey(request);
    if (key === undefined) return;
    this.stop(key);
    const entry: Pending = {
      invite: request.method === 'INVITE',
      interval: this.timing.t1Ms,
      timer: undefined,
      deadline: Date.now() + 64 * this.timing.t1Ms,
      resend,
    };
    this.pending.set(key, entry);
    this.schedule(key, entry);
  }

  /** A response arrived: stop or slow the retransmission of its request. */
  answered(response: SipMessage): void {
    const key = transactionKey(response);
    const entry = key === undefined ? undefined : this.pending.get(key);
    const status = response.status;
    if (!key || !entry || status === undefined) return;
    if (entry.invite || status >= 200) {
      this.stop(key);
      return;
    }
    entry.interval = this.timing.t2Ms;
  }

  /** Stops retransmitting `request` whatever happened to it. */
  forget(request: SipMessage): void {
    const key = transactionKey(request);
    if (key !== undefined) this.stop(key);
  }

  /** How many requests are still being retransmitted. */
  get size(): number {
    return this.pending.size;
  }

  clear(): void {
    for (const key of [...this.pending.keys()]) this.stop(key);
  }

  private schedule(key: string, entry: Pending): void {
    entry.timer = setTimeout(() => {
      if (this.pending.get(key) !== entry) return;
      if (Date.now() >= entry.deadline) {
        this.stop(key);
        return;
      }
      entry.resend();
      entry.interval = entry.invite ? entry.interval * 2 : Math.min(entry.interval * 2, this.timing.t2Ms);
      this.schedule(key, entry);
    }, entry.interval);
  }

  private stop(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(key);
  }
}
