import type { Call } from './call';
import type { CallVideoStreams } from './call-video';
import type { CallSnapshot, DtmfMode } from './call-state';
import { CallQualityWatch, type CallQualitySnapshot } from './call-quality';
import type { AudioMediaStats } from './media-stats';
import type { DialTarget, DialTargetError } from './dial-target';
import type { Phone, PhoneConfig, PhoneDelegate } from './phone';
import type * as EngineModule from './engine';
import type * as DiallingModule from './dial-target';
import type { AppLogLevel } from './sip-log';
import type { MessageSendOutcome } from './text-messages';
import { ConferenceMixer } from '../audio/conference-mixer';
import { CallRecorder, recordingFileName } from '../audio/call-recorder';
import type { OwnStatus } from '../presence/presence-agent';

type Engine = typeof EngineModule;
const loadEngine = (): Promise<Engine> => import('./engine');
type Dialling = typeof DiallingModule;
const loadDialling = (): Promise<Dialling> => import('./dial-target');

export type DialOutcome =
  { ok: true; callId: string } | { ok: false; error: DialTargetError | 'no-account' | 'nothing-to-pick-up' };

/** A finished recording, handed to the host to save (web: a download). */
export interface CallRecording {
  callId: string;
  fileName: string;
  blob: Blob;
}

export interface SoftphoneDelegate extends PhoneDelegate {
  /** A recording stopped (by the user or because the call ended). */
  onRecording?(recording: CallRecording): void;
  /** A connected call's live quality, once a second; undefined when the call has ended. */
  onCallQuality?(callId: string, quality: CallQualitySnapshot | undefined): void;
}

/**
 * The SIP engine: one {@link Phone} per enabled account, and the calls across all of them.
 * Stores talk to it with call ids and account ids only; it reports back through one {@link PhoneDelegate}.
 *
 * It also keeps the desk-phone line discipline: only one line is "talking" at a time, so answering,
 * dialling or switching to a line first holds the others (a local conference counts as one line).
 */
export class Softphone {
  private readonly phones = new Map<string, Phone>();
  /** SIP.js and everything built on it: loaded with the first account that connects (see `engine.ts`). */
  private engine: Engine | undefined;
  /** Reading dialled input (libphonenumber's metadata): loaded while the first account registers. */
  private dialling: Dialling | undefined;
  private diallingLoad: Promise<void> | undefined;
  private readonly conferences = new Map<string, ConferenceMixer>();
  private readonly recorders = new Map<string, { recorder: CallRecorder; remoteNumber: string }>();
  /** Calls whose recording waits for our microphone to be on the call. */
  private readonly waitingToRecord = new Set<string>();
  private readonly engineDelegate: PhoneDelegate;
  private readonly quality: CallQualityWatch;
  private logLevel: AppLogLevel = 'warn';
  /** The output the far end is played on ('' = the system default). */
  private speakerId = '';

  constructor(private readonly delegate: SoftphoneDelegate) {
    this.quality = new CallQualityWatch((callId, quality) => delegate.onCallQuality?.(callId, quality));
    this.engineDelegate = {
      // Once an account shows registered the user can dial, and its BLF lines are read as addresses
      // at once: a registration is reported once the number reading is in (in order, at once after that).
      onRegistration: (snapshot) => {
        if (this.dialling) delegate.onRegistration(snapshot);
        else void this.loadDialling().then(() => delegate.onRegistration(snapshot));
      },
      onCall: (snapshot) => {
        if (snapshot.state === 'ended') void this.cleanUpEnded(snapshot);
        else
          void this.findCall(snapshot.id)
            ?.setSpeaker(this.speakerId)
            .catch(() => undefined);
        delegate.onCall(this.quality.follow(snapshot, async () => this.findCall(snapshot.id)?.statsReport()));
      },
      onTransferredCall: (referrerId) => void this.findCall(referrerId)?.setHeld(true),
      onLog: (level, message) => delegate.onLog?.(level, message),
      onSipMessage: (message) => delegate.onSipMessage?.(message),
      onMessage: (message) => delegate.onMessage?.(message),
      onPresence: (event) => delegate.onPresence?.(event),
    };
  }

  /** (Re)connects an account with fresh settings; an existing phone for it is stopped first. */
  async connect(config: PhoneConfig): Promise<void> {
    const engine = await this.loadEngine();
    await this.disconnect(config.accountId);
    const phone = new engine.Phone(config, this.engineDelegate, this.logLevel);
    this.phones.set(config.accountId, phone);
    const starting = phone.start();
    // Fetched while the REGISTER is on its way, not before it: the REGISTER does not need it.
    void this.loadDialling();
    await starting;
  }

  /**
   * Loads the number reading once; a failed fetch is tried again by the next caller, and meanwhile
   * dialled input reads as invalid rather than holding registrations back.
   */
  private loadDialling(): Promise<void> {
    this.diallingLoad ??= loadDialling().then(
      (dialling) => {
        this.dialling = dialling;
      },
      () => {
        this.diallingLoad = undefined;
      },
    );
    return this.diallingLoad;
  }

  /** Loads the SIP stack ahead of the first connect (idle time after the first screen). */
  async loadEngine(): Promise<Engine> {
    this.engine ??= await loadEngine();
    return this.engine;
  }

  /**
   * Reads dialled input as a SIP URI. Asked once an account's phone exists; the number reading is
   * loaded by the time its registration is reported (see the delegate above).
   */
  private resolve(input: string, phone: Phone): DialTarget {
    return this.dialling
      ? this.dialling.resolveDialTarget(input, phone.dialContext)
      : { ok: false, error: 'invalid' };
  }

  /** How much the SIP engine logs, for every account (debug: the SIP traffic, redacted). */
  setLogLevel(level: AppLogLevel): void {
    this.logLevel = level;
    for (const phone of this.phones.values()) phone.setLogLevel(level);
  }

  async disconnect(accountId: string): Promise<void> {
    const phone = this.phones.get(accountId);
    if (!phone) return;
    this.phones.delete(accountId);
    await phone.stop();
  }

  /**
   * Reconnects an account's phone now, keeping its calls (see `Phone.reconnectNow`). False when the
   * account has no phone (never connected, or no password): it needs {@link connect}.
   */
  async reconnectNow(accountId: string, networkChanged = false): Promise<boolean> {
    const phone = this.phones.get(accountId);
    if (!phone) return false;
    await phone.reconnectNow(networkChanged);
    return true;
  }

  /** The page is going away: each account's calls end and its registration is withdrawn at once. */
  leave(): void {
    for (const phone of this.phones.values()) phone.leave();
  }

  async disconnectAll(): Promise<void> {
    await Promise.allSettled([...this.phones.keys()].map((id) => this.disconnect(id)));
  }

  /**
   * Watches these lines (numbers or SIP addresses, read like dialled input) on the account's BLF;
   * entries that do not read as an address are skipped.
   */
  watchLines(accountId: string, entries: readonly string[]): void {
    const phone = this.phones.get(accountId);
    if (!phone) return;
    const uris = entries.flatMap((entry) => {
      const target = this.resolve(entry, phone);
      return target.ok ? [target.uri] : [];
    });
    phone.presence.watchLines([...new Set(uris)]);
  }

  /** Publishes the account's own status (PIDF), or withdraws it with `undefined`. */
  publishPresence(accountId: string, status: OwnStatus | undefined): void {
    const presence = this.phones.get(accountId)?.presence;
    if (!presence) return;
    if (status === undefined) void presence.unpublish();
    else presence.publish(status);
  }

  /** Picks up the call ringing at a watched line (see `Phone.pickup`); other calls are held first. */
  pickup(accountId: string, lineUri: string): DialOutcome {
    const phone = this.phones.get(accountId);
    if (!phone) return { ok: false, error: 'no-account' };
    void this.holdAllExcept(undefined);
    const call = phone.pickup(lineUri);
    return call ? { ok: true, callId: call.id } : { ok: false, error: 'nothing-to-pick-up' };
  }

  /** The user is entering a number to call on this account: its next call is made ready (see `Phone.prepareDial`). */
  prepareDial(accountId: string): void {
    this.phones.get(accountId)?.prepareDial();
  }

  /** Places a call (a video call when asked); calls already connected are held first, like picking up a new line. */
  dial(accountId: string, input: string, withVideo = false): DialOutcome {
    const phone = this.phones.get(accountId);
    if (!phone) return { ok: false, error: 'no-account' };
    const target = this.resolve(input, phone);
    if (!target.ok) return { ok: false, error: target.error };
    void this.holdAllExcept(undefined);
    return { ok: true, callId: phone.dial(target.uri, withVideo).id };
  }

  /** Answers (with our camera on when asked); the call in progress (if any) is put on hold first (call waiting). */
  async answer(callId: string, withVideo = false): Promise<void> {
    const call = this.findCall(callId);
    if (!call) return;
    await this.holdAllExcept(callId);
    await call.answer(withVideo);
  }

  decline(
    callId: string,
    statusCode: 486 | 603 = 603,
    reason: 'declined-locally' | 'do-not-disturb' = 'declined-locally',
  ): Promise<void> {
    return this.withCall(callId, (call) => call.decline(statusCode, reason));
  }

  /** Where `input` (a number, name or address) goes from this account, without calling it. */
  resolveTarget(
    accountId: string,
    input: string,
  ): { ok: true; uri: string } | { ok: false; error: DialTargetError | 'no-account' } {
    const phone = this.phones.get(accountId);
    if (!phone) return { ok: false, error: 'no-account' };
    const target = this.resolve(input, phone);
    return target.ok ? { ok: true, uri: target.uri } : target;
  }

  /** Sends a text message from an account to a resolved SIP URI; `onOutcome` runs exactly once. */
  sendMessage(
    accountId: string,
    targetUri: string,
    text: string,
    onOutcome: (outcome: MessageSendOutcome) => void,
  ): void {
    const phone = this.phones.get(accountId);
    if (!phone) {
      onOutcome({ kind: 'not-sent', detail: 'no-account' });
      return;
    }
    try {
      phone.sendMessage(targetUri, text, onOutcome);
    } catch (error) {
      onOutcome({ kind: 'not-sent', detail: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Redirects a ringing call to `input` (a number or SIP address) with 302. */
  async forward(callId: string, input: string): Promise<DialOutcome> {
    const call = this.findCall(callId);
    const phone = call && this.phones.get(call.current().accountId);
    if (!call || !phone) return { ok: false, error: 'no-account' };
    // A call may be up before the number reading is in (it comes in just after the REGISTER's 200 OK).
    await this.loadDialling();
    const target = this.resolve(input, phone);
    if (!target.ok) return { ok: false, error: target.error };
    await call.forward(target.uri);
    return { ok: true, callId };
  }

  hangup(callId: string): Promise<void> {
    return this.withCall(callId, (call) => call.hangup());
  }

  /** Mutes our microphone on a call, or on every leg of the conference the call is in. */
  setMuted(callId: string, muted: boolean): void {
    const call = this.findCall(callId);
    const conferenceId = call?.current().conferenceId;
    for (const c of conferenceId ? this.callsInConference(conferenceId) : call ? [call] : [])
      c.setMuted(muted);
  }

  /** Holds or resumes one call; false when the far end refused (the call keeps its previous state). */
  async setHeld(callId: string, held: boolean): Promise<boolean> {
    const call = this.findCall(callId);
    if (!call) return false;
    if (!held) await this.holdAllExcept(callId);
    return call.setHeld(held);
  }

  /** Makes `callId` the line we talk on: every other connected call is held, this one resumed. */
  async switchTo(callId: string): Promise<void> {
    const call = this.findCall(callId);
    if (!call) return;
    await this.holdAllExcept(callId);
    const conferenceId = call.current().conferenceId;
    const group = conferenceId ? this.callsInConference(conferenceId) : [call];
    await Promise.all(group.map((c) => c.setHeld(false)));
  }

  sendDtmf(callId: string, digits: string): boolean {
    return this.findCall(callId)?.sendDtmf(digits) ?? false;
  }

  setDtmfMode(callId: string, mode: DtmfMode): void {
    this.findCall(callId)?.setDtmfMode(mode);
  }

  /** How new calls on an account send DTMF. */
  setAccountDtmfMode(accountId: string, mode: DtmfMode): void {
    this.phones.get(accountId)?.setDefaultDtmfMode(mode);
  }

  /** Blind transfer: the far end of `callId` is asked to call `input` (REFER). */
  async blindTransfer(callId: string, input: string): Promise<DialOutcome> {
    const call = this.findCall(callId);
    const phone = call && this.phones.get(call.current().accountId);
    if (!call || !phone) return { ok: false, error: 'no-account' };
    // A call may be up before the number reading is in (it comes in just after the REGISTER's 200 OK).
    await this.loadDialling();
    const target = this.resolve(input, phone);
    if (!target.ok) return { ok: false, error: target.error };
    await call.transfer(target.uri);
    return { ok: true, callId };
  }

  /**
   * Attended transfer: the party of `callId` is asked to call the party of `consultCallId` in our
   * place (REFER whose Refer-To carries Replaces for our dialog with `consultCallId`, RFC 5589 §7);
   * both our legs end when it succeeds, and both stay as they were when it fails.
   */
  async attendedTransfer(callId: string, consultCallId: string): Promise<boolean> {
    const call = this.findCall(callId);
    const consult = this.findCall(consultCallId);
    if (!call || !consult || consult.state !== 'active') return false;
    const ok = await call.transfer(consult);
    // The far end of `consultCallId` should drop its dialog with us when it receives the INVITE with
    // Replaces (RFC 3891); phones without Replaces support do not, so we end our leg ourselves.
    if (ok && consult.state === 'active') await consult.hangup('transferred').catch(() => undefined);
    return ok;
  }

  /**
   * Merges every connected call (at least two) into one local conference: all are resumed and each
   * far end hears us and the others. Returns the conference id.
   */
  async merge(): Promise<string | undefined> {
    const calls = this.connectedCalls();
    if (calls.length < 2) return undefined;
    await this.split();
    await Promise.all(calls.map((call) => call.setHeld(false)));
    const legs = calls.flatMap((call) => {
      const audio = call.audio();
      return audio ? [{ id: call.id, ...audio }] : [];
    });
    if (legs.length < 2) return undefined;
    const conferenceId = `conf-${legs.map((leg) => leg.id).join('+')}`;
    this.conferences.set(conferenceId, await ConferenceMixer.start(legs));
    for (const call of calls) if (legs.some((leg) => leg.id === call.id)) call.setConference(conferenceId);
    return conferenceId;
  }

  /** Ends the local conference: every leg gets its own microphone back; all but the focus are held. */
  async split(focusCallId?: string): Promise<void> {
    for (const [conferenceId, mixer] of [...this.conferences]) {
      this.conferences.delete(conferenceId);
      await mixer.stop();
      for (const call of this.callsInConference(conferenceId)) call.setConference(undefined);
    }
    if (focusCallId) await this.holdAllExcept(focusCallId);
  }

  /**
   * Starts recording a call (both directions; all legs when it is in a conference). A call can be up
   * before our microphone is on it (the offer or answer does not wait for capture): then recording
   * starts the moment it is, and the call says it is recording from the click.
   */
  startRecording(callId: string): boolean {
    const call = this.findCall(callId);
    if (!call || this.recorders.has(callId) || this.waitingToRecord.has(callId)) return false;
    if (this.record(call)) return true;
    this.waitingToRecord.add(callId);
    call.setRecording(true);
    const start = () => {
      // Stopped (or the call ended) while the microphone was on its way.
      if (!this.waitingToRecord.delete(callId)) return;
      if (call.current().state === 'ended' || !this.record(call)) call.setRecording(false);
    };
    call.localMediaReady().then(start, start);
    return true;
  }

  private record(call: Call): boolean {
    const audio = call.audio();
    if (!audio) return false;
    const conferenceId = call.current().conferenceId;
    const others = conferenceId ? this.callsInConference(conferenceId).filter((c) => c !== call) : [];
    const remotes = [audio.remote, ...others.flatMap((c) => c.audio()?.remote ?? [])];
    const recorder = new CallRecorder({ microphone: audio.microphone, remotes });
    this.recorders.set(call.id, { recorder, remoteNumber: call.current().remoteNumber });
    call.setRecording(true);
    return true;
  }

  async stopRecording(callId: string): Promise<void> {
    if (this.waitingToRecord.delete(callId)) this.findCall(callId)?.setRecording(false);
    const entry = this.recorders.get(callId);
    if (!entry) return;
    this.recorders.delete(callId);
    this.findCall(callId)?.setRecording(false);
    const blob = await entry.recorder.stop();
    this.delegate.onRecording?.({
      callId,
      blob,
      fileName: recordingFileName(entry.recorder.startedAt, entry.remoteNumber),
    });
  }

  setCamera(callId: string, on: boolean): Promise<void> {
    return this.withCall(callId, (call) => call.setCamera(on));
  }

  removeVideo(callId: string): Promise<void> {
    return this.withCall(callId, (call) => call.removeVideo());
  }

  /** Sends a screen capture as the call's video; the track is stopped if the call is gone. */
  async shareScreen(callId: string, screen: MediaStreamTrack): Promise<void> {
    const call = this.findCall(callId);
    if (call) await call.shareScreen(screen);
    else screen.stop();
  }

  stopSharing(callId: string): Promise<void> {
    return this.withCall(callId, (call) => call.stopSharing());
  }

  videoStreams(callId: string): CallVideoStreams | undefined {
    return this.findCall(callId)?.videoStreams();
  }

  /** Plays every call, and calls to come, on this output device ('' = the system default). */
  async setSpeaker(deviceId: string): Promise<void> {
    this.speakerId = deviceId;
    await Promise.allSettled(this.liveCalls().map((call) => call.setSpeaker(deviceId)));
  }

  /**
   * Captures again on every call that has media (another microphone or camera, or other processing)
   * and swaps the tracks in place; calls stay up. Resolves how many calls switched.
   */
  async recapture(
    constraints: (requested: MediaStreamConstraints) => MediaStreamConstraints,
  ): Promise<number> {
    const withMedia = this.liveCalls().filter(
      (call) => call.state !== 'incoming' && call.state !== 'dialing',
    );
    const results = await Promise.allSettled(
      withMedia.map(async (call) => {
        const switched = await call.recapture(constraints);
        const microphone = call.audio()?.microphone;
        if (switched && microphone) this.recorders.get(call.id)?.recorder.replaceMicrophone(microphone);
        return switched;
      }),
    );
    return results.filter((result) => result.status === 'fulfilled' && result.value).length;
  }

  async mediaStats(callId: string): Promise<AudioMediaStats | undefined> {
    return this.findCall(callId)?.mediaStats();
  }

  private async cleanUpEnded(snapshot: CallSnapshot): Promise<void> {
    await this.stopRecording(snapshot.id);
    const conferenceId = snapshot.conferenceId;
    if (!conferenceId) return;
    const mixer = this.conferences.get(conferenceId);
    const remaining = this.callsInConference(conferenceId).filter((c) => c.id !== snapshot.id);
    if (!mixer || remaining.length >= 2) {
      // A conference of three or more keeps running for the others; a future mixer rebuild would
      // drop the ended leg's sources, which are silent anyway once its track ends.
      return;
    }
    this.conferences.delete(conferenceId);
    await mixer.stop();
    for (const call of remaining) call.setConference(undefined);
  }

  /** Holds every connected call except `callId` and the conference it belongs to. */
  private async holdAllExcept(callId: string | undefined): Promise<void> {
    const keep = callId ? this.findCall(callId)?.current().conferenceId : undefined;
    const toHold = this.connectedCalls().filter(
      (call) => call.id !== callId && (keep === undefined || call.current().conferenceId !== keep),
    );
    if (toHold.some((call) => call.current().conferenceId)) await this.split();
    await Promise.all(toHold.map((call) => call.setHeld(true)));
  }

  private liveCalls(): Call[] {
    return [...this.phones.values()].flatMap((phone) => phone.liveCalls());
  }

  private connectedCalls(): Call[] {
    return [...this.phones.values()]
      .flatMap((phone) => phone.liveCalls())
      .filter((c) => c.state === 'active');
  }

  private callsInConference(conferenceId: string): Call[] {
    return [...this.phones.values()]
      .flatMap((phone) => phone.liveCalls())
      .filter((c) => c.current().conferenceId === conferenceId);
  }

  private findCall(callId: string): Call | undefined {
    for (const phone of this.phones.values()) {
      const call = phone.call(callId);
      if (call) return call;
    }
    return undefined;
  }

  private async withCall(callId: string, action: (call: Call) => Promise<void>): Promise<void> {
    const call = this.findCall(callId);
    if (call) await action(call);
  }
}
