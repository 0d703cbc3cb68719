import { describe, expect, it } from 'vitest';
import type { CallSnapshot } from '../../../renderer/src/sip/call-state';
import { callStatus, endSummary, type CallStatus } from '../../../renderer/src/sip/call-status';

type Fields = Pick<CallSnapshot, 'state' | 'held' | 'remoteHeld' | 'holdPending' | 'ending'>;

describe('the call card status: one phrase for the whole state', () => {
  it.each<[Fields, CallStatus]>([
    [{ state: 'dialing' }, 'calling'],
    [{ state: 'ringing' }, 'ringing'],
    [{ state: 'early-media' }, 'announcement'],
    [{ state: 'incoming' }, 'incoming'],
    [{ state: 'answering' }, 'connecting'],
    [{ state: 'active' }, 'in-call'],
    [{ state: 'active', holdPending: 'hold' }, 'holding'],
    [{ state: 'active', held: true }, 'on-hold'],
    [{ state: 'active', held: true, holdPending: 'resume' }, 'resuming'],
    [{ state: 'active', remoteHeld: true }, 'held-by-remote'],
    [{ state: 'active', held: true, remoteHeld: true }, 'held-both'],
    [{ state: 'active', held: true, ending: true }, 'ending'],
    [{ state: 'dialing', ending: true }, 'ending'],
    [{ state: 'ended', ending: true, held: true }, 'ended'],
  ])('%o is %s', (fields, status) => {
    expect(callStatus(fields)).toBe(status);
  });
});

describe('how a call ended', () => {
  it('keeps the far end’s status code when it explains the end', () => {
    expect(endSummary({ reason: 'busy', statusCode: 486 })).toEqual({ reason: 'busy', statusCode: 486 });
    expect(endSummary({ reason: 'forwarded', statusCode: 302 })).toEqual({
      reason: 'forwarded',
      statusCode: 302,
    });
  });

  it('drops the code we sent ourselves, and calls an unexplained end a failure', () => {
    expect(endSummary({ reason: 'declined-locally', statusCode: 603 })).toEqual({
      reason: 'declined-locally',
    });
    expect(endSummary({ reason: 'cancelled', statusCode: 487 })).toEqual({ reason: 'cancelled' });
    expect(endSummary({ reason: 'remote-hangup' })).toEqual({ reason: 'remote-hangup' });
    expect(endSummary(undefined)).toEqual({ reason: 'failed' });
  });
});
