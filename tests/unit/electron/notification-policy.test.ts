import { describe, expect, it } from 'vitest';
import { IDLE_PHONE_STATUS, type PhoneStatus, type RingingCall } from '../../../electron/common/contract';
import {
  NotificationPlanner,
  notificationActions,
  type NotificationInput,
} from '../../../electron/common/notification-policy';

const bob: RingingCall = { callId: 'c1', displayName: 'Bob', number: '+12015550123' };
const carol: RingingCall = { callId: 'c2', displayName: 'Carol', number: '1003' };

function state(status: Partial<PhoneStatus>, doNotDisturb = false): NotificationInput {
  return { status: { ...IDLE_PHONE_STATUS, ...status }, doNotDisturb };
}

const idle = state({});

describe('notificationActions', () => {
  it('does nothing when nothing changes', () => {
    expect(notificationActions(idle, idle)).toEqual([]);
    const ringing = state({ ringing: [bob] });
    expect(notificationActions(ringing, ringing)).toEqual([]);
  });

  it('shows a notice for each call that starts ringing', () => {
    expect(notificationActions(idle, state({ ringing: [bob] }))).toEqual([
      { kind: 'show-incoming', call: bob },
    ]);
    expect(notificationActions(state({ ringing: [bob] }), state({ ringing: [bob, carol] }))).toEqual([
      { kind: 'show-incoming', call: carol },
    ]);
  });

  it.each([
    ['answered here or elsewhere', { ringing: [], activeCalls: 1 }],
    ['cancelled by the caller or timed out', { ringing: [] }],
  ])('dismisses the notice when the call is %s', (_label, next) => {
    expect(
      notificationActions(state({ ringing: [bob, carol] }), state({ ...next, ringing: [carol] })),
    ).toEqual([{ kind: 'dismiss-incoming', callId: 'c1' }]);
  });

  it('replaces the incoming notice by a missed-call notice, dismissal first', () => {
    expect(
      notificationActions(state({ ringing: [bob] }), state({ ringing: [], missedCalls: 1, lastMissed: bob })),
    ).toEqual([
      { kind: 'dismiss-incoming', callId: 'c1' },
      { kind: 'show-missed', call: bob, count: 1 },
    ]);
  });

  it('shows a new missed notice only when the count goes up', () => {
    const one = state({ missedCalls: 1, lastMissed: bob });
    const two = state({ missedCalls: 2, lastMissed: carol });
    expect(notificationActions(one, two)).toEqual([{ kind: 'show-missed', call: carol, count: 2 }]);
    expect(notificationActions(two, two)).toEqual([]);
    expect(notificationActions(two, state({ missedCalls: 1, lastMissed: carol }))).toEqual([]);
  });

  it('needs the caller to show a missed notice', () => {
    expect(notificationActions(idle, state({ missedCalls: 1 }))).toEqual([]);
  });

  it('dismisses the missed notice when the missed calls have been seen', () => {
    expect(
      notificationActions(state({ missedCalls: 3, lastMissed: bob }), state({ missedCalls: 0 })),
    ).toEqual([{ kind: 'dismiss-missed' }]);
  });

  describe('do not disturb', () => {
    it('shows nothing while it is on, from the settings or the status', () => {
      for (const quiet of [state({ ringing: [bob] }, true), state({ ringing: [bob], doNotDisturb: true })]) {
        expect(notificationActions(idle, quiet)).toEqual([]);
      }
      expect(notificationActions(idle, state({ missedCalls: 1, lastMissed: bob }, true))).toEqual([]);
    });

    it('takes down ringing notices when it is switched on', () => {
      expect(notificationActions(state({ ringing: [bob] }), state({ ringing: [bob] }, true))).toEqual([
        { kind: 'dismiss-incoming', callId: 'c1' },
      ]);
    });

    it('shows the notice of a call still ringing when it is switched off', () => {
      expect(notificationActions(state({ ringing: [bob] }, true), state({ ringing: [bob] }))).toEqual([
        { kind: 'show-incoming', call: bob },
      ]);
    });

    it('still takes down the missed notice when the calls are seen', () => {
      expect(notificationActions(state({ missedCalls: 1 }, true), state({ missedCalls: 0 }, true))).toEqual([
        { kind: 'dismiss-missed' },
      ]);
    });
  });
});

describe('NotificationPlanner', () => {
  it('compares each state with the one before', () => {
    const planner = new NotificationPlanner(idle);
    expect(planner.update(state({ ringing: [bob] }))).toEqual([{ kind: 'show-incoming', call: bob }]);
    expect(planner.update(state({ ringing: [bob] }))).toEqual([]);
    expect(planner.update(state({ activeCalls: 1 }))).toEqual([{ kind: 'dismiss-incoming', callId: 'c1' }]);
    expect(planner.current).toEqual(state({ activeCalls: 1 }));
  });
});
