import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDLE_PHONE_STATUS, type PhoneCommand, type PhoneStatus } from '../../../electron/common/contract';
import { PhoneSignOut } from '../../../electron/main/phone-sign-out';

function setup(status: PhoneStatus = IDLE_PHONE_STATUS) {
  const sent: PhoneCommand[] = [];
  const signOut = new PhoneSignOut({
    send: (command) => sent.push(command),
    status: () => status,
    limitMs: 3_000,
  });
  return { signOut, sent };
}

const registered: PhoneStatus = {
  ...IDLE_PHONE_STATUS,
  accounts: [{ id: 'a1', name: 'Alice', state: 'registered' }],
};

afterEach(() => {
  vi.useRealTimers();
});

describe('PhoneSignOut', () => {
  it('is needed while an account is not offline or a call is up or ringing', () => {
    expect(setup().signOut.needed()).toBe(false);
    expect(
      setup({ ...IDLE_PHONE_STATUS, accounts: [{ id: 'a1', name: 'A', state: 'offline' }] }).signOut.needed(),
    ).toBe(false);
    expect(setup(registered).signOut.needed()).toBe(true);
    expect(
      setup({ ...registered, accounts: [{ id: 'a1', name: 'A', state: 'reconnecting' }] }).signOut.needed(),
    ).toBe(true);
    expect(setup({ ...IDLE_PHONE_STATUS, activeCalls: 1 }).signOut.needed()).toBe(true);
    expect(
      setup({
        ...IDLE_PHONE_STATUS,
        ringing: [{ callId: 'c1', displayName: 'Bob', number: '1002' }],
      }).signOut.needed(),
    ).toBe(true);
  });

  it('asks the renderer once and resolves every waiter when it is done', async () => {
    const { signOut, sent } = setup(registered);
    let first = false;
    let second = false;
    void signOut.run().then(() => (first = true));
    void signOut.run().then(() => (second = true));
    expect(sent).toEqual([{ kind: 'sign-out' }]);
    await Promise.resolve();
    expect(first || second).toBe(false);
    signOut.done();
    await vi.waitFor(() => expect(first && second).toBe(true));
    // A later close (a new window) asks again.
    void signOut.run();
    expect(sent).toHaveLength(2);
  });

  it('gives up after the limit, so a dead server or a hung page cannot keep the app open', async () => {
    vi.useFakeTimers();
    const { signOut } = setup(registered);
    let finished = false;
    void signOut.run().then(() => (finished = true));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(finished).toBe(true);
  });
});
