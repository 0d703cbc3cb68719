import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { Account, CallHandling } from '@common/contract';
import {
  DEFAULT_ACCOUNT_MEDIA,
  DEFAULT_CALL_HANDLING,
  DEFAULT_PRESENCE_OPTIONS,
} from '@common/contract-defaults';
import type { OwnStatus } from '../presence/presence-agent';
import { incomingAction } from '../sip/call-handling';
import type { CallSnapshot, DtmfMode } from '../sip/call-state';
import type { AudioMediaStats } from '../sip/media-stats';
import type { CallVideoStreams } from '../sip/call-video';
import { Softphone, type DialOutcome } from '../sip/softphone';
import type { IncomingTextMessage } from '../sip/text-messages';
import { useHost } from '../host';
import { useAccountsStore } from './accounts';
import { useCallsStore } from './calls';
import { useCallQualityStore } from './call-quality';
import { useDiagnosticsStore } from './diagnostics';
import { useHistoryStore } from './history';
import { usePresenceStore } from './presence';
import { useRegistrationStore } from './registration';
import { useSettingsStore } from './settings';
import { useMediaStore } from './media';
import { useSipLogStore } from './sip-log';
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
  const callQuality = useCallQualityStore();
  const history = useHistoryStore();
  const settings = useSettingsStore();
  const presence = usePresenceStore();
  const media = useMediaStore();
  const sipLog = useSipLogStore();
  const diagnostics = useDiagnosticsStore();
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

  /** Set by the messages store; until then a text is refused (500), so its sender learns it was not kept. */
  let messageHandler: ((message: IncomingTextMessage) => Promise<void>) | undefined;

  const softphone = new Softphone({
    onRegistration: (snapshot) => {
      registration.apply(snapshot);
      if (snapshot.state === 'registered') applyPresenceOptions(snapshot.accountId);
    },
    onPresence: (event) => {
      presence.apply(event);
      if (event.kind === 'unreadable') {
        const message = `unreadable ${event.event} NOTIFY for ${event.uri}: ${event.detail}`;
        void host.log.write({ level: 'warn', scope: 'sip', message: message.slice(0, 16_384) });
      }
    },
    onCall: (snapshot) => {
      const isNew = !calls.live.some((c) => c.id === snapshot.id);
      calls.apply(snapshot);
      if (isNew && snapshot.state === 'incoming') applyAnsweringPolicy(snapshot);
      if (snapshot.state === 'active' && !snapshot.recording && !recordedOnce.has(snapshot.id)) {
        if (handlingFor(snapshot.accountId).recordAll) softphone.startRecording(snapshot.id);
        // Once per call: stopping it by hand is respected.
        recordedOnce.add(snapshot.id);
      }
      if (snapshot.state === 'ended') {
        // An ended call never comes back: forget it, or every call of a long session stays here.
        recordedOnce.delete(snapshot.id);
        void history.record(snapshot);
      }
    },
    onLog: (level, message) => {
      diagnostics.noteLog(level, message);
      host.log.write({ level, scope: 'sip', message: message.slice(0, 16_384) });
    },
    onSipMessage: (message) => sipLog.add(message),
    onRecording: ({ callId, blob, fileName }) => void saveRecording(callId, blob, fileName),
    onCallQuality: (callId, quality) => callQuality.apply(callId, quality),
    onMessage: (message) =>
      messageHandler ? messageHandler(message) : Promise.reject(new Error('messages are not ready')),
  });
  // A new log level applies at once, to accounts already registered too.
  watch(
    () => settings.settings.logLevel,
    (level) => softphone.setLogLevel(level),
    { immediate: true },
  );

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
    // In force before it is saved: the next call may be placed while the save is on its way.
    softphone.setAccountDtmfMode(accountId, next.dtmfMode);
    // Saved through the host like every account field (desktop: main's accounts file).
    const { hasPassword, ...fields } = account;
    await accounts.save({ ...fields, callHandling: next });
  }

  /** Our own published status per account; "available" until the user picks another. */
  const ownStatus = ref<Record<string, OwnStatus>>({});

  /** Watches the account's BLF lines and publishes its status, as its options say. */
  function applyPresenceOptions(accountId: string): void {
    const options = accounts.accounts.find((a) => a.id === accountId)?.presence ?? DEFAULT_PRESENCE_OPTIONS;
    softphone.watchLines(accountId, options.watch);
    const status = options.publishPresence ? (ownStatus.value[accountId] ?? 'available') : undefined;
    softphone.publishPresence(accountId, status);
  }

  function setOwnStatus(accountId: string, status: OwnStatus): void {
    ownStatus.value = { ...ownStatus.value, [accountId]: status };
    softphone.publishPresence(accountId, status);
  }

  /** Picks up the call ringing at a watched line (directed pickup). */
  function pickup(accountId: string, lineUri: string): DialOutcome {
    const outcome = softphone.pickup(accountId, lineUri);
    lastDialError.value = outcome.ok ? undefined : outcome;
    if (outcome.ok) calls.focus(outcome.callId);
    return outcome;
  }

  /** Dials the account's voicemail number (its options), if one is set. */
  function callVoicemail(accountId: string): DialOutcome | undefined {
    const number = accounts.accounts.find((a) => a.id === accountId)?.presence?.voicemailNumber;
    return number ? dial(accountId, number) : undefined;
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
    const transport = account.transport ?? 'wss';
    const turnCredentials =
      accountMedia.iceServers.length > 0 ? await accounts.turnCredentials(account.id) : [];
    await softphone.connect({
      accountId: account.id,
      aor: account.sipUri,
      displayName: account.displayName,
      authUser: account.authUser,
      password,
      wssUrl: account.wssUrl,
      ...(account.fallbackWssUrls?.length ? { fallbackWssUrls: account.fallbackWssUrls } : {}),
      // UDP/TCP/TLS: through the host's gateway (Electron main, or the browser build's local service).
      ...(transport !== 'wss'
        ? {
            direct: {
              gateway: host.gateway,
              transport,
              servers: [account.sipServer ?? '', ...(account.fallbackSipServers ?? [])].filter(
                (s) => s !== '',
              ),
            },
          }
        : {}),
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

  /**
   * The machine woke up or the network came back: every account reconnects now, replacing connections
   * that may have died unnoticed, and calls in progress are kept (they restart ICE).
   */
  async function reconnectIdle(): Promise<void> {
    await Promise.all(accounts.accounts.map((account) => reconnectNow(account, true)));
  }

  /** "Reconnect now": the account's phone tries at once; an account without one is connected afresh. */
  async function reconnectNow(account: Account, networkChanged = false): Promise<void> {
    if (await softphone.reconnectNow(account.id, networkChanged)) return;
    await connect(account);
  }

  async function disconnect(accountId: string): Promise<void> {
    await softphone.disconnect(accountId);
    registration.forget(accountId);
    presence.forget(accountId);
  }

  function dial(accountId: string, input: string, withVideo = false): DialOutcome {
    const outcome = softphone.dial(accountId, input, withVideo);
    lastDialError.value = outcome.ok ? undefined : outcome;
    if (outcome.ok) calls.focus(outcome.callId);
    return outcome;
  }

  async function answer(callId: string, withVideo = false): Promise<void> {
    calls.focus(callId);
    await softphone.answer(callId, withVideo);
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
    reconnectNow,
    disconnect,
    dial,
    prepareDial: (accountId: string) => softphone.prepareDial(accountId),
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
    setCamera: (callId: string, on: boolean) => softphone.setCamera(callId, on),
    removeVideo: (callId: string) => softphone.removeVideo(callId),
    shareScreen: (callId: string, screen: MediaStreamTrack) => softphone.shareScreen(callId, screen),
    stopSharing: (callId: string) => softphone.stopSharing(callId),
    videoStreams: (callId: string): CallVideoStreams | undefined => softphone.videoStreams(callId),
    shutdown: () => softphone.disconnectAll(),
    leave: () => softphone.leave(),
    /** Loads the SIP stack before the first account connects (see `Softphone.loadEngine`). */
    loadEngine: () => softphone.loadEngine(),
    resolveTarget: (accountId: string, input: string) => softphone.resolveTarget(accountId, input),
    sendMessage: (...args: Parameters<Softphone['sendMessage']>) => softphone.sendMessage(...args),
    setMessageHandler: (handler: (message: IncomingTextMessage) => Promise<void>) => {
      messageHandler = handler;
    },
    ownStatus,
    setOwnStatus,
    callVoicemail,
    applyPresenceOptions,
    pickup,
  };
});
