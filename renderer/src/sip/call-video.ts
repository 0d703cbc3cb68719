import { openCamera } from '../media/camera';
import type { CallNoticeKind, CallVideoState, VideoSource } from './call-state';

/** What the video part of a call needs from the call: its peer connection and a way to re-INVITE. */
export interface VideoSignalling {
  peerConnection(): RTCPeerConnection | undefined;
  /**
   * Sends a re-INVITE with a fresh offer of the peer connection's transceivers. On a refusal the
   * local offer is rolled back after `beforeRollback` ran.
   */
  renegotiate(beforeRollback?: () => void): Promise<{ ok: boolean; statusCode?: number }>;
  /** The call is established and not (being) put on hold, so a re-INVITE may be sent. */
  canRenegotiate(): boolean;
  report(video: CallVideoState): void;
  notify(kind: CallNoticeKind, statusCode?: number): void;
  /** The camera the user chose, as getUserMedia video constraints. */
  cameraConstraints(): MediaTrackConstraints | boolean;
}

/** The streams a call shows: what we send (self view) and what the far end sends (remote view). */
export interface CallVideoStreams {
  local: MediaStream;
  remote: MediaStream;
}

/**
 * The video of one call, on top of SIP.js's Web SessionDescriptionHandler.
 *
 * SIP.js keeps one local stream per call and ignores constraint "downgrades", so it can add a video
 * sender but never remove one. The video transceiver is therefore managed here directly:
 * - adding video: a `sendrecv` video transceiver is added, then a re-INVITE offers it (SIP.js's offer
 *   keeps every transceiver's direction, and its hold flag still maps sendrecv to sendonly);
 * - removing video: the transceiver is stopped, so the next offer carries `m=video 0` (RFC 3264 §8.2);
 * - camera on/off and screen sharing: `RTCRtpSender.replaceTrack`, no signalling at all, because the
 *   negotiated direction stays `sendrecv` whether or not a track is attached.
 * When the far end adds video, SIP.js answers every transceiver with the audio's direction, so the new
 * video transceiver is `sendrecv` without a track: we receive its video and the camera stays off until
 * the user turns it on. A phone that cannot do video declines the stream with port 0; the call goes on
 * as audio.
 */
export class CallVideoMedia {
  private readonly local = new MediaStream();
  private readonly remote = new MediaStream();
  private sending: VideoSource = 'none';
  private pending: CallVideoState['pending'];
  /** The camera was on when screen sharing started, so stopping the share turns it back on. */
  private cameraBeforeShare = false;
  /** Video was added to an audio call only to share the screen; stopping the share removes it. */
  private addedForShare = false;
  private watchedRemote: MediaStreamTrack | undefined;
  private state: CallVideoState;

  constructor(
    private readonly signalling: VideoSignalling,
    offered: boolean,
  ) {
    this.state = { offered, active: false, sending: 'none', receiving: false };
  }

  streams(): CallVideoStreams {
    return { local: this.local, remote: this.remote };
  }

  current(): CallVideoState {
    return this.state;
  }

  /**
   * For a video call we place: adds the video transceiver before SIP.js creates the first offer (it
   * runs synchronously from the session's `onSessionDescriptionHandler`) and attaches the camera once
   * it is open, so dialling does not wait for the camera.
   */
  offerVideoAtStart(peerConnection: RTCPeerConnection): void {
    // SIP.js adds the microphone only after this hook. An audio transceiver made first keeps audio as
    // the first m-line (SIP.js's answer logic and desk phones read the first one); SIP.js's
    // `addTrack` then reuses it, as addTrack reuses a same-kind transceiver that never sent (W3C
    // webrtc-pc §5.1 addTrack).
    peerConnection.addTransceiver('audio', { direction: 'sendrecv' });
    const transceiver = peerConnection.addTransceiver('video', { direction: 'sendrecv' });
    void this.attachCamera(transceiver.sender);
  }

  /** After answering a video call with video: the camera goes onto the answered video stream. */
  async startCameraAfterAnswer(): Promise<void> {
    const sender = this.liveTransceiver()?.sender;
    if (sender) await this.attachCamera(sender);
  }

  /** Re-reads the negotiated session; called after every offer/answer exchange. */
  refresh(): void {
    const transceiver = this.liveTransceiver();
    if (!transceiver && this.sending !== 'none') this.releaseLocal();
    const receives =
      transceiver?.currentDirection === 'sendrecv' || transceiver?.currentDirection === 'recvonly';
    const track = receives ? transceiver?.receiver.track : undefined;
    for (const old of this.remote.getVideoTracks()) if (old !== track) this.remote.removeTrack(old);
    if (track && !this.remote.getTrackById(track.id)) this.remote.addTrack(track);
    this.watchRemote(track);
    this.publish({ active: transceiver !== undefined, receiving: track !== undefined && !track.muted });
  }

  /** Turns our camera on or off; on an audio-only call, turning it on adds video by re-INVITE. */
  async setCamera(on: boolean): Promise<void> {
    if (this.pending) return;
    const transceiver = this.liveTransceiver();
    if (!on) {
      if (this.sending === 'camera' && transceiver) await this.detach(transceiver.sender);
      return;
    }
    if (transceiver) {
      await this.attachCamera(transceiver.sender);
      return;
    }
    const camera = await this.open(() => openCamera(this.signalling.cameraConstraints()), 'camera-failed');
    if (camera) await this.addVideo(camera, 'camera');
  }

  /** Removes the video stream from the call by re-INVITE; the call goes on as audio only. */
  async removeVideo(): Promise<void> {
    const transceiver = this.liveTransceiver();
    if (this.pending || !transceiver || !this.signalling.canRenegotiate()) return;
    this.pending = 'removing';
    this.addedForShare = false;
    transceiver.stop();
    this.releaseLocal();
    this.publish({});
    await this.signalling.renegotiate();
    this.pending = undefined;
    this.refresh();
  }

  /**
   * Sends `screen` (a display-capture track) as our video: on the existing video stream, or added by
   * re-INVITE when the call is audio only. When the user ends the capture from the browser or OS
   * (the track ends), sharing stops as if they pressed Stop sharing.
   */
  async shareScreen(screen: MediaStreamTrack): Promise<void> {
    if (this.pending) {
      screen.stop();
      return;
    }
    screen.addEventListener('ended', () => void this.stopSharing(screen), { once: true });
    const transceiver = this.liveTransceiver();
    if (transceiver) {
      this.cameraBeforeShare = this.sending === 'camera';
      await this.attach(transceiver.sender, screen, 'screen');
      return;
    }
    this.cameraBeforeShare = false;
    this.addedForShare = true;
    await this.addVideo(screen, 'screen');
  }

  /** Stops sharing: back to the camera if it was on, else no video (removed if added for the share). */
  async stopSharing(screen?: MediaStreamTrack): Promise<void> {
    if (this.sending !== 'screen') return;
    if (screen && !this.local.getTrackById(screen.id)) return;
    if (this.addedForShare) {
      await this.removeVideo();
      return;
    }
    const sender = this.liveTransceiver()?.sender;
    if (!sender) return;
    if (this.cameraBeforeShare) await this.attachCamera(sender);
    else await this.detach(sender);
  }

  /** The call ended: the camera and any capture are released. */
  close(): void {
    this.releaseLocal();
    this.watchRemote(undefined);
  }

  private async addVideo(track: MediaStreamTrack, source: VideoSource): Promise<void> {
    const peerConnection = this.signalling.peerConnection();
    if (!peerConnection || !this.signalling.canRenegotiate()) {
      track.stop();
      return;
    }
    this.pending = 'adding';
    const transceiver = peerConnection.addTransceiver(track, { direction: 'sendrecv' });
    this.useLocal(track, source);
    this.publish({});
    // A refused offer must not leave the new transceiver behind to be offered again by the next hold.
    const outcome = await this.signalling.renegotiate(() => transceiver.stop());
    this.pending = undefined;
    this.refresh();
    if (!outcome.ok || !this.liveTransceiver()) {
      this.addedForShare = false;
      this.signalling.notify('video-refused', outcome.statusCode);
    }
  }

  private async attachCamera(sender: RTCRtpSender): Promise<void> {
    const camera = await this.open(() => openCamera(this.signalling.cameraConstraints()), 'camera-failed');
    if (!camera) return;
    // The far end may have declined or removed video while the camera was opening.
    if (this.liveTransceiver()?.sender !== sender) {
      camera.stop();
      return;
    }
    await this.attach(sender, camera, 'camera');
  }

  private async attach(sender: RTCRtpSender, track: MediaStreamTrack, source: VideoSource): Promise<void> {
    try {
      await sender.replaceTrack(track);
    } catch {
      track.stop();
      this.signalling.notify(source === 'screen' ? 'screen-share-failed' : 'camera-failed');
      return;
    }
    if (this.sending === 'screen' && source !== 'screen') this.addedForShare = false;
    this.useLocal(track, source);
    this.publish({});
  }

  private async detach(sender: RTCRtpSender): Promise<void> {
    await sender.replaceTrack(null).catch(() => undefined);
    this.releaseLocal();
    this.publish({});
  }

  private async open(
    acquire: () => Promise<MediaStreamTrack>,
    failure: CallNoticeKind,
  ): Promise<MediaStreamTrack | undefined> {
    try {
      return await acquire();
    } catch {
      this.signalling.notify(failure);
      return undefined;
    }
  }

  /** The one track in the self view is the one we send; the previous one is stopped (camera light off). */
  private useLocal(track: MediaStreamTrack, source: VideoSource): void {
    for (const old of this.local.getVideoTracks()) {
      if (old === track) continue;
      old.stop();
      this.local.removeTrack(old);
    }
    if (!this.local.getTrackById(track.id)) this.local.addTrack(track);
    this.sending = source;
  }

  private releaseLocal(): void {
    for (const track of this.local.getVideoTracks()) {
      track.stop();
      this.local.removeTrack(track);
    }
    this.sending = 'none';
  }

  /**
   * Chromium mutes a received track until its first frame and while nothing arrives, so the remote
   * view follows the far end's camera without any signalling.
   */
  private watchRemote(track: MediaStreamTrack | undefined): void {
    if (track === this.watchedRemote) return;
    this.watchedRemote?.removeEventListener('mute', this.onRemoteMute);
    this.watchedRemote?.removeEventListener('unmute', this.onRemoteMute);
    this.watchedRemote = track;
    track?.addEventListener('mute', this.onRemoteMute);
    track?.addEventListener('unmute', this.onRemoteMute);
  }

  private readonly onRemoteMute = (): void => {
    this.publish({ receiving: this.watchedRemote !== undefined && !this.watchedRemote.muted });
  };

  /** The video transceiver in use: not stopped and not being stopped. */
  private liveTransceiver(): RTCRtpTransceiver | undefined {
    const peerConnection = this.signalling.peerConnection();
    if (!peerConnection || peerConnection.signalingState === 'closed') return undefined;
    return peerConnection
      .getTransceivers()
      .find(
        (t) =>
          t.receiver.track.kind === 'video' && t.direction !== 'stopped' && t.currentDirection !== 'stopped',
      );
  }

  private publish(patch: Partial<CallVideoState>): void {
    const next: CallVideoState = { ...this.state, ...patch, sending: this.sending };
    if (this.pending) next.pending = this.pending;
    else delete next.pending;
    this.state = next;
    this.signalling.report(next);
  }
}
