import { afterEach, describe, expect, it } from 'vitest';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { WebStorage } from '../../../renderer/src/host/web-storage';
import type { CallNoticeKind, CallVideoState } from '../../../renderer/src/sip/call-state';
import { CallVideoMedia } from '../../../renderer/src/sip/call-video';
import { offersVideo } from '../../../renderer/src/sip/video-sdp';

describe('offersVideo', () => {
  const audio = 'v=0\r\nm=audio 4000 RTP/AVP 0\r\n';
  it('is true only for an m=video line with a port', () => {
    expect(offersVideo(`${audio}m=video 4002 RTP/SAVPF 96\r\n`)).toBe(true);
    expect(offersVideo(`${audio}m=video 0 RTP/SAVPF 96\r\n`)).toBe(false);
    expect(offersVideo(audio)).toBe(false);
    expect(offersVideo('')).toBe(false);
  });
});

describe('web host screen sharing', () => {
  it('leaves the choice to the browser picker and refuses a source id', async () => {
    const storage = new WebStorage(`ringline-test-${crypto.randomUUID()}`);
    try {
      const host = createWebHost(storage);
      expect(await host.screenShare.sources()).toBeNull();
      await expect(host.screenShare.choose('screen:0:0')).rejects.toThrow(/lets the user choose/);
    } finally {
      await storage.delete();
    }
  });
});

/**
 * A call's two ends as two real RTCPeerConnections in this Chromium; a re-INVITE is the offer/answer
 * exchange between them, which is what SIP carries. The far end can refuse (as with a non-2xx) or
 * decline video (answer with port 0, as a desk phone does).
 */
class TwoEnds {
  readonly near = new RTCPeerConnection();
  readonly far = new RTCPeerConnection();
  readonly reports: CallVideoState[] = [];
  readonly notices: { kind: CallNoticeKind; statusCode?: number }[] = [];
  farEnd: 'accepts' | 'refuses' | 'declines-video' = 'accepts';
  private readonly audio = new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0];

  readonly video = new CallVideoMedia(
    {
      peerConnection: () => this.near,
      canRenegotiate: () => true,
      renegotiate: async (beforeRollback) => {
        await this.near.setLocalDescription(await this.near.createOffer());
        if (this.farEnd === 'refuses') {
          beforeRollback?.();
          await this.near.setLocalDescription({ type: 'rollback' });
          return { ok: false, statusCode: 488 };
        }
        await this.answer();
        return { ok: true };
      },
      report: (state) => this.reports.push(state),
      notify: (kind, statusCode) => this.notices.push({ kind, ...(statusCode ? { statusCode } : {}) }),
      cameraConstraints: () => true,
    },
    false,
  );

  /** Sets up the audio call both ends agreed on first. */
  async connectAudio(): Promise<void> {
    if (!this.audio) throw new Error('no audio track');
    this.near.addTrack(this.audio);
    await this.near.setLocalDescription(await this.near.createOffer());
    await this.answer();
    this.video.refresh();
  }

  private async answer(): Promise<void> {
    const offer = this.near.localDescription;
    if (!offer) throw new Error('no offer to answer');
    await this.far.setRemoteDescription(offer);
    // As SIP.js answers: every transceiver takes the offered audio direction.
    for (const t of this.far.getTransceivers()) if (t.direction !== 'stopped') t.direction = 'sendrecv';
    const { sdp = '' } = await this.far.createAnswer();
    await this.far.setLocalDescription({ type: 'answer', sdp });
    // A desk phone declines the video stream by answering it with port 0 (RFC 3264 §6).
    const answer = this.farEnd === 'declines-video' ? sdp.replace(/^m=video \d+ /m, 'm=video 0 ') : sdp;
    await this.near.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  latest(): CallVideoState | undefined {
    return this.reports.at(-1);
  }

  close(): void {
    this.video.close();
    this.near.close();
    this.far.close();
  }
}

function screenTrack(): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.getContext('2d')?.fillRect(0, 0, 10, 10);
  const track = canvas.captureStream(5).getVideoTracks()[0];
  if (!track) throw new Error('no canvas track');
  return track;
}

function liveVideoTransceivers(pc: RTCPeerConnection): RTCRtpTransceiver[] {
  return pc
    .getTransceivers()
    .filter(
      (t) =>
        t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped' && t.direction !== 'stopped',
    );
}

describe('CallVideoMedia (real peer connections)', () => {
  let ends: TwoEnds | undefined;
  afterEach(() => ends?.close());

  it('sharing on an audio call adds a sendrecv video stream; stopping removes it with m=video 0', async () => {
    ends = new TwoEnds();
    await ends.connectAudio();
    const screen = screenTrack();
    await ends.video.shareScreen(screen);
    expect(ends.latest()).toMatchObject({ active: true, sending: 'screen' });
    expect(ends.latest()?.pending).toBeUndefined();
    const [transceiver] = liveVideoTransceivers(ends.near);
    expect(transceiver?.currentDirection).toBe('sendrecv');
    expect(transceiver?.sender.track).toBe(screen);
    expect(ends.video.streams().local.getVideoTracks()).toEqual([screen]);
    expect(ends.near.localDescription?.sdp).toMatch(/m=audio [1-9]\d* [\s\S]*m=video [1-9]/);

    await ends.video.stopSharing();
    expect(ends.latest()).toMatchObject({ active: false, sending: 'none' });
    expect(screen.readyState).toBe('ended');
    expect(liveVideoTransceivers(ends.near)).toHaveLength(0);
    expect(ends.near.localDescription?.sdp).toMatch(/m=video 0 /);
    expect(ends.video.streams().local.getVideoTracks()).toEqual([]);
  });

  it('the far end adding video is received with our camera left off', async () => {
    ends = new TwoEnds();
    await ends.connectAudio();
    // The far end re-INVITEs with video; we answer (SIP.js keeps every transceiver sendrecv).
    ends.far.addTransceiver(screenTrack(), { direction: 'sendrecv' });
    const offer = await ends.far.createOffer();
    await ends.far.setLocalDescription(offer);
    await ends.near.setRemoteDescription(offer);
    for (const t of ends.near.getTransceivers()) t.direction = 'sendrecv';
    const answer = await ends.near.createAnswer();
    await ends.near.setLocalDescription(answer);
    await ends.far.setRemoteDescription(answer);
    ends.video.refresh();
    expect(ends.latest()).toMatchObject({ active: true, sending: 'none' });
    expect(ends.video.streams().remote.getVideoTracks()).toHaveLength(1);
  });

  it('a refused re-INVITE leaves the call audio only and says so', async () => {
    ends = new TwoEnds();
    await ends.connectAudio();
    ends.farEnd = 'refuses';
    const screen = screenTrack();
    await ends.video.shareScreen(screen);
    expect(ends.notices).toEqual([{ kind: 'video-refused', statusCode: 488 }]);
    expect(ends.latest()).toMatchObject({ active: false, sending: 'none' });
    expect(screen.readyState).toBe('ended');
    expect(liveVideoTransceivers(ends.near)).toHaveLength(0);
  });

  it('a far end that declines video (port 0) leaves the call audio only and says so', async () => {
    ends = new TwoEnds();
    await ends.connectAudio();
    ends.farEnd = 'declines-video';
    const screen = screenTrack();
    await ends.video.shareScreen(screen);
    expect(ends.notices).toEqual([{ kind: 'video-refused' }]);
    expect(ends.latest()).toMatchObject({ active: false, sending: 'none' });
    expect(screen.readyState).toBe('ended');
  });
});
