import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Account } from '@common/contract';
import type { CallSnapshot } from '../sip/call-state';
import type { AudioMediaStats } from '../sip/media-stats';
import { Softphone, type DialOutcome } from '../sip/softphone';
import { useAccountsStore } from './accounts';
import { useCallsStore } from './calls';
import { useHistoryStore } from './history';
import { useRegistrationStore } from './registration';
import { useSettingsStore } from './settings';

/**
 * Adapts the SIP engine to the UI: owns the one {@link Softphone}, feeds its snapshots into the
 * registration, calls and history stores, applies the answering policy (do-not-disturb), and turns UI
 * intents (dial, answer, hang up) into engine calls.
 */
export const usePhoneStore = defineStore('phone', () => {
  const accounts = useAccountsStore();
  const registration = useRegistrationStore();
  const calls = useCallsStore();
  const history = useHistoryStore();
  const settings = useSettingsStore();
  const lastDialError = ref<DialOutcome | undefined>();

  const softphone = new Softphone({
    onRegistration: (snapshot) => registration.apply(snapshot),
    onCall: (snapshot) => {
      const isNew = !calls.live.some((c) => c.id === snapshot.id);
      calls.apply(snapshot);
      if (isNew && snapshot.state === 'incoming') applyAnsweringPolicy(snapshot);
      if (snapshot.state === 'ended') void history.record(snapshot);
    },
  });

  function applyAnsweringPolicy(call: CallSnapshot): void {
    const { doNotDisturb, doNotDisturbMode } = settings.settings;
    if (!doNotDisturb) return;
    if (doNotDisturbMode === 'reject-busy') void softphone.decline(call.id, 486, 'do-not-disturb');
    else calls.silence(call.id);
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
      ...(account.defaultCountry ? { defaultCountry: account.defaultCountry } : {}),
      iceServers: [],
    });
  }

  async function connectAll(): Promise<void> {
    await Promise.all(accounts.accounts.map((account) => connect(account)));
  }

  /** Re-registers accounts that are not registered, e.g. after the machine wakes or the network returns. */
  async function reconnectIdle(): Promise<void> {
    const idle = accounts.accounts.filter((a) => registration.byAccount[a.id]?.state !== 'registered');
    await Promise.all(idle.map((account) => connect(account)));
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
    reconnectIdle,
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
