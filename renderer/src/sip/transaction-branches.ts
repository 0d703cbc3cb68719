/**
 * Keeps two requests that share a Via branch from being taken for one transaction by SIP.js.
 *
 * RFC 3261 §17.2.3 matches a request to a server transaction by its top Via's branch *and* sent-by
 * *and* method (ACK and CANCEL going with their INVITE), "because there could be accidental or
 * malicious duplication of branch parameters from different clients". SIP.js 0.21 uses the branch
 * alone ("FIXME: Currently only using rule 1..." in user-agent-core.js). RFC 4475's torture messages
 * do exactly that: `z9hG4bKkdjuw` is the branch of a dozen requests from different hosts. Over UDP a
 * non-INVITE server transaction lingers for Timer J (32 s), so SIP.js took each later request as a
 * retransmission of the first and answered it with the first one's response (its Call-ID, its
 * status), and the later request was never handled.
 *
 * So a request whose branch was already used by another sender or method gets a branch of its own
 * (`<branch>.rl<n>`) before SIP.js sees it, and what SIP.js answers on that branch gets the sender's
 * branch back on the way out: the sender sees its own Via, SIP.js sees a new transaction.
 *
 * Liberal beyond §17.2.3: a request from the same sent-by with the same method and branch but another
 * Call-ID or CSeq number is not the same request again (a retransmission is identical; an ACK or a
 * CANCEL keeps its INVITE's Call-ID and CSeq number, §17.1.1.3, §9.1), so it is a new transaction
 * too. RFC 4475's cparam01 and cparam02 (and escnull and regescrt) share their whole top Via.
 */

import {
  firstHeader,
  headerList,
  headerParameter,
  readRawSipMessage,
  type RawSipMessage,
} from './raw-sip-message';

/** How long a branch is remembered: past an INVITE transaction's Timer H/L (64·T1) with room to spare. */
const REMEMBER_MS = 5 * 60_000;
/**
 * And how many at most, the oldest forgotten first: a phone has a handful of server transactions at a
 * time, and what a flood of requests leaves behind must not grow the renderer's heap.
 */
const REMEMBER_AT_MOST = 256;
const ALIAS_MARK = '.rl';

interface Remembered {
  /** What first used the branch: `sent-by|method class|Call-ID|CSeq number`. */
  owner: string;
  at: number;
}

/** The Call-ID and CSeq number of a message, for telling a new request from a retransmission. */
function requestIdentity(message: RawSipMessage): string {
  const callId = firstHeader(message, 'call-id') ?? '';
  const cseq = firstHeader(message, 'cseq')?.split(/\s+/)[0] ?? '';
  return `${callId}|${cseq.replace(/^0+(?=\d)/, '')}`;
}

/** The top Via of a message: its sent-by (transport and host:port) and its branch. */
function topVia(message: RawSipMessage | undefined): { sentBy: string; branch: string } | undefined {
  const first = message ? headerList(message, 'via')[0] : undefined;
  const branch = first === undefined ? undefined : headerParameter(first, 'branch');
  if (first === undefined || !branch) return undefined;
  return { sentBy: (first.split(';')[0] ?? '').replace(/\s+/g, '').toLowerCase(), branch };
}

/** Replaces the first `branch=<from>` of a message's head with `branch=<to>`. */
function swapBranch(text: string, from: string, to: string): string {
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const swapped = head.replace(new RegExp(`(;\\s*branch\\s*=\\s*)${escaped}(?=[;,\\s]|$)`, 'i'), `$1${to}`);
  return headEnd === -1 ? swapped : swapped + text.slice(headEnd);
}

export class TransactionBranches {
  private readonly owners = new Map<string, Remembered>();
  /** Branch given to SIP.js -> the sender's branch. */
  private readonly originals = new Map<string, { branch: string; at: number }>();
  /** `branch|owner` -> the branch SIP.js was given for it. */
  private readonly aliases = new Map<string, string>();
  private next = 1;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The request as SIP.js should see it: with a branch of its own when its branch is taken. */
  inbound(request: string): string {
    const message = readRawSipMessage(request);
    const via = topVia(message);
    if (message?.kind !== 'request' || !via) return request;
    this.forgetOld();
    const upper = (message.method ?? '').toUpperCase();
    const methodClass = upper === 'ACK' || upper === 'CANCEL' ? 'INVITE' : upper;
    const owner = `${via.sentBy}|${methodClass}|${requestIdentity(message)}`;
    const remembered = this.owners.get(via.branch);
    if (!remembered) {
      this.owners.set(via.branch, { owner, at: this.now() });
      return request;
    }
    if (remembered.owner === owner) return request;
    const key = `${via.branch}|${owner}`;
    let alias = this.aliases.get(key);
    if (alias === undefined) {
      alias = `${via.branch}${ALIAS_MARK}${this.next++}`;
      this.aliases.set(key, alias);
      this.originals.set(alias, { branch: via.branch, at: this.now() });
    }
    return swapBranch(request, via.branch, alias);
  }

  /** A message SIP.js sends, with the sender's own branch back when it answers an aliased request. */
  outbound(message: string): string {
    if (!message.startsWith('SIP/2.0 ')) return message;
    const via = topVia(readRawSipMessage(message));
    const original = via ? this.originals.get(via.branch) : undefined;
    return via && original ? swapBranch(message, via.branch, original.branch) : message;
  }

  /** Forgets what is past {@link REMEMBER_MS}, and the oldest beyond {@link REMEMBER_AT_MOST} (Maps keep insertion order). */
  private forgetOld(): void {
    const oldest = this.now() - REMEMBER_MS;
    let excess = this.owners.size - REMEMBER_AT_MOST + 1;
    for (const [branch, { at }] of this.owners) {
      if (at >= oldest && excess <= 0) break;
      this.owners.delete(branch);
      excess -= 1;
    }
    excess = this.originals.size - REMEMBER_AT_MOST + 1;
    for (const [alias, { at }] of this.originals) {
      if (at >= oldest && excess <= 0) break;
      this.originals.delete(alias);
      excess -= 1;
      for (const [key, value] of this.aliases) if (value === alias) this.aliases.delete(key);
    }
  }
}
