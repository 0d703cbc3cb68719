import { describe, expect, it } from 'vitest';
import { callIdOfSession, callLadder, ladderText } from '../../../renderer/src/diagnostics/call-ladder';
import { SipMessageLog } from '../../../renderer/src/diagnostics/sip-message-log';
import type { SipDirection } from '../../../renderer/src/sip/sip-capture';

function sip(startLine: string, callId: string, cseq: string, fromTag: string): string {
  return [
    startLine,
    `From: <sip:1001@127.0.0.1>;tag=${fromTag}`,
    'To: <sip:1010@127.0.0.1>',
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** An outgoing call as SIP.js makes it: INVITE, 407, ACK, INVITE with credentials, 100, 180, 200, ACK, BYE, 200. */
function callLog(): SipMessageLog {
  const log = new SipMessageLog();
  const steps: [SipDirection, string, string][] = [
    ['sent', 'REGISTER sip:127.0.0.1 SIP/2.0', '1 REGISTER'],
    ['sent', 'INVITE sip:1010@127.0.0.1 SIP/2.0', '1 INVITE'],
    ['received', 'SIP/2.0 407 Proxy Authentication Required', '1 INVITE'],
    ['sent', 'ACK sip:1010@127.0.0.1 SIP/2.0', '1 ACK'],
    ['sent', 'INVITE sip:1010@127.0.0.1 SIP/2.0', '2 INVITE'],
    ['received', 'SIP/2.0 100 Trying', '2 INVITE'],
    ['received', 'SIP/2.0 180 Ringing', '2 INVITE'],
    ['received', 'SIP/2.0 200 OK', '2 INVITE'],
    ['sent', 'ACK sip:1010@127.0.0.1:5070 SIP/2.0', '2 ACK'],
    ['sent', 'BYE sip:1010@127.0.0.1:5070 SIP/2.0', '3 BYE'],
    ['received', 'SIP/2.0 200 OK', '3 BYE'],
  ];
  steps.forEach(([direction, startLine, cseq], i) => {
    const callId = cseq.endsWith('REGISTER') ? 'reg-1' : 'call-1';
    log.add({
      id: `a#${i}`,
      accountId: 'a',
      direction,
      at: Date.UTC(2026, 11, 7, 10, 0, 0, 0) + i * 15,
      text: sip(startLine, callId, cseq, callId === 'reg-1' ? 'r' : 'ourtag'),
    });
  });
  return log;
}

describe('callLadder', () => {
  it("lists one Call-ID's messages in order, with times since the first", () => {
    const ladder = callLadder(callLog().entries(), 'call-1');
    expect(ladder.callId).toBe('call-1');
    expect(ladder.steps.map((s) => [s.direction, s.label])).toEqual([
      ['sent', 'INVITE sip:1010@127.0.0.1'],
      ['received', '407 Proxy Authentication Required (INVITE)'],
      ['sent', 'ACK sip:1010@127.0.0.1'],
      ['sent', 'INVITE sip:1010@127.0.0.1'],
      ['received', '100 Trying (INVITE)'],
      ['received', '180 Ringing (INVITE)'],
      ['received', '200 OK (INVITE)'],
      ['sent', 'ACK sip:1010@127.0.0.1:5070'],
      ['sent', 'BYE sip:1010@127.0.0.1:5070'],
      ['received', '200 OK (BYE)'],
    ]);
    expect(ladder.steps.map((s) => s.elapsedMs)).toEqual([0, 15, 30, 45, 60, 75, 90, 105, 120, 135]);
    expect(ladder.steps.map((s) => s.cseq)).toEqual([1, 1, 1, 2, 2, 2, 2, 2, 3, 3]);
  });

  it('is empty for a Call-ID the log does not have', () => {
    expect(callLadder(callLog().entries(), 'gone').steps).toEqual([]);
  });

  it("finds a call's Call-ID from its SIP.js session id (Call-ID + the INVITE's From tag)", () => {
    const entries = callLog().entries();
    expect(callIdOfSession(entries, 'call-1ourtag')).toBe('call-1');
    expect(callIdOfSession(entries, 'call-1')).toBeUndefined();
    expect(callIdOfSession(entries, 'elsewhere')).toBeUndefined();
  });
});

describe('ladderText', () => {
  it('draws one arrow per message between Ringline and the server, all the same width', () => {
    const text = ladderText(callLadder(callLog().entries(), 'call-1'), {
      us: 'sip:1001@127.0.0.1',
      server: 'wss://127.0.0.1:8443',
    });
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Call-ID: call-1',
      'Ringline: sip:1001@127.0.0.1',
      'Server: wss://127.0.0.1:8443',
    ]);
    expect(lines[4]).toMatch(/^Time\s+Elapsed\s+Ringline\s+Server$/);
    const arrows = lines.slice(5);
    expect(arrows).toHaveLength(10);
    expect(arrows[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}\s+0 ms {2}\|----- INVITE sip:1010@127\.0\.0\.1 -+>\|$/);
    expect(arrows[1]).toMatch(/ 15 ms {2}\|<---- 407 Proxy Authentication Required \(INVITE\) -+\|$/);
    expect(new Set(arrows.map((line) => line.length)).size).toBe(1);
  });

  it('shortens very long labels and marks a message that was not sent', () => {
    const log = new SipMessageLog();
    const uri = `sip:${'x'.repeat(120)}@example.com`;
    log.add({
      id: 'a#1',
      accountId: 'a',
      direction: 'sent',
      at: 0,
      text: sip(`INVITE ${uri} SIP/2.0`, 'c', '1 INVITE', 't'),
    });
    log.add({ id: 'a#1', accountId: 'a', direction: 'sent', at: 0, text: '', failed: 'closed' });
    const text = ladderText(callLadder(log.entries(), 'c'), { us: 'u', server: 's' });
    expect(text).toContain('…');
    expect(text).toContain('[NOT SENT]');
    expect(text).not.toContain(uri);
  });
});
