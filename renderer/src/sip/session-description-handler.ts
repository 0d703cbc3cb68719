import type { Session, SessionDescriptionHandlerFactory } from 'sip.js';
import {
  SessionDescriptionHandler,
  defaultPeerConnectionConfiguration,
  type SessionDescriptionHandlerOptions,
} from 'sip.js/lib/platform/web';
import { applyCodecPreferences, type CodecPreferences } from './codec-preferences';
import {
  ICE_GATHERING_CAP_MS,
  candidateType,
  enoughCandidates,
  iceGatheringPlan,
  type IceCandidateType,
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
}

/**
 * SIP.js's web session description handler with three changes:
 * - codec preferences are set on the transceivers right before each offer or answer is created;
 * - ICE gathering stops as soon as the candidates that matter are in (see `ice-gathering.ts`),
 *   instead of when the browser has heard from every server;
 * - capture uses the user's devices and processing choices.
 */
export class RinglineSessionDescriptionHandler extends SessionDescriptionHandler {
  private gathered: { type: IceCandidateType; at: number }[] = [];
  private gatheringTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    logger: ConstructorParameters<typeof SessionDescriptionHandler>[0],
    private readonly negotiation: MediaNegotiation,
    private readonly plan: IceGatheringPlan,
  ) {
    super(
      logger,
      (constraints) => navigator.mediaDevices.getUserMedia(negotiation.captureConstraints(constraints)),
      {
        iceGatheringTimeout: ICE_GATHERING_CAP_MS,
        peerConnectionConfiguration: {
          ...defaultPeerConnectionConfiguration(),
          iceServers: negotiation.iceServers,
          iceTransportPolicy: negotiation.iceTransportPolicy,
        },
      },
    );
    // SIP.js uses the `on…` handler properties itself; listeners leave them alone. No closure here may
    // capture the peer connection: closures made in one scope share its variables, so the capture
    // factory above would keep the closed connection (and its listeners) alive as long as this handler.
    this.peerConnection?.addEventListener('icecandidate', (event) => this.onCandidate(event.candidate));
    this.peerConnection?.addEventListener('icegatheringstatechange', (event) => {
      // A new gathering round (the first offer or answer, or an ICE restart): count afresh.
      if ((event.target as RTCPeerConnection).iceGatheringState === 'gathering') this.gathered = [];
    });
  }

  /** The camera the user chose (device and nothing else), for video added during a call. */
  cameraConstraints(): MediaTrackConstraints | boolean {
    return this.negotiation.captureConstraints({ video: true }).video ?? true;
  }

  protected override createLocalOfferOrAnswer(
    options?: SessionDescriptionHandlerOptions,
  ): Promise<RTCSessionDescriptionInit> {
    if (this.peerConnection) applyCodecPreferences(this.peerConnection, this.negotiation.codecs);
    return super.createLocalOfferOrAnswer(options);
  }

  /**
   * Also used for re-INVITEs (hold, resume): without an ICE restart no new candidates come, and the
   * ones already gathered are enough at once, even while the browser still hears from its servers.
   */
  protected override waitForIceGatheringComplete(restart = false, timeout = 0): Promise<void> {
    const waiting = super.waitForIceGatheringComplete(restart, timeout);
    // An ICE restart's candidates come after this (their events are tasks, this runs in the same one
    // as setLocalDescription's resolution): the old round's must not count.
    if (restart) this.gathered = [];
    this.checkCandidates();
    return waiting;
  }

  /**
   * Swaps our captured tracks for those of `stream` in place (`RTCRtpSender.replaceTrack`): another
   * microphone or camera mid-call, without a re-INVITE. The old tracks are stopped.
   */
  replaceLocalMedia(stream: MediaStream): Promise<void> {
    return this.setLocalMediaStream(stream);
  }

  override close(): void {
    clearTimeout(this.gatheringTimer);
    super.close();
  }

  private onCandidate(candidate: RTCIceCandidate | null): void {
    const type = candidate ? candidateType(candidate) : undefined;
    if (!type) return;
    this.gathered.push({ type, at: performance.now() });
    this.checkCandidates();
  }

  /** Ends the wait when enough candidates are in; re-checks when the server wait runs out. */
  private checkCandidates(): void {
    const firstHost = this.gathered.find((c) => c.type === 'host')?.at;
    const sinceHost = firstHost === undefined ? undefined : performance.now() - firstHost;
    const types = this.gathered.map((c) => c.type);
    clearTimeout(this.gatheringTimer);
    if (enoughCandidates(this.plan, types, sinceHost)) {
      // Resolves SIP.js's wait (a no-op when nothing waits): the SDP then carries what we have.
      this.iceGatheringComplete();
      return;
    }
    if (sinceHost !== undefined && this.plan.reflexive) {
      this.gatheringTimer = setTimeout(() => this.checkCandidates(), 50);
    }
  }
}

/** A SIP.js factory making {@link RinglineSessionDescriptionHandler}s for one account. */
export function ringlineSessionDescriptionHandlerFactory(
  negotiation: MediaNegotiation,
): SessionDescriptionHandlerFactory {
  const plan = iceGatheringPlan(negotiation.iceServers, negotiation.iceTransportPolicy);
  return (session: Session) =>
    new RinglineSessionDescriptionHandler(
      session.userAgent.getLogger('sip.SessionDescriptionHandler'),
      negotiation,
      plan,
    );
}
