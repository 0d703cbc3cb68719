import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import {
  DEFAULT_ACCOUNT_MEDIA,
  DEFAULT_CALL_HANDLING,
  type Account,
  type CallHandling,
} from '@common/contract';
import { incomingAction } from '../sip/call-handling';
import type { CallSnapshot, DtmfMode } from '../sip/call-state';
import type { AudioMediaStats } from '../sip/media-stats';
import { Softphone, type DialOutcome } from '../sip/softphone';
import { useHost } from '../host';
import { useAccountsStore } from './accounts';
import { useCallsStore } from './calls';
import { useHistoryStore } from './history';
import { useRegistrationStore } from './registration';
import { useSettingsStore } from './settings';
import { useMediaStore } from './media';
import { iceServersFor } from '../sip/ice-servers';

/**
 * Adapts the SIP engine to the UI: owns the one {@link Softphone}, feeds its snapshots into the
 * registration, calls and history stores, applies the answering policy (do-not-disturb, forwarding,
 * auto-answer and intercom), and turns UI intents (dial, answer, hold, transfer...) into engine calls.
 */
export const usePhoneStore = defineStore('phone', () => {
  const host = useHost();
  const accounts = useAccountsStore();
  const registration = useRegistrationStore();
  const calls = useCallsStore();
  const history = useHistoryStore();
  const settings = useSettingsStore();
  const media = useMediaStore();
  const lastDialError = ref<DialOutcome | undefined>();
  /** File names of recordings saved in this session, newest last. */
  const savedRecordings = ref<{ callId: string; fileName: string; location: string }[]>([]);
  const recordingError = ref('');

  /** The host saves it (desktop: the recordings folder; browser: a download); history lists it. */
  async function saveRecording(callId: string, blob: Blob, fileName: string): Promise<void> {
    try {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const { location } = await host.recordings.save({ fileName, bytes });
      savedRecordings.value = [...savedRecordings.value, { callId, fileName, location }];
      await history.attachRecording(callId, { fileName, location });
      recordingError.value = '';
    } catch (error) {
      recordingError.value = error instanceof Error ? error.message : String(error);
    }
  }
  /** Calls the "record every call" setting has already been applied to. */
  const recordedOnce = new Set<string>();

  const softphone = new Softphone({
    onRegistration: (snapshot) => registration.apply(snapshot),
    onCall: (snapshot) => {
      const isNew = !calls.live.some((c) => c.id === snapshot.id);
      calls.apply(snapshot);
      if (isNew && snapshot.state === 'incoming') applyAnsweringPolicy(snapshot);
      if (snapshot.state === 'active' && !snapshot.recording && !recordedOnce.has(snapshot.id)) {
        if (handlingFor(snapshot.accountId).recordAll) softphone.startRecording(snapshot.id);
        // Once per call: stopping it by hand is respected.
        recordedOnce.add(snapshot.id);
      }
      if (snapshot.state === 'ended') void history.record(snapshot);
    },
    onLog: (level, message) => host.log.write({ level, scope: 'sip', message: message.slice(0, 16_384) }),
    onRecording: ({ callId, blob, fileName }) => void saveRecording(callId, blob, fileName),
  });

  /**
   * Per-account call handling (auto-answer, intercom, forwarding, DTMF mode), kept with the account.
   * The latest change is remembered here at once: two quick edits must not each start from the
   * stored value while the first save is still on its way.
   */
  const latestHandling = new Map<string, CallHandling>();
  function handlingFor(accountId: string): CallHandling {
    return (
      latestHandling.get(accountId) ??
      accounts.accounts.find((a) => a.id === accountId)?.callHandling ??
      DEFAULT_CALL_HANDLING
    );
  }

  function applyAnsweringPolicy(call: CallSnapshot): void {
    const { doNotDisturb, doNotDisturbMode } = settings.settings;
    if (doNotDisturb) {
      if (doNotDisturbMode === 'reject-busy') void softphone.decline(call.id, 486, 'do-not-disturb');
      else calls.silence(call.id);
      return;
    }
    const busy = calls.live.some((c) => c.id !== call.id && c.state !== 'incoming');
    for (const action of incomingAction(call, handlingFor(call.accountId), busy)) {
      if (action.kind === 'ring') continue;
      const run = () => {
        if (!calls.live.some((c) => c.id === call.id && c.state === 'incoming')) return;
        if (action.kind === 'answer') void softphone.answer(call.id);
        else void softphone.forward(call.id, action.target);
      };
      if (action.afterSeconds === 0) run();
      else setTimeout(run, action.afterSeconds * 1000);
    }
  }

  async function setHandling(accountId: string, patch: Partial<CallHandling>): Promise<void> {
    const account = accounts.accounts.find((a) => a.id === accountId);
    if (!account) return;
    const next = { ...handlingFor(accountId), ...patch };
    latestHandling.set(accountId, next);
    // Saved through the host like every account field (desktop: main's accounts file).
    const { hasPassword, ...fields } = account;
    await accounts.save({ ...fields, callHandling: next });
    softphone.setAccountDtmfMode(accountId, next.dtmfMode);
  }

  /** Keeps one line in use: answering, dialling or switching holds the others. */
  async function switchTo(callId: string): Promise<void> {
    calls.focus(callId);
    await softphone.switchTo(callId);
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
    const accountMedia = account.media ?? DEFAULT_ACCOUNT_MEDIA;
    const turnCredentials =
      accountMedia.iceServers.length > 0 ? await accounts.turnCredentials(account.id) : [];
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
      dtmfMode: handlingFor(account.id).dtmfMode,
      iceServers: iceServersFor(accountMedia.iceServers, turnCredentials),
      iceTransportPolicy: accountMedia.iceTransportPolicy,
      codecs: { audio: accountMedia.audioCodecs, video: accountMedia.videoCodecs },
      captureConstraints: (requested) => media.capture(requested),
    });
  }

  // A device that changes while calls are up (picked by the user, unplugged, plugged back) is switched
  // in place on every call: replaceTrack for capture, setSinkId for the speaker.
  watch(
    () =>
      [
        media.inUse.microphone.deviceId,
        media.inUse.camera.deviceId,
        media.choices.echoCancellation,
        media.choices.noiseSuppression,
        media.choices.autoGainControl,
      ].join('|'),
    () => void softphone.recapture((requested) => media.capture(requested)),
  );
  watch(
    () => media.inUse.speaker.deviceId,
    (speaker) => void softphone.setSpeaker(speaker),
    { immediate: true },
  );

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
    if (outcome.ok) calls.focus(outcome.callId);
    return outcome;
  }

  async function answer(callId: string): Promise<void> {
    calls.focus(callId);
    await softphone.answer(callId);
  }

  return {
    lastDialError,
    savedRecordings,
    recordingError,
    handlingFor,
    setHandling,
    connect,
    connectAll,
    reconnectIdle,
    disconnect,
    dial,
    answer,
    switchTo,
    decline: (callId: string, statusCode: 486 | 603 = 603) => softphone.decline(callId, statusCode),
    forward: (callId: string, target: string) => softphone.forward(callId, target),
    hangup: (callId: string) => softphone.hangup(callId),
    setMuted: (callId: string, muted: boolean) => softphone.setMuted(callId, muted),
    setHeld: (callId: string, held: boolean) => softphone.setHeld(callId, held),
    sendDtmf: (callId: string, digits: string) => softphone.sendDtmf(callId, digits),
    setDtmfMode: (callId: string, mode: DtmfMode) => softphone.setDtmfMode(callId, mode),
    blindTransfer: (callId: string, target: string) => softphone.blindTransfer(callId, target),
    attendedTransfer: (callId: string, consultId: string) => softphone.attendedTransfer(callId, consultId),
    merge: () => softphone.merge(),
    split: (focusCallId?: string) => softphone.split(focusCallId),
    startRecording: (callId: string) => softphone.startRecording(callId),
    stopRecording: (callId: string) => softphone.stopRecording(callId),
    mediaStats: (callId: string): Promise<AudioMediaStats | undefined> => softphone.mediaStats(callId),
    shutdown: () => softphone.disconnectAll(),
  };
});
