import { describe, expect, it } from 'vitest';
import { guardInbound } from '../../../renderer/src/sip/inbound-guard';
import { TransactionBranches } from '../../../renderer/src/sip/transaction-branches';

/** A request as RFC 4475's messages write them: the same branch from different hosts. */
function request(method: string, via: string, callId: string, cseq = 8): string {
  return [
    `${method} sip:1001@127.0.0.1 SIP/2.0`,
    `Via: ${via}`,
    'From: <sip:peer@example.com>;tag=f1',
    'To: <sip:1001@127.0.0.1>',
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** What SIP.js would answer: the request's Via copied (RFC 3261 §8.2.6.2). */
function answerTo(requestText: string): string {
  const via = /\r\nVia: ([^\r\n]+)/.exec(requestText)?.[1] ?? '';
  return `SIP/2.0 200 OK\r\nVia: ${via}\r\nCall-ID: x\r\nCSeq: 8 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
}

const branchOf = (text: string) => /;branch=([^;\r\n]+)/.exec(text)?.[1];

describe('TransactionBranches (RFC 3261 §17.2.3; SIP.js matches by branch alone)', () => {
  it('passes the first request of a branch, and its retransmission, untouched', () => {
    const branches = new TransactionBranches();
    const first = request('OPTIONS', 'SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw', 'lwsdisp.1');
    expect(branches.inbound(first)).toBe(first);
    expect(branches.inbound(first)).toBe(first);
    expect(branches.outbound(answerTo(first))).toBe(answerTo(first));
  });

  it('gives the same branch from another sent-by, or of another method, a branch of its own, and restores it in the answer', () => {
    const branches = new TransactionBranches();
    branches.inbound(request('REGISTER', 'SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw', 'escnull.1'));
    const other = request('OPTIONS', 'SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw', 'lwsdisp.1');
    const seen = branches.inbound(other);
    expect(branchOf(seen)).toMatch(/^z9hG4bKkdjuw\.rl\d+$/);
    expect(seen.replace(branchOf(seen) ?? '', 'z9hG4bKkdjuw')).toBe(other);
    // Its retransmission gets the same branch, so SIP.js absorbs it as one.
    expect(branchOf(branches.inbound(other))).toBe(branchOf(seen));
    expect(branches.outbound(answerTo(seen))).toBe(answerTo(other));

    const sameHostOtherMethod = request(
      'OPTIONS',
      'SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
      'escnull.1',
    );
    expect(branchOf(branches.inbound(sameHostOtherMethod))).toMatch(/\.rl\d+$/);
  });

  it('takes a request with the whole top Via of another but its own Call-ID or CSeq as a new one (RFC 4475 cparam01/02)', () => {
    const branches = new TransactionBranches();
    const via = 'SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw';
    branches.inbound(request('REGISTER', via, 'cparam01.70710@saturn.example.com', 2));
    const second = request('REGISTER', via, 'cparam02.70710@saturn.example.com', 3);
    expect(branchOf(branches.inbound(second))).toMatch(/\.rl\d+$/);
  });

  it('keeps a CANCEL and the ACK of an aliased INVITE on the INVITE’s branch', () => {
    const branches = new TransactionBranches();
    branches.inbound(request('OPTIONS', 'SIP/2.0/UDP a.example.com;branch=z9hG4bKsame', 'o.1'));
    const via = 'SIP/2.0/UDP b.example.com;branch=z9hG4bKsame';
    const invite = branchOf(branches.inbound(request('INVITE', via, 'i.1', 5)));
    expect(invite).toMatch(/\.rl\d+$/);
    expect(branchOf(branches.inbound(request('CANCEL', via, 'i.1', 5)))).toBe(invite);
    expect(branchOf(branches.inbound(request('ACK', via, 'i.1', 5)))).toBe(invite);
  });

  it('forgets a branch after five minutes', () => {
    let now = 0;
    const branches = new TransactionBranches(() => now);
    branches.inbound(request('OPTIONS', 'SIP/2.0/UDP a.example.com;branch=z9hG4bKold', 'o.1'));
    now = 5 * 60_000 + 1;
    const later = request('OPTIONS', 'SIP/2.0/UDP b.example.com;branch=z9hG4bKold', 'o.2');
    expect(branches.inbound(later)).toBe(later);
  });

  it('remembers 256 branches at most, forgetting the oldest first', () => {
    const branches = new TransactionBranches(() => 0);
    const first = (host: string) =>
      request('OPTIONS', `SIP/2.0/UDP ${host};branch=z9hG4bKfirst`, `first.${host}`);
    branches.inbound(first('a.example.com'));
    for (let i = 0; i < 254; i += 1)
      branches.inbound(request('OPTIONS', `SIP/2.0/UDP a.example.com;branch=z9hG4bK${i}`, `c.${i}`));
    // 255 remembered: the first branch still has its owner, so another sender's use is aliased.
    expect(branchOf(branches.inbound(first('b.example.com')))).not.toBe('z9hG4bKfirst');
    branches.inbound(request('OPTIONS', 'SIP/2.0/UDP a.example.com;branch=z9hG4bKlast', 'c.last'));
    // 256 now: the next request makes room by forgetting the first, whose branch is free again.
    const third = first('c.example.com');
    expect(branches.inbound(third)).toBe(third);
  });

  it('is applied by the inbound guard to what it hands SIP.js, not to its own replies', async () => {
    const branches = new TransactionBranches();
    const delivered: string[] = [];
    const sent: string[] = [];
    const guarded = guardInbound((message) => void delivered.push(message), {
      send: async (message) => void sent.push(message),
      log: () => undefined,
      branches,
    });
    guarded(request('OPTIONS', 'SIP/2.0/UDP a.example.com;branch=z9hG4bKkdjuw', 'a.1'));
    guarded(request('OPTIONS', 'SIP/2.0/UDP b.example.com;branch=z9hG4bKkdjuw', 'b.1'));
    guarded(
      request('OPTIONS', 'SIP/2.0/UDP c.example.com;branch=z9hG4bKkdjuw', 'c.1').replace(
        'CSeq: 8',
        'CSeq: 99999999999',
      ),
    );
    await Promise.resolve();
    expect(delivered.map(branchOf)).toEqual(['z9hG4bKkdjuw', expect.stringMatching(/^z9hG4bKkdjuw\.rl\d+$/)]);
    expect(sent.map(branchOf)).toEqual(['z9hG4bKkdjuw']);
  });
});
