import {
  Invitation,
  Inviter,
  SessionState,
  UserAgent,
  type Notification,
  type URI,
  type Referral,
  type Session,
  type SessionDescriptionHandlerOptions,
} from 'sip.js';
import type { IncomingResponse, IncomingResponseMessage } from 'sip.js/lib/core';
import type {
  SessionDescriptionHandler,
  SessionDescriptionHandlerOptions as WebSdhOptions,
} from 'sip.js/lib/platform/web';
import { requestedAutoAnswerDelay } from './auto-answer';
import { CallSessionTimer } from './call-session-timer';
import { CallVideoMedia, type CallVideoStreams } from './call-video';
import {
  canTransition,
  type CallEnd,
  type CallNoticeKind,
  type CallSnapshot,
  type CallState,
  type DtmfMode,
  type TransferProgress,
} from './call-state';
import { DTMF_DURATION_MS, DTMF_GAP_MS, dtmfDigits, dtmfInfoBody } from './dtmf';
import { audioDirection, farEndHolds } from './media-direction';
import { readAudioStats, type AudioMediaStats } from './media-stats';
import { endReasonForInviteFailure } from './sip-status';
import { offersVideo } from './video-sdp';
import { RinglineSessionDescriptionHandler } from './session-description-handler';
import type { NegotiatedSessionTimer } from './session-timer';

export interface CallListener {
  (snapshot: CallSnapshot): void;
}

/** What a call reports besides snapshots: a REFER from the far end asking us to call someone. */
export interface CallEvents {
  onSnapshot: CallListener;
  /** The far end transfers us (RFC 3515); the phone decides whether and how to follow it. */
  onReferral?(call: Call, referral: Referral): void;
  /** Something about the call's signalling worth a line in the SIP log. */
  onLog?(level: 'info' | 'warn', message: string): void;
}

/** How an incoming call is answered, as decided before it rang (`incoming-decision.ts`). */
export interface AnswerPlan {
  /** Headers of our 2xx (e.g. the session timer's). */
  headers: string[];
  /** The session timer our 2xx agrees (RFC 4028 §9). */
  sessionTimer?: NegotiatedSessionTimer;
}

/** See {@link Call.answer}: past this, an answer still under way shows as "Connecting". */
const ANSWERING_SHOWN_AFTER_MS = 100;

export const AUDIO_ONLY: SessionDescriptionHandlerOptions = { constraints: { audio: true, video: false } };

/** The audio pieces of a call that local mixing (conference, recording) needs; plain WebRTC objects. */
export interface CallAudio {
  /** The RTP sender towards the far end; its track is replaced while the call is in a conference. */
  sender: RTCRtpSender;
  /** Our microphone track as captured for this call. */
  microphone: MediaStreamTrack;
  /** What the far end sends us. */
  remote: MediaStream;
}

/**
 * One call: owns its SIP.js session and the element that plays the far end's audio, and reports every
 * change as a fresh {@link CallSnapshot}. Transitions follow the table in `call-state.ts`; anything
 * else is a bug in the order SIP.js events arrive and is ignored rather than corrupting the state.
 */
export class Call {
  private snapshot: CallSnapshot;
  /**
   * Plays the far end; let go when the call ends. SIP.js keeps an ended INVITE's transaction, and
   * through its delegates this call, for Timer M (RFC 6026: 64*T1, 32 s) to absorb late 2xx
   * retransmissions, so anything the call still held then would stay alive that long too.
   */
  private remoteAudio: HTMLAudioElement | undefined;
  private pendingEnd: CallEnd | undefined;
  private microphone: MediaStreamTrack | undefined;
  private infoQueue: Promise<void> = Promise.resolve();
  private readonly video: CallVideoMedia;
  private readonly sessionTimer: CallSessionTimer;
  private answerPlan: AnswerPlan = { headers: [] };

  private constructor(
    private readonly session: Session,
    init: Omit<CallSnapshot, 'createdAt' | 'muted' | 'held' | 'remoteHeld' | 'dtmfSent' | 'recording'>,
    private readonly events: CallEvents,
    video: { offered: boolean; offerAtStart: boolean } = { offered: false, offerAtStart: false },
  ) {
    this.snapshot = {
      ...init,
      createdAt: Date.now(),
      muted: false,
      held: false,
      remoteHeld: false,
      dtmfSent: '',
      recording: false,
    };
    this.video = this.createVideo(video.offered);
    if (video.offered) this.snapshot.video = this.video.current();
    this.remoteAudio = document.createElement('audio');
    this.remoteAudio.autoplay = true;
    this.sessionTimer = new CallSessionTimer(session, {
      reinvite: () => this.reinviteAsIs(false),
      bye: () => void this.hangupExpired(),
      note: (message) => this.events.onLog?.('info', message),
    });
    session.stateChange.addListener((state) => this.onSessionState(state));
    session.delegate = {
      onBye: (bye) => {
        this.pendingEnd ??= { reason: 'remote-hangup' };
        void bye.accept();
      },
      onSessionDescriptionHandler: (handler, provisional) => {
        const peerConnection = (handler as SessionDescriptionHandler).peerConnection;
        if (video.offerAtStart && !provisional && peerConnection)
          this.video.offerVideoAtStart(peerConnection);
        if (handler instanceof RinglineSessionDescriptionHandler) this.followLocalMedia(handler);
        // An incoming call that answered in a reliable 180 (RFC 3262) has media before the user
        // answers: the caller is heard only once the call is taken.
        if (this.snapshot.state !== 'incoming') this.attachRemoteAudio();
      },
      onInvite: (request, _response, statusCode) => this.onReInvite(request.body, statusCode),
      onRefer: (referral) => {
        if (this.events.onReferral) this.events.onReferral(this, referral);
        else void referral.reject({ statusCode: 603 });
      },
      onInfo: (info) => void info.accept(),
    };
  }

  /** Sends the INVITE. Provisional and final responses drive the state; see `onProgress`/`onReject`. */
  static dial(
    inviter: Inviter,
    accountId: string,
    dtmfMode: DtmfMode,
    events: CallEvents,
    withVideo = false,
  ): Call {
    const call = new Call(
      inviter,
      describeRemote(inviter, accountId, 'outgoing', 'dialing', dtmfMode),
      events,
      {
        offered: false,
        offerAtStart: withVideo,
      },
    );
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => call.onProgress(response),
          onAccept: (response) => call.sessionTimer.answered(response.message),
          onReject: (response) => call.onRejected(response),
        },
      })
      .catch((error: unknown) => call.finish({ reason: 'failed', detail: String(error) }));
    return call;
  }

  static incoming(
    invitation: Invitation,
    accountId: string,
    dtmfMode: DtmfMode,
    events: CallEvents,
    plan: AnswerPlan = { headers: [] },
  ): Call {
    const init = describeRemote(invitation, accountId, 'incoming', 'incoming', dtmfMode);
    const autoAnswerAfter = requestedAutoAnswerDelay(invitation.request);
    const call = new Call(
      invitation,
      autoAnswerAfter === undefined ? init : { ...init, autoAnswerAfter },
      events,
      {
        offered: offersVideo(invitation.body ?? ''),
        offerAtStart: false,
      },
    );
    call.answerPlan = plan;
    invitation.delegate = {
      ...invitation.delegate,
      onCancel: () => {
        call.pendingEnd = { reason: 'cancelled' };
      },
    };
    return call;
  }

  get id(): string {
    return this.snapshot.id;
  }

  get state(): CallState {
    return this.snapshot.state;
  }

  /** The SIP.js session, for the engine only (attended transfer needs the other call's dialog). */
  get sipSession(): Session {
    return this.session;
  }

  /** The call this incoming INVITE replaces (RFC 3891), e.g. when a transfer completes towards us. */
  get replaces(): Session | undefined {
    return this.session instanceof Invitation ? this.session.replacee : undefined;
  }

  current(): CallSnapshot {
    return this.snapshot;
  }

  /**
   * Answers. A video offer is always answered with its video stream accepted, so the caller's video
   * shows either way; `withVideo` also turns our camera on, otherwise it stays off until asked.
   */
  async answer(withVideo = false): Promise<void> {
    if (!(this.session instanceof Invitation) || !this.ringingUnanswered()) return;
    // The card changes when the 200 OK is on its way, not at the click: re-rendering it first held the
    // page's one thread ahead of setting the answer and of the first ICE candidate's event (about
    // 20 ms of click -> 200 OK here). "Connecting" shows only when answering is slow (a permission
    // prompt, a loaded machine).
    const slow = setTimeout(() => this.moveTo('answering'), ANSWERING_SHOWN_AFTER_MS);
    try {
      await this.session.accept({
        sessionDescriptionHandlerOptions: AUDIO_ONLY,
        extraHeaders: this.answerPlan.headers,
      });
      if (withVideo) await this.video.startCameraAfterAnswer();
    } catch (error) {
      // Typically getUserMedia refused or no microphone: tell the caller we cannot take it.
      this.finish({ reason: 'media-failed', detail: String(error) });
      if (this.session.state === SessionState.Initial || this.session.state === SessionState.Establishing) {
        await this.session.reject({ statusCode: 488 }).catch(() => undefined);
      }
    } finally {
      clearTimeout(slow);
    }
  }

  /** Rejects a ringing incoming call; 486 Busy Here or 603 Decline (RFC 3261 §21.4.24, §21.6.2). */
  async decline(
    statusCode: 486 | 603 = 603,
    reason: 'declined-locally' | 'do-not-disturb' = 'declined-locally',
  ): Promise<void> {
    if (!(this.session instanceof Invitation) || !this.ringingUnanswered()) return;
    this.pendingEnd = { reason, statusCode };
    await this.session.reject({ statusCode });
  }

  /**
   * Redirects a ringing incoming call with 302 Moved Temporarily and the new target in Contact
   * (RFC 3261 §21.3.3); the caller's phone or proxy then calls the target itself.
   */
  async forward(targetUri: string): Promise<void> {
    if (!(this.session instanceof Invitation) || !this.ringingUnanswered()) return;
    this.pendingEnd = { reason: 'forwarded', statusCode: 302, detail: targetUri };
    await this.session.reject({ statusCode: 302, extraHeaders: [`Contact: <${targetUri}>`] });
  }

  /**
   * Ends the call whatever its state: CANCEL while it rings out, BYE once it is up. `reason` says why
   * when it is not the user hanging up (e.g. our leg of a completed attended transfer).
   */
  async hangup(reason: 'local-hangup' | 'transferred' = 'local-hangup'): Promise<void> {
    this.pendingEnd ??= { reason };
    const session = this.session;
    if (this.snapshot.state !== 'ended' && this.snapshot.state !== 'incoming') this.update({ ending: true });
    switch (session.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        if (session instanceof Inviter) {
          this.pendingEnd = { reason: 'cancelled' };
          await session.cancel();
        } else if (session instanceof Invitation) {
          await this.decline(603);
        }
        return;
      case SessionState.Established:
        await session.bye();
        return;
      default:
        return;
    }
  }

  setMuted(muted: boolean): void {
    this.update({ muted });
    this.applyMicrophone();
  }

  /**
   * Holds or resumes with a re-INVITE (RFC 3264 §8.4): SIP.js offers `a=sendonly` (or `a=inactive`
   * when the far end holds us too). Resolves true when the far end accepted.
   *
   * The SDH options given to `session.invite()` stick to the session and are also used to answer the
   * far end's next re-INVITE, so after a failed re-INVITE they are put back; otherwise the call would
   * silently answer "on hold" while the UI says it is not (SIP.js issue #685,
   * https://github.com/onsip/SIP.js/issues/685); the peer connection's offer is rolled back too (see
   * `rollBackLocalOffer`). The microphone is cut while held so the held party
   * hears nothing of what we say meanwhile, whatever the direction attribute allows.
   */
  async setHeld(held: boolean): Promise<boolean> {
    if (this.snapshot.state !== 'active' || this.snapshot.holdPending) return false;
    if (this.snapshot.held === held) return true;
    this.update({ holdPending: held ? 'hold' : 'resume', notice: undefined });
    if (held) this.applyMicrophone(true);
    const outcome = await new Promise<{ ok: true; sdp: string } | { ok: false; statusCode?: number }>(
      (resolve) => {
        this.session
          .invite({
            sessionDescriptionHandlerOptions: {
              ...AUDIO_ONLY,
              hold: held,
            } as SessionDescriptionHandlerOptions,
            requestDelegate: {
              onAccept: (response) => resolve({ ok: true, sdp: response.message.body }),
              onReject: (response) => resolve({ ok: false, statusCode: response.message.statusCode }),
            },
          })
          .catch(() => resolve({ ok: false }));
      },
    );
    if (this.snapshot.state !== 'active') return false;
    if (outcome.ok) {
      const remoteHeld = outcome.sdp
        ? farEndHolds(audioDirection(outcome.sdp), 'answer', held)
        : this.snapshot.remoteHeld;
      this.update({ held, remoteHeld, holdPending: undefined });
      this.applyMicrophone();
      this.video.refresh();
      return true;
    }
    // Roll back: the dialog is still in its previous hold state (RFC 3261 §14.1).
    await this.rollBackLocalOffer(held ? 'sendrecv' : 'sendonly');
    this.session.sessionDescriptionHandlerOptionsReInvite = {
      ...AUDIO_ONLY,
      hold: !held,
    } as SessionDescriptionHandlerOptions;
    this.update({
      holdPending: undefined,
      notice: {
        kind: held ? 'hold-failed' : 'resume-failed',
        at: Date.now(),
        ...(outcome.statusCode ? { statusCode: outcome.statusCode } : {}),
      },
    });
    this.applyMicrophone();
    return false;
  }

  /**
   * Re-INVITE after the account's signalling connection was replaced: a target refresh (our Contact
   * now leads over the new connection) and, after a network change, an ICE restart. The hold state
   * is offered as it is, because SIP.js keeps these options for later re-INVITEs too.
   * Resolves true when the far end accepted.
   */
  async refreshAfterReconnect(iceRestart: boolean): Promise<boolean> {
    const statusCode = (await this.reinviteAsIs(iceRestart))?.statusCode ?? 0;
    return statusCode >= 200 && statusCode < 300;
  }

  /**
   * A re-INVITE offering the media as they are (the hold state included), e.g. a session refresh
   * (RFC 4028) or a target refresh; resolves with its final response, or undefined when none could
   * be sent (the call is not active, or a hold change is under way).
   */
  private reinviteAsIs(iceRestart: boolean): Promise<IncomingResponseMessage | undefined> {
    if (this.snapshot.state !== 'active' || this.snapshot.holdPending) return Promise.resolve(undefined);
    const options: WebSdhOptions = { ...AUDIO_ONLY, hold: this.snapshot.held, offerOptions: { iceRestart } };
    return new Promise<IncomingResponseMessage | undefined>((resolve) => {
      this.session
        .invite({
          sessionDescriptionHandlerOptions: options,
          requestDelegate: {
            onAccept: (response) => resolve(response.message),
            onReject: (response) => resolve(response.message),
          },
        })
        .catch(() => resolve(undefined));
    });
  }

  /** The session expired without a refresh (RFC 4028 §10): BYE, saying why (RFC 3326). */
  private async hangupExpired(): Promise<void> {
    if (this.session.state !== SessionState.Established) return;
    this.pendingEnd ??= { reason: 'network', detail: 'session expired (no session refresh)' };
    await this.session
      .bye({ requestOptions: { extraHeaders: ['Reason: SIP;cause=408;text="Session expired"'] } })
      .catch(() => undefined);
  }

  /**
   * The far end rings, told by a provisional SIP.js could not take (a 180 without Contact; see
   * `ProvisionalWithoutContact` in `inbound-guard.ts`): shown as it would be from `onProgress`.
   */
  farEndRinging(statusCode: number): void {
    if (this.snapshot.direction !== 'outgoing') return;
    if (statusCode === 180 || statusCode === 183) this.moveTo('ringing');
  }

  /**
   * Undoes our unanswered re-INVITE offer in the peer connection. SIP.js calls the SDH's optional
   * `rollbackDescription()` after a non-2xx to a re-INVITE, but the web SDH has none, so the connection
   * stays in `have-local-offer` with the transceiver set to the refused direction; Chromium then
   * stops playing the far end's audio although its packets still arrive (measured in the lab).
   */
  private async rollBackLocalOffer(direction: RTCRtpTransceiverDirection): Promise<void> {
    const peerConnection = this.handler()?.peerConnection;
    if (!peerConnection) return;
    if (peerConnection.signalingState === 'have-local-offer') {
      await peerConnection.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
    }
    for (const transceiver of peerConnection.getTransceivers()) {
      if (transceiver.direction !== 'stopped') transceiver.direction = direction;
    }
    // The rollback alone leaves Chromium's receive channel stopped (totalSamplesReceived freezes while
    // packets still arrive). Re-applying the session both sides already agreed on restarts it; the
    // far end is not involved: same ICE, DTLS and codecs, nothing is sent.
    const local = peerConnection.currentLocalDescription;
    const remote = peerConnection.currentRemoteDescription;
    if (!local || !remote || peerConnection.signalingState !== 'stable') return;
    let answer = remote.sdp;
    if (remote.type === 'offer') {
      // We answered that offer; as an answer now, it must name the DTLS role the far end took.
      const ours = /a=setup:(active|passive)/.exec(local.sdp)?.[1];
      answer = answer.replace(/a=setup:actpass/g, `a=setup:${ours === 'active' ? 'passive' : 'active'}`);
    }
    try {
      await peerConnection.setLocalDescription(await peerConnection.createOffer());
      await peerConnection.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch {
      // TypeScript narrowed the state to 'stable' above; the awaits changed it.
      if ((peerConnection.signalingState as RTCSignalingState) === 'have-local-offer') {
        await peerConnection.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
      }
    }
  }

  setDtmfMode(dtmfMode: DtmfMode): void {
    this.update({ dtmfMode });
  }

  /**
   * Sends DTMF digits. RFC 4733 events go through `RTCDTMFSender` (appended to its queue, since
   * `insertDTMF` replaces whatever is still queued); INFO sends one request per digit, in order.
   */
  sendDtmf(input: string): boolean {
    const digits = dtmfDigits(input);
    if (!digits || this.snapshot.state !== 'active') return false;
    const mode = this.snapshot.dtmfMode ?? 'rfc4733';
    if (mode !== 'rfc4733') {
      for (const digit of digits) this.infoQueue = this.infoQueue.then(() => this.sendInfoDigit(mode, digit));
    } else {
      const dtmf = this.audioSender()?.dtmf;
      if (!dtmf?.canInsertDTMF) {
        this.notify('dtmf-failed');
        return false;
      }
      dtmf.insertDTMF(dtmf.toneBuffer + digits, DTMF_DURATION_MS, DTMF_GAP_MS);
    }
    this.update({ dtmfSent: ((this.snapshot.dtmfSent ?? '') + digits).slice(-32) });
    return true;
  }

  /**
   * Asks the far end to call `target` instead (REFER, RFC 3515); `target` may be another call, which
   * makes it an attended transfer (Refer-To with Replaces, RFC 3891 / RFC 5589 §7). Progress arrives as
   * NOTIFY with a `message/sipfrag` body. On success the far end has left us and we hang up; on
   * failure the call stays as it was.
   */
  async transfer(target: string | Call): Promise<boolean> {
    if (this.snapshot.state !== 'active' || this.snapshot.transfer?.state === 'trying') return false;
    const kind = typeof target === 'string' ? 'blind' : 'attended';
    const targetText =
      typeof target === 'string' ? target : target.snapshot.remoteDisplayName || target.snapshot.remoteNumber;
    this.setTransfer({ kind, target: targetText, state: 'requested' });
    const referTo = typeof target === 'string' ? UserAgent.makeURI(target) : target.session;
    if (!referTo) {
      this.setTransfer({ kind, target: targetText, state: 'failed' });
      this.notify('transfer-failed');
      return false;
    }
    return this.sendRefer(referTo, kind, targetText);
  }

  /** Turns our camera on or off (on an audio-only call, on adds video by re-INVITE). */
  setCamera(on: boolean): Promise<void> {
    return this.video.setCamera(on);
  }

  /** Takes video off the call by re-INVITE; the call goes on as audio. */
  removeVideo(): Promise<void> {
    return this.video.removeVideo();
  }

  /** Sends a screen or window capture as our video (see {@link CallVideoMedia.shareScreen}). */
  shareScreen(screen: MediaStreamTrack): Promise<void> {
    return this.video.shareScreen(screen);
  }

  stopSharing(): Promise<void> {
    return this.video.stopSharing();
  }

  /** The self view's and the remote view's streams; the same objects for the whole call. */
  videoStreams(): CallVideoStreams {
    return this.video.streams();
  }

  /** Live audio counters from the call's peer connection (inbound packets, energy, codec). */
  mediaStats(): Promise<AudioMediaStats> {
    return readAudioStats(this.handler()?.peerConnection);
  }

  /** The peer connection's full statistics report, for the quality monitor; undefined before media. */
  statsReport(): Promise<RTCStatsReport | undefined> {
    return this.handler()?.peerConnection?.getStats() ?? Promise.resolve(undefined);
  }

  /** The call's audio for local mixing; undefined until media is set up. */
  /**
   * Settles once our first captured media is on the call (it may come after the call is up: the
   * offer or answer does not wait for the microphone), at once when the call has no such wait.
   */
  localMediaReady(): Promise<void> {
    const handler = this.handler();
    return handler instanceof RinglineSessionDescriptionHandler ? handler.localMedia : Promise.resolve();
  }

  audio(): CallAudio | undefined {
    const sender = this.audioSender();
    const remote = this.handler()?.remoteMediaStream;
    this.microphone ??= sender?.track ?? undefined;
    if (!sender || !remote || !this.microphone) return undefined;
    return { sender, microphone: this.microphone, remote };
  }

  /**
   * Captures again with `constraints` (another microphone, camera or processing) and swaps the
   * tracks in place with `replaceTrack`: the call stays up and nothing is renegotiated. While the
   * call is in a local conference its sender carries the mix, so it keeps its microphone until then.
   */
  async recapture(
    constraints: (requested: MediaStreamConstraints) => MediaStreamConstraints,
  ): Promise<boolean> {
    const handler = this.handler();
    if (!(handler instanceof RinglineSessionDescriptionHandler) || this.snapshot.conferenceId) return false;
    const video = handler.localMediaStream.getVideoTracks().length > 0;
    const stream = await navigator.mediaDevices.getUserMedia(constraints({ audio: true, video }));
    await handler.replaceLocalMedia(stream);
    this.microphone = stream.getAudioTracks()[0] ?? this.microphone;
    this.applyMicrophone();
    return true;
  }

  /** Plays the far end on this output device (`HTMLMediaElement.setSinkId`; empty: the default). */
  async setSpeaker(deviceId: string): Promise<void> {
    if (this.remoteAudio && this.remoteAudio.sinkId !== deviceId) await this.remoteAudio.setSinkId(deviceId);
  }

  setConference(conferenceId: string | undefined): void {
    this.update({ conferenceId });
  }

  setRecording(recording: boolean): void {
    this.update({ recording });
  }

  private sendRefer(referTo: Session | URI, kind: 'blind' | 'attended', target: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const settle = (ok: boolean, statusCode?: number): void => {
        if (settled) return;
        settled = true;
        this.setTransfer({
          kind,
          target,
          state: ok ? 'succeeded' : 'failed',
          ...(statusCode ? { statusCode } : {}),
        });
        if (!ok) this.notify('transfer-failed', statusCode);
        resolve(ok);
        // RFC 5589 §6: once the transfer succeeded, the transferor ends its own dialog.
        if (ok && this.session.state === SessionState.Established) void this.hangupAfterTransfer();
      };
      this.session
        .refer(referTo, {
          requestDelegate: {
            onAccept: () => this.setTransfer({ kind, target, state: 'trying', statusCode: 202 }),
            onReject: (response) => settle(false, response.message.statusCode),
          },
          onNotify: (notification: Notification) => {
            void notification.accept();
            const statusCode = sipfragStatus(notification.request.body);
            if (statusCode === undefined) return;
            if (statusCode >= 200 && statusCode < 300) settle(true, statusCode);
            else if (statusCode >= 300) settle(false, statusCode);
            else if (!settled)
              this.setTransfer({ kind, target, state: statusCode >= 180 ? 'ringing' : 'trying', statusCode });
          },
        })
        .catch(() => settle(false));
    });
  }

  private async hangupAfterTransfer(): Promise<void> {
    this.pendingEnd = { reason: 'transferred' };
    await this.session.bye().catch(() => undefined);
  }

  private async sendInfoDigit(format: 'info' | 'info-dtmf', digit: string): Promise<void> {
    if (this.session.state !== SessionState.Established) return;
    const ok = await new Promise<boolean>((resolve) => {
      this.session
        .info({
          requestDelegate: { onAccept: () => resolve(true), onReject: () => resolve(false) },
          requestOptions: {
            body: { contentDisposition: 'render', ...dtmfInfoBody(format, digit) },
          },
        })
        .catch(() => resolve(false));
    });
    if (!ok) this.notify('dtmf-failed');
  }

  private onReInvite(offer: string, statusCode: number): void {
    if (statusCode < 200 || statusCode >= 300 || !offer) return;
    const remoteHeld = farEndHolds(audioDirection(offer), 'offer', this.snapshot.held === true);
    if (remoteHeld !== this.snapshot.remoteHeld) this.update({ remoteHeld });
    this.attachRemoteAudio();
    this.video.refresh();
  }

  private onProgress(response: IncomingResponse): void {
    const status = response.message.statusCode ?? 0;
    const hasSdp = (response.message.body ?? '').length > 0;
    if (status === 183 && hasSdp) {
      this.attachRemoteAudio();
      this.moveTo('early-media');
    } else if (status === 180 || status === 183) {
      this.moveTo('ringing');
    }
  }

  private onRejected(response: IncomingResponse): void {
    const statusCode = response.message.statusCode ?? 0;
    this.pendingEnd = {
      reason: endReasonForInviteFailure(statusCode),
      statusCode,
      detail: response.message.reasonPhrase,
    };
  }

  private onSessionState(state: SessionState): void {
    if (state === SessionState.Established) {
      this.attachRemoteAudio();
      // Live now even if it was captured muted for an answer sent while ringing (`captureMuted`).
      this.applyMicrophone();
      if (this.session instanceof Invitation)
        this.sessionTimer.established(this.session.request, this.answerPlan.sessionTimer);
      this.moveTo('active', { answeredAt: Date.now() });
      this.video.refresh();
    } else if (state === SessionState.Terminated) {
      // SIP.js moves to Terminated before it calls our onReject delegate with the final response
      // (inviter.js, invite()): wait one microtask so the status code is known when we report the end.
      queueMicrotask(() =>
        this.finish(this.pendingEnd ?? { reason: this.snapshot.answeredAt ? 'remote-hangup' : 'failed' }),
      );
    }
  }

  private finish(end: CallEnd): void {
    if (this.snapshot.state === 'ended') return;
    this.sessionTimer.stop();
    if (this.remoteAudio) this.remoteAudio.srcObject = null;
    this.remoteAudio = undefined;
    this.video.close();
    this.moveTo('ended', { end, endedAt: Date.now(), holdPending: undefined });
  }

  /**
   * The offer or answer goes out before capture resolves (see `session-description-handler.ts`):
   * once the microphone is on the call, mute and hold apply to it; if capture fails, the call cannot
   * go on and ends (CANCEL before an answer, BYE after, RFC 3261 §9 and §15).
   */
  private followLocalMedia(handler: RinglineSessionDescriptionHandler): void {
    handler.localMedia.then(
      () => this.applyMicrophone(),
      (error: unknown) => {
        // Closed with the call: nothing more to end.
        if (!handler.peerConnection || this.snapshot.state === 'ended') return;
        this.pendingEnd ??= { reason: 'media-failed', detail: String(error) };
        void this.endWithoutMedia();
      },
    );
  }

  private async endWithoutMedia(): Promise<void> {
    const session = this.session;
    if (session instanceof Inviter && session.state !== SessionState.Established) {
      if (session.state === SessionState.Initial || session.state === SessionState.Establishing)
        await session.cancel().catch(() => undefined);
      return;
    }
    if (session.state === SessionState.Establishing) {
      // Our 200 OK is on its way: the dialog can be ended once it is confirmed.
      await new Promise<void>((resolve) => {
        const onState = (state: SessionState): void => {
          if (state !== SessionState.Established && state !== SessionState.Terminated) return;
          session.stateChange.removeListener(onState);
          resolve();
        };
        session.stateChange.addListener(onState);
      });
    }
    if (session.state === SessionState.Established) await session.bye().catch(() => undefined);
  }

  /**
   * The microphone is live only when the call is neither muted nor (being) held, and not while an
   * incoming call still rings (an answer sent in a reliable 180 must not carry the room).
   */
  private applyMicrophone(holding = false): void {
    this.microphone ??= this.audioSender()?.track ?? undefined;
    // An incoming call's microphone stays off until it is answered (established), not until its card
    // changes: the card may still show it ringing when SIP.js reports it established (see `answer`).
    const answered = !(this.session instanceof Invitation) || this.session.state === SessionState.Established;
    const live = !this.snapshot.muted && !this.snapshot.held && !holding && answered;
    if (this.microphone) this.microphone.enabled = live;
  }

  private attachRemoteAudio(): void {
    const stream = this.handler()?.remoteMediaStream;
    if (!stream || !this.remoteAudio || this.remoteAudio.srcObject === stream) return;
    this.remoteAudio.srcObject = stream;
    // Autoplay may be refused until the user has interacted with the page; the next gesture retries.
    this.remoteAudio.play().catch(() => undefined);
  }

  private createVideo(offered: boolean): CallVideoMedia {
    return new CallVideoMedia(
      {
        peerConnection: () => this.handler()?.peerConnection,
        renegotiate: (beforeRollback) => this.renegotiate(beforeRollback),
        canRenegotiate: () =>
          this.snapshot.state === 'active' && !this.snapshot.held && this.snapshot.holdPending === undefined,
        report: (video) => {
          if (this.snapshot.state !== 'ended') this.update({ video });
        },
        notify: (kind, statusCode) => this.notify(kind, statusCode),
        cameraConstraints: () => {
          const handler = this.handler();
          return handler instanceof RinglineSessionDescriptionHandler ? handler.cameraConstraints() : true;
        },
      },
      offered,
    );
  }

  /**
   * A re-INVITE offering the peer connection's transceivers as they are (adding or removing video);
   * the SDH options keep the audio-only constraints, so SIP.js neither asks for media nor replaces
   * the microphone. A refusal leaves the dialog as it was (RFC 3261 §14.1), so the offer is undone.
   */
  private async renegotiate(beforeRollback?: () => void): Promise<{ ok: boolean; statusCode?: number }> {
    const outcome = await new Promise<{ ok: boolean; statusCode?: number }>((resolve) => {
      this.session
        .invite({
          sessionDescriptionHandlerOptions: {
            ...AUDIO_ONLY,
            hold: this.snapshot.held === true,
          } as SessionDescriptionHandlerOptions,
          requestDelegate: {
            onAccept: () => resolve({ ok: true }),
            onReject: (response) => resolve({ ok: false, statusCode: response.message.statusCode }),
          },
        })
        .catch(() => resolve({ ok: false }));
    });
    if (!outcome.ok && this.snapshot.state === 'active') {
      beforeRollback?.();
      await this.rollBackLocalOffer(this.snapshot.held ? 'sendonly' : 'sendrecv');
    }
    return outcome;
  }

  private audioSender(): RTCRtpSender | undefined {
    return this.handler()
      ?.peerConnection?.getSenders()
      .find((sender) => sender.track?.kind === 'audio' || sender.dtmf !== null);
  }

  private handler(): SessionDescriptionHandler | undefined {
    return this.session.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
  }

  private setTransfer(transfer: TransferProgress): void {
    this.update({ transfer });
  }

  private notify(kind: CallNoticeKind, statusCode?: number): void {
    this.update({ notice: { kind, at: Date.now(), ...(statusCode ? { statusCode } : {}) } });
  }

  /**
   * An incoming call that rings and that nobody has begun to answer: the card stays as it is until the
   * 200 OK is on its way (see {@link answer}), so a second click, or the notification's Answer after
   * the card's, must find that SIP.js has left its initial state.
   */
  private ringingUnanswered(): boolean {
    return this.snapshot.state === 'incoming' && this.session.state === SessionState.Initial;
  }

  private moveTo(state: CallState, patch: Partial<CallSnapshot> = {}): void {
    if (state === this.snapshot.state || !canTransition(this.snapshot.state, state)) return;
    this.update({ ...patch, state });
  }

  private update(patch: Partial<CallSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.events.onSnapshot(this.snapshot);
  }
}

/** The status code in a `message/sipfrag` body such as `SIP/2.0 180 Ringing` (RFC 3420). */
export function sipfragStatus(body: string): number | undefined {
  const match = /^SIP\/2\.0\s+(\d{3})/m.exec(body);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function describeRemote(
  session: Session,
  accountId: string,
  direction: CallSnapshot['direction'],
  state: CallState,
  dtmfMode: DtmfMode,
): Omit<CallSnapshot, 'createdAt' | 'muted' | 'held' | 'remoteHeld' | 'dtmfSent' | 'recording'> {
  const identity = session.remoteIdentity;
  return {
    id: session.id,
    accountId,
    direction,
    state,
    dtmfMode,
    remoteUri: identity.uri.toString(),
    remoteDisplayName: identity.displayName ?? '',
    remoteNumber: identity.uri.user ?? identity.uri.toString(),
  };
}
