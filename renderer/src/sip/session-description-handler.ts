import type { BodyAndContentType, Session, SessionDescriptionHandlerFactory, UserAgent } from 'sip.js';
import {
  SessionDescriptionHandler,
  defaultPeerConnectionConfiguration,
  type SessionDescriptionHandlerOptions,
} from 'sip.js/lib/platform/web';
import { microphoneGranted, watchMicrophonePermission } from '../media/microphone-permission';
import { applyCodecPreferences, type CodecPreferences } from './codec-preferences';
import { dtlsCertificate, prepareDtlsCertificate } from './dtls-certificate';
import { holdCandidates } from './held-candidates';
import {
  ICE_GATHERING_CAP_MS,
  MEDIA_CANDIDATE_WAIT_MS,
  candidateType,
  gatheringVerdict,
  iceGatheringPlan,
  serverCandidateWait,
  type GatheredCandidate,
  type IceGatheringPlan,
} from './ice-gathering';

/** What a call's media negotiation needs from the account and the user's device choices. */
export interface MediaNegotiation {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  codecs: CodecPreferences;
  /**
   * Turns the constraints SIP.js asks for (`{ audio: true }`) into the ones to capture with: the
   * chosen microphone and camera, echo cancellation, noise suppression, auto gain. Read at each
   * capture, so a change in settings applies to the next call without re-registering.
   */
  captureConstraints(requested: MediaStreamConstraints): MediaStreamConstraints;
  /** Opens the devices: `getUserMedia` unless given (the unit tests give a generated tone). */
  capture?(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /**
   * Whether capture may first ask the user (a permission prompt): then the offer or answer waits
   * for it, so nobody is called or answered before the user has allowed the microphone. Without
   * it, the browser's microphone permission decides (see `microphone-permission.ts`).
   */
  captureMayAsk?(): boolean;
}

/** SIP.js's SDH options plus ours. */
export interface RinglineSessionDescriptionHandlerOptions extends SessionDescriptionHandlerOptions {
  /**
   * Capture with the microphone's tracks disabled (they send silence): for an answer that goes out
   * before the user answers, in a reliable 180 (RFC 3262 §5), so nothing of the room reaches the
   * caller while the phone only rings. The call enables them once it is answered.
   */
  captureMuted?: boolean;
}

type MediaKind = 'audio' | 'video';

/**
 * SIP.js's web session description handler, changed so that a call is set up as fast as the network
 * allows:
 * - **capture runs beside negotiation**: the offer or answer is made on transceivers that have no
 *   track yet, and the captured tracks are attached with `RTCRtpSender.replaceTrack` when capture
 *   resolves (no renegotiation: a sendrecv m-line needs no track, WebRTC 1.0 §5.2). Chromium sends
 *   no RTP on a sender without a track, so the far end's first packet already carries our audio.
 *   When the browser would first ask the user (see `microphone-permission.ts`), capture comes first;
 * - **gathering stops as soon as the candidates that matter are in** (see `ice-gathering.ts`),
 *   instead of when the browser has heard from every server; but no offer or answer goes out
 *   without a candidate to carry its media;
 * - an incoming call's offer can be applied while it rings ({@link prepareRemoteOffer});
 * - codec preferences are set on the transceivers right before each offer or answer is created;
 * - capture uses the user's devices and processing choices, and can start muted (see
 *   {@link RinglineSessionDescriptionHandlerOptions.captureMuted}).
 */
export class RinglineSessionDescriptionHandler extends SessionDescriptionHandler {
  /** Our candidates so far, each with the ICE username fragment (gathering round) it belongs to. */
  private readonly gathered: (GatheredCandidate & { at: number; ufrag: string | null })[] = [];
  private gatheringTimer: ReturnType<typeof setTimeout> | undefined;
  /** The offer or answer being made, waiting for its candidates ({@link waitForIceGatheringComplete}). */
  private gatheringWait: GatheringWait | undefined;
  /** When our last local description was set, and when the browser last finished gathering. */
  private localDescriptionSetAt = Number.NEGATIVE_INFINITY;
  private gatheringCompletedAt = Number.NEGATIVE_INFINITY;
  /**
   * When each gathering round (ICE username fragment) began: its first local description, which is
   * when Chromium opens its sockets and asks the STUN/TURN servers.
   */
  private readonly roundStarts = new Map<string, number>();

  /** The sender each kind of our media goes out on, chosen by the first offer or answer. */
  private readonly senders = new Map<MediaKind, RTCRtpSender>();
  /** Captured tracks whose sender does not exist yet (the offer or answer that makes it is to come). */
  private readonly unattached = new Map<MediaKind, MediaStreamTrack>();
  /** Kinds captured or being captured; SIP.js asks again at each offer/answer. */
  private readonly capturing = new Set<MediaKind>();
  private closed = false;
  private readonly firstCapture = deferred();
  /** The incoming call's offer, applied while it rang; SIP.js sets it again when the call is answered. */
  private preparedRemoteOffer: { sdp: string; applied: Promise<void> } | undefined;
  /** Whether our answer to it was set while it rang (see {@link prepareRemoteOffer}). */
  private answeredAhead: Promise<boolean> | undefined;
  /** The caller's candidates, held back from the prepared offer until the call is answered. */
  private heldCandidates: RTCIceCandidateInit[] = [];
  /** An outgoing call's offer, set before the call was placed ({@link prepareLocalOffer}). */
  private preparedOffer: Promise<boolean> | undefined;
  /** The prepared offer did not fit the call: the next offer replaces it while it is still pending. */
  private replacingPreparedOffer = false;

  constructor(
    logger: ConstructorParameters<typeof SessionDescriptionHandler>[0],
    private readonly negotiation: MediaNegotiation,
    private readonly plan: IceGatheringPlan,
  ) {
    super(
      logger,
      async (constraints, _handler, options?: RinglineSessionDescriptionHandlerOptions) => {
        const wanted = negotiation.captureConstraints(constraints);
        const stream = await (negotiation.capture
          ? negotiation.capture(wanted)
          : navigator.mediaDevices.getUserMedia(wanted));
        if (options?.captureMuted) for (const track of stream.getAudioTracks()) track.enabled = false;
        return stream;
      },
      {
        peerConnectionConfiguration: {
          ...defaultPeerConnectionConfiguration(),
          iceServers: negotiation.iceServers,
          iceTransportPolicy: negotiation.iceTransportPolicy,
          // No candidate pool (`iceCandidatePoolSize`): gathering starts at setLocalDescription. With
          // a pool of 1, Chromium 156 here sometimes put none of the pooled candidates into an
          // offer's first m-line (4 offers in 50) and, under load, an answer set right after the peer
          // connection was made gathered nothing at all (about 1 call in 10; none in 20 without the
          // pool). An outgoing call still gathers while the number is typed (`prepareLocalOffer`).
          ...withCertificate(dtlsCertificate()),
        },
      },
    );
    // Nobody may be listening yet (the call ends before it captures): never an unhandled rejection.
    this.firstCapture.promise.catch(() => undefined);
    // SIP.js uses the `on…` handler properties itself; listeners leave them alone. No closure here may
    // capture the peer connection: closures made in one scope share its variables, so the capture
    // factory above would keep the closed connection (and its listeners) alive as long as this handler.
    this.peerConnection?.addEventListener('icecandidate', (event) => this.onCandidate(event.candidate));
    this.peerConnection?.addEventListener('icegatheringstatechange', () => this.onGatheringState());
  }

  /**
   * Settles once our first captured media is on the call (or known to be refused): a call whose
   * offer or answer went out before capture must end when capture fails.
   */
  get localMedia(): Promise<void> {
    return this.firstCapture.promise;
  }

  /** The camera the user chose (device and nothing else), for video added during a call. */
  cameraConstraints(): MediaTrackConstraints | boolean {
    return this.negotiation.captureConstraints({ video: true }).video ?? true;
  }

  /**
   * Negotiates an incoming call while it rings, all but the consent: the offer is applied without the
   * caller's candidates, and our answer is made and set, so our candidates are gathered (STUN and TURN
   * included) before the user answers. Nothing is captured and nothing reaches the caller: with no
   * remote candidate, our ICE agent has nothing to check (see `held-candidates.ts`). Answering then
   * captures, gives the held candidates to the connection (the checks start) and sends the answer
   * with the candidates already gathered. When the call is answered, SIP.js sets the same offer
   * again; it is not applied twice.
   */
  prepareRemoteOffer(sdp: string): Promise<void> {
    const held = holdCandidates(sdp);
    this.heldCandidates = held.candidates;
    const applied = this.setRemoteSessionDescription({ type: 'offer', sdp: held.sdp });
    this.preparedRemoteOffer = { sdp, applied };
    this.answeredAhead = applied.then(
      () => this.answerAhead(),
      () => false,
    );
    return applied;
  }

  /**
   * Makes and sets an outgoing audio call's offer before the call is placed (the user is entering
   * the number): the INVITE can then leave the moment they dial, with the candidates gathered
   * meanwhile. Nothing is captured and nothing is sent; SIP.js's first offer takes this one.
   */
  prepareLocalOffer(): Promise<boolean> {
    this.preparedOffer = (async () => {
      const peerConnection = this.peerConnection;
      if (!peerConnection || peerConnection.signalingState !== 'stable') return false;
      this.chooseSenders(peerConnection, ['audio']);
      applyCodecPreferences(peerConnection, this.negotiation.codecs);
      const offer = await peerConnection.createOffer();
      const setAt = (this.localDescriptionSetAt = performance.now());
      await peerConnection.setLocalDescription(offer);
      this.noteRound(setAt);
      return true;
    })().catch(() => false);
    return this.preparedOffer;
  }

  override async getDescription(
    options?: SessionDescriptionHandlerOptions,
    modifiers?: Parameters<SessionDescriptionHandler['getDescription']>[1],
  ): Promise<BodyAndContentType> {
    const answered = await this.answeredAhead;
    this.answeredAhead = undefined;
    if (answered && this.peerConnection?.signalingState === 'stable') {
      // Made and set while it rang, as answering would have made it: audio both ways on the offered
      // transceiver, codecs in our order (Ringline answers with audio; video follows by re-INVITE).
      return this.descriptionSetAhead(options, () => this.releaseHeldCandidates());
    }
    const prepared = await this.preparedOffer;
    this.preparedOffer = undefined;
    this.replacingPreparedOffer = false;
    const peerConnection = this.peerConnection;
    if (prepared && peerConnection?.signalingState === 'have-local-offer') {
      // Only an audio call takes the prepared offer as it is (a video call adds its video first).
      const asPrepared =
        !modifiers?.length &&
        !options?.offerOptions?.iceRestart &&
        !options?.constraints?.video &&
        peerConnection.getTransceivers().length === 1;
      if (asPrepared) return this.descriptionSetAhead(options);
      // Not rolled back: a new offer may replace a pending one (RFC 8829 §4.1.8.1), and keeps its
      // ICE transport and the candidates gathered so far. After a rollback of an offer whose
      // gathering had just begun, Chromium 156 here often gathered nothing for the next offer.
      this.replacingPreparedOffer = true;
    }
    return super.getDescription(options, modifiers);
  }

  /**
   * The local description set ahead (the answer made while ringing, or the offer prepared before
   * dialling), sent once our media is attached, `beforeGathering` has run and its candidates are in.
   */
  private async descriptionSetAhead(
    options: SessionDescriptionHandlerOptions | undefined,
    beforeGathering?: () => Promise<void>,
  ): Promise<BodyAndContentType> {
    await this.getLocalMediaStream(options);
    await beforeGathering?.();
    await this.waitForIceGatheringComplete();
    const description = this.peerConnection?.localDescription;
    if (!description) throw new Error('Failed to get local session description');
    return { body: description.sdp, contentType: 'application/sdp' };
  }

  override setDescription(
    sdp: string,
    options?: SessionDescriptionHandlerOptions,
    modifiers?: Parameters<SessionDescriptionHandler['setDescription']>[2],
  ): Promise<void> {
    const prepared = this.preparedRemoteOffer;
    this.preparedRemoteOffer = undefined;
    if (prepared?.sdp === sdp && !modifiers?.length) {
      // Applied while ringing; should that have failed, applying it again (candidates and all)
      // reports why.
      return prepared.applied.then(
        () => this.getLocalMediaStream(options),
        () => {
          this.heldCandidates = [];
          return super.setDescription(sdp, options, modifiers);
        },
      );
    }
    return super.setDescription(sdp, options, modifiers);
  }

  /**
   * Starts capturing what SIP.js asks for (it asks at every offer and answer; only new kinds are
   * captured, as SIP.js ignores "downgrades" too). Resolves at once unless the browser may ask the
   * user first: the tracks go onto the call when they come (see {@link attach}).
   */
  protected override getLocalMediaStream(options?: SessionDescriptionHandlerOptions): Promise<void> {
    if (!this.peerConnection) return Promise.reject(new Error('Peer connection closed.'));
    const requested = options?.constraints ?? { audio: true };
    const kinds = (['audio', 'video'] as const).filter((kind) => requested[kind]);
    const fresh = kinds.filter((kind) => !this.capturing.has(kind));
    if (fresh.length === 0) return Promise.resolve();
    for (const kind of fresh) this.capturing.add(kind);
    const constraints = { audio: fresh.includes('audio'), video: fresh.includes('video') };
    const capture = this.mediaStreamFactory(constraints, this, options).then((stream) =>
      this.useCapturedStream(stream),
    );
    capture.then(this.firstCapture.resolve, this.firstCapture.reject);
    // The camera has a permission of its own, not followed here: a capture with video may ask.
    const mayAsk =
      fresh.includes('video') ||
      (this.negotiation.captureMayAsk ? this.negotiation.captureMayAsk() : !microphoneGranted());
    return mayAsk ? capture : Promise.resolve();
  }

  /**
   * Sets our captured tracks: each goes onto its kind's sender with `replaceTrack` (the previous
   * track is stopped), or waits for the offer or answer that makes the sender. Also used when the
   * user switches devices mid-call ({@link replaceLocalMedia}).
   */
  protected override setLocalMediaStream(stream: MediaStream): Promise<void> {
    return this.useCapturedStream(stream);
  }

  /** A prepared offer being replaced keeps its transceivers' directions: a first offer's, sendrecv. */
  protected override updateDirection(options?: SessionDescriptionHandlerOptions): Promise<void> {
    if (this.replacingPreparedOffer) return Promise.resolve();
    return super.updateDirection(options);
  }

  protected override async createLocalOfferOrAnswer(
    options?: SessionDescriptionHandlerOptions,
  ): Promise<RTCSessionDescriptionInit> {
    const peerConnection = this.peerConnection;
    if (!peerConnection) return super.createLocalOfferOrAnswer(options);
    this.chooseSenders(peerConnection, this.capturing);
    if (this.replacingPreparedOffer) {
      this.replacingPreparedOffer = false;
      applyCodecPreferences(peerConnection, this.negotiation.codecs);
      // SIP.js makes offers only in the stable state.
      return peerConnection.createOffer(options?.offerOptions);
    }
    applyCodecPreferences(peerConnection, this.negotiation.codecs);
    return super.createLocalOfferOrAnswer(options);
  }

  protected override async setLocalSessionDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const setAt = (this.localDescriptionSetAt = performance.now());
    await super.setLocalSessionDescription(description);
    this.noteRound(setAt);
    // The prepared offer's answer could not be set while it rang: it is set now, the checks may start.
    await this.releaseHeldCandidates();
  }

  /** Gives the caller's held candidates to the connection (see {@link prepareRemoteOffer}). */
  private async releaseHeldCandidates(): Promise<void> {
    const peerConnection = this.peerConnection;
    const held = this.heldCandidates;
    this.heldCandidates = [];
    if (!peerConnection) return;
    for (const candidate of held) {
      // One the browser cannot use is left out, as it would have been in the offer itself.
      await peerConnection.addIceCandidate(candidate).catch(() => undefined);
    }
  }

  private noteRound(setAt: number): void {
    const ufrag = iceUfrag(this.peerConnection?.localDescription?.sdp);
    if (ufrag !== undefined && !this.roundStarts.has(ufrag)) this.roundStarts.set(ufrag, setAt);
  }

  /**
   * Waits until the SDP just set may go with the candidates gathered so far (see `gatheringVerdict`),
   * instead of SIP.js's wait, which sends it at its timeout whatever it has, even no candidate at all.
   * Rejects when no candidate has come by the last bound, so the call fails with a reason rather than
   * connecting without sound.
   *
   * Also used for re-INVITEs (hold, resume): without an ICE restart no new candidates come, and the
   * ones already gathered are enough at once, even while the browser still hears from its servers.
   */
  protected override waitForIceGatheringComplete(): Promise<void> {
    if (!this.peerConnection) return Promise.reject(new Error('Peer connection closed.'));
    // Only one SDP is made at a time; as in SIP.js, a newer one supersedes an older one's wait.
    this.gatheringWait?.reject(new Error('Promise superseded.'));
    return new Promise<void>((resolve, reject) => {
      this.gatheringWait = { since: performance.now(), resolve, reject };
      this.checkCandidates();
    });
  }

  /**
   * Swaps our captured tracks for those of `stream` in place (`RTCRtpSender.replaceTrack`): another
   * microphone or camera mid-call, without a re-INVITE. The old tracks are stopped.
   */
  replaceLocalMedia(stream: MediaStream): Promise<void> {
    return this.setLocalMediaStream(stream);
  }

  override close(): void {
    this.closed = true;
    clearTimeout(this.gatheringTimer);
    // Left unsettled, as SIP.js leaves its own wait: the call is over and nothing more is sent.
    this.gatheringWait = undefined;
    for (const track of this.unattached.values()) track.stop();
    this.unattached.clear();
    this.firstCapture.reject(new Error('the call ended before its media was captured'));
    super.close();
  }

  /**
   * Makes and sets the answer to the prepared offer as answering would make it: audio to be sent and
   * received (SIP.js answers an offer's direction with it), on the offered transceiver, codecs in our
   * order. Setting it starts gathering; the caller's candidates are held back, so no check is sent.
   */
  private async answerAhead(): Promise<boolean> {
    const peerConnection = this.peerConnection;
    if (!peerConnection || peerConnection.signalingState !== 'have-remote-offer') return false;
    try {
      await this.updateDirection({});
      this.chooseSenders(peerConnection, ['audio']);
      applyCodecPreferences(peerConnection, this.negotiation.codecs);
      const answer = await peerConnection.createAnswer();
      const setAt = (this.localDescriptionSetAt = performance.now());
      await peerConnection.setLocalDescription(answer);
      this.noteRound(setAt);
      return true;
    } catch {
      // Answering makes it then, and reports what is wrong.
      return false;
    }
  }

  /**
   * Picks the transceiver each of `kinds` is sent on, once per kind: in an answer, the one the
   * offer made; in an offer, one added now (or one added for us before, such as the audio
   * transceiver a video call adds first so that audio stays the first m-line).
   */
  private chooseSenders(peerConnection: RTCPeerConnection, kinds: Iterable<MediaKind>): void {
    for (const kind of kinds) {
      if (this.senders.has(kind)) continue;
      const free = peerConnection
        .getTransceivers()
        .find(
          (transceiver) =>
            transceiver.receiver.track.kind === kind &&
            transceiver.direction !== 'stopped' &&
            transceiver.currentDirection !== 'stopped' &&
            transceiver.sender.track === null,
        );
      const transceiver =
        free ??
        (peerConnection.signalingState === 'stable'
          ? peerConnection.addTransceiver(kind, { direction: 'sendrecv' })
          : undefined);
      // An answer to an offer without this kind of stream: there is nothing to send it on.
      if (!transceiver) continue;
      // a=msid names our stream, as addTrack(track, stream) would.
      transceiver.sender.setStreams(this.localMediaStream);
      this.senders.set(kind, transceiver.sender);
      const waiting = this.unattached.get(kind);
      if (waiting) {
        this.unattached.delete(kind);
        void this.attach(kind, waiting);
      }
    }
  }

  private async useCapturedStream(stream: MediaStream): Promise<void> {
    const tracks = [stream.getAudioTracks()[0], stream.getVideoTracks()[0]];
    await Promise.all(
      tracks.map((track) => (track ? this.attach(track.kind as MediaKind, track) : undefined)),
    );
  }

  /** Puts `track` on its kind's sender, or keeps it until the sender exists. */
  private async attach(kind: MediaKind, track: MediaStreamTrack): Promise<void> {
    if (this.closed) {
      // Captured after the call ended (declined, cancelled, hung up): the device goes off at once.
      track.stop();
      return;
    }
    const sender = this.senders.get(kind);
    if (!sender) {
      this.unattached.get(kind)?.stop();
      this.unattached.set(kind, track);
      return;
    }
    await sender.replaceTrack(track);
    const local = this.localMediaStream;
    for (const old of local.getTracks()) {
      if (old.kind !== kind || old === track) continue;
      old.stop();
      local.removeTrack(old);
      local.dispatchEvent(new MediaStreamTrackEvent('removetrack', { track: old }));
    }
    if (!local.getTrackById(track.id)) {
      local.addTrack(track);
      local.dispatchEvent(new MediaStreamTrackEvent('addtrack', { track }));
    }
    // The call may have ended while replaceTrack ran.
    if (this.closed) track.stop();
  }

  /** The mids of each ICE transport the transceivers use (several when bundled). */
  private transportsInUse(): string[][] {
    const transports = new Map<RTCDtlsTransport, string[]>();
    for (const transceiver of this.peerConnection?.getTransceivers() ?? []) {
      const transport = transceiver.sender.transport;
      if (transceiver.currentDirection === 'stopped' || transceiver.mid === null || !transport) continue;
      transports.set(transport, [...(transports.get(transport) ?? []), transceiver.mid]);
    }
    return [...transports.values()];
  }

  private onCandidate(candidate: RTCIceCandidate | null): void {
    const type = candidate ? candidateType(candidate) : undefined;
    if (!candidate || !type) return;
    this.gathered.push({
      type,
      protocol: candidate.protocol,
      mid: candidate.sdpMid,
      at: performance.now(),
      ufrag: candidate.usernameFragment,
    });
    this.checkCandidates();
  }

  private onGatheringState(): void {
    if (this.peerConnection?.iceGatheringState === 'complete') this.gatheringCompletedAt = performance.now();
    this.checkCandidates();
  }

  /**
   * Ends the wait when the candidates of the current round allow it (see `gatheringVerdict`); runs at
   * each candidate, at each gathering state change, and when one of the waits runs out. The round is
   * the local description's ICE username fragment: an ICE restart (ours or the far end's) starts a new
   * one.
   */
  private checkCandidates(): void {
    clearTimeout(this.gatheringTimer);
    const wait = this.gatheringWait;
    const peerConnection = this.peerConnection;
    if (!wait || !peerConnection) return;
    const ufrag = iceUfrag(peerConnection.localDescription?.sdp);
    const round = this.gathered.filter((c) => ufrag === undefined || c.ufrag === null || c.ufrag === ufrag);
    const [roundFirst] = round;
    const now = performance.now();
    const asked = (ufrag === undefined ? undefined : this.roundStarts.get(ufrag)) ?? roundFirst?.at;
    const sinceAsked = asked === undefined ? undefined : now - asked;
    // "complete" still describes the previous round until the browser starts gathering the new one
    // (the far end restarted ICE): it counts once this round has a candidate or ended after it began.
    const complete =
      peerConnection.iceGatheringState === 'complete' &&
      (round.length > 0 || this.gatheringCompletedAt >= this.localDescriptionSetAt);
    const waited = now - wait.since;
    const verdict = gatheringVerdict(this.plan, round, this.transportsInUse(), sinceAsked, waited, complete);
    if (verdict !== 'wait') {
      this.gatheringWait = undefined;
      if (verdict === 'send') wait.resolve();
      else
        wait.reject(
          new Error('no ICE candidate was gathered: there is no network address to receive media on'),
        );
      return;
    }
    // Without a new candidate, the verdict changes only when one of the waits runs out.
    const serverWaitLeft =
      sinceAsked !== undefined && this.plan.reflexive ? serverCandidateWait(this.plan) - sinceAsked : 0;
    const next = [
      serverWaitLeft,
      ICE_GATHERING_CAP_MS - waited,
      ICE_GATHERING_CAP_MS + MEDIA_CANDIDATE_WAIT_MS - waited,
    ]
      .filter((left) => left > 0)
      .reduce((soonest, left) => Math.min(soonest, left), Number.POSITIVE_INFINITY);
    if (Number.isFinite(next)) this.gatheringTimer = setTimeout(() => this.checkCandidates(), next);
  }
}

/** An offer or answer waiting for its candidates. */
interface GatheringWait {
  since: number;
  resolve(): void;
  reject(error: Error): void;
}

function iceUfrag(sdp: string | undefined): string | undefined {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp ?? '')?.[1];
}

function withCertificate(certificate: RTCCertificate | undefined): Pick<RTCConfiguration, 'certificates'> {
  return certificate ? { certificates: [certificate] } : {};
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/**
 * Makes the {@link RinglineSessionDescriptionHandler}s of one account. SIP.js calls {@link create}
 * when a call needs one; {@link prepare} makes an incoming call's handler earlier, while it rings
 * (see `answer-prework.ts`), and SIP.js is handed that one when the call is answered.
 */
export class RinglineSessionDescriptionHandlerFactory {
  private readonly plan: IceGatheringPlan;
  private readonly prepared = new WeakMap<Session, RinglineSessionDescriptionHandler>();

  constructor(private readonly negotiation: MediaNegotiation) {
    this.plan = iceGatheringPlan(negotiation.iceServers, negotiation.iceTransportPolicy);
    watchMicrophonePermission();
    prepareDtlsCertificate();
  }

  /** For SIP.js's `sessionDescriptionHandlerFactory` option. */
  readonly create: SessionDescriptionHandlerFactory = (session) => {
    const prepared = this.prepared.get(session);
    if (prepared) {
      this.prepared.delete(session);
      return prepared;
    }
    return this.make(session.userAgent);
  };

  /** A handler for a call not placed yet (see {@link RinglineSessionDescriptionHandler.prepareLocalOffer}). */
  ahead(userAgent: UserAgent): RinglineSessionDescriptionHandler {
    return this.make(userAgent);
  }

  /**
   * Makes `session`'s handler before SIP.js asks for it, or hands it one made {@link ahead}. Until
   * SIP.js takes it ({@link isPrepared} turns false), closing it is the caller's job.
   */
  prepare(session: Session, handler = this.make(session.userAgent)): RinglineSessionDescriptionHandler {
    this.prepared.set(session, handler);
    return handler;
  }

  /** Whether `session` has a prepared handler that SIP.js has not taken. */
  isPrepared(session: Session): boolean {
    return this.prepared.has(session);
  }

  /** Drops a prepared handler SIP.js never took (the call ended while ringing) and closes it. */
  discard(session: Session): void {
    this.prepared.get(session)?.close();
    this.prepared.delete(session);
  }

  private make(userAgent: UserAgent): RinglineSessionDescriptionHandler {
    return new RinglineSessionDescriptionHandler(
      userAgent.getLogger('sip.SessionDescriptionHandler'),
      this.negotiation,
      this.plan,
    );
  }
}
