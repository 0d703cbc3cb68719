import { describe, expect, it } from 'vitest';
import { callDurationSeconds, canTransition, type CallState } from '../../../renderer/src/sip/call-state';
import { endReasonForInviteFailure, registrationErrorForStatus } from '../../../renderer/src/sip/sip-status';
import { toneFor } from '../../../renderer/src/audio/tones';
import { formatDuration } from '../../../renderer/src/composables/clock';

describe('call state transitions', () => {
  it('follows the outgoing path and refuses to leave ended', () => {
    const path: CallState[] = ['dialing', 'ringing', 'early-media', 'active', 'ended'];
    path.slice(1).forEach((to, i) => expect(canTransition(path[i] as CallState, to)).toBe(true));
    (['dialing', 'ringing', 'active', 'incoming'] as CallState[]).forEach((to) =>
      expect(canTransition('ended', to)).toBe(false),
    );
  });

  it('never goes back from active to ringing, nor answers an outgoing call', () => {
    expect(canTransition('active', 'ringing')).toBe(false);
    expect(canTransition('active', 'answering')).toBe(false);
    expect(canTransition('dialing', 'answering')).toBe(false);
  });

  it('goes from incoming to active directly when the 200 OK left before "Connecting" showed', () => {
    expect(canTransition('incoming', 'active')).toBe(true);
    expect(canTransition('incoming', 'answering')).toBe(true);
    expect(canTransition('answering', 'active')).toBe(true);
  });

  it('measures duration from answer to end', () => {
    expect(callDurationSeconds({}, 10_000)).toBe(0);
    expect(callDurationSeconds({ answeredAt: 1_000 }, 62_500)).toBe(61);
    expect(callDurationSeconds({ answeredAt: 1_000, endedAt: 4_999 }, 99_999)).toBe(3);
    expect(formatDuration(75)).toBe('01:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('SIP status mapping', () => {
  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'declined'],
    [404, 'not-found'],
    [480, 'unavailable'],
    [408, 'no-answer'],
    [487, 'cancelled'],
    [488, 'media-failed'],
    [500, 'failed'],
  ] as const)('INVITE %i -> %s', (code, reason) => expect(endReasonForInviteFailure(code)).toBe(reason));

  it('a second challenge on REGISTER means a wrong password', () => {
    expect(registrationErrorForStatus(401, 'Unauthorized')).toEqual({
      kind: 'wrong-password',
      statusCode: 401,
      detail: 'Unauthorized',
    });
    expect(registrationErrorForStatus(403).kind).toBe('forbidden');
    expect(registrationErrorForStatus(503).kind).toBe('server-error');
  });
});

describe('alerting tones', () => {
  it('rings for incoming calls before anything else, ringback only while an outgoing call rings', () => {
    expect(toneFor([])).toBeUndefined();
    expect(toneFor([{ direction: 'outgoing', state: 'ringing' }])).toBe('ringback');
    expect(toneFor([{ direction: 'outgoing', state: 'early-media' }])).toBeUndefined();
    expect(
      toneFor([
        { direction: 'outgoing', state: 'ringing' },
        { direction: 'incoming', state: 'incoming' },
      ]),
    ).toBe('ringtone');
  });
});
