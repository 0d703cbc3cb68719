import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Account } from '@common/contract';
import { useHost } from '../host';
import type { CallSnapshot } from '../sip/call-state';
import type { AudioMediaStats } from '../sip/media-stats';
import { Softphone, type DialOutcome } from '../sip/softphone';
import { useAccountsStore } from './accounts';
import { useCallsStore } from './calls';
import { useRegistrationStore } from './registration';

/**
 * Adapts the SIP engine to the UI: owns the one {@link Softphone}, feeds its snapshots into the
 * registration and calls stores, and turns UI intents (dial, answer, hang up) into engine calls.
 */
export const usePhoneStore = defineStore('phone', () => {
  const host = useHost();
  const accounts = useAccountsStore();
  const registration = useRegistrationStore();
  const calls = useCallsStore();
  const lastDialError = ref<DialOutcome | undefined>();

  const softphone = new Softphone({
    onRegistration: (snapshot) => registration.apply(snapshot),
    onCall: (snapshot) => {
      calls.apply(snapshot);
      announce(snapshot);
    },
  });

  function announce(snapshot: CallSnapshot): void {
    if (snapshot.direction !== 'incoming') return;
    if (snapshot.state === 'incoming') {
      void host.notifications.incomingCall({
        callId: snapshot.id,
        displayName: snapshot.remoteDisplayName,
        number: snapshot.remoteNumber,
      });
    } else {
      void host.notifications.dismiss(snapshot.id);
    }
  }

  /** Registers an account with its stored password; without one the UI asks for it. */
  async function connect(account: Account): Promise<void> {
    const password = await accounts.password(account.id);
    if (password === null) {
      registration.apply({
        accountId: account.id,
        state: 'failed',
        error: { kind: 'password-needed' },
        since: Date.now(),
      });
      return;
    }
    await softphone.connect({
      accountId: account.id,
      aor: account.sipUri,
      displayName: account.displayName,
      authUser: account.authUser,
      password,
      wssUrl: account.wssUrl,
      ...(account.realm ? { realm: account.realm } : {}),
      ...(account.outboundProxy ? { outboundProxy: account.outboundProxy } : {}),
      iceServers: [],
    });
  }

  async function connectAll(): Promise<void> {
    await Promise.all(accounts.accounts.map((account) => connect(account)));
  }

  async function disconnect(accountId: string): Promise<void> {
    await softphone.disconnect(accountId);
    registration.forget(accountId);
  }

  function dial(accountId: string, input: string): DialOutcome {
    const outcome = softphone.dial(accountId, input);
    lastDialError.value = outcome.ok ? undefined : outcome;
    return outcome;
  }

  return {
    lastDialError,
    connect,
    connectAll,
    disconnect,
    dial,
    answer: (callId: string) => softphone.answer(callId),
    decline: (callId: string) => softphone.decline(callId),
    hangup: (callId: string) => softphone.hangup(callId),
    setMuted: (callId: string, muted: boolean) => softphone.setMuted(callId, muted),
    mediaStats: (callId: string): Promise<AudioMediaStats | undefined> => softphone.mediaStats(callId),
    shutdown: () => softphone.disconnectAll(),
  };
});
