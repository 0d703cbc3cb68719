/**
 * A local three-way (or larger) conference: every far end must hear us and every other far end, but
 * never itself. Each leg gets its own WebAudio mix (our microphone plus the other legs' audio) and
 * that mix replaces the track its RTP sender sends (`RTCRtpSender.replaceTrack`, no renegotiation).
 * We hear everyone through each call's own audio element, as before the merge.
 *
 * Chromium only feeds a remote WebRTC stream into WebAudio while the stream is also attached to a
 * media element (https://issues.chromium.org/issues/40094084); each call keeps its element playing.
 */
export interface ConferenceLeg {
  id: string;
  sender: RTCRtpSender;
  microphone: MediaStreamTrack;
  remote: MediaStream;
}

export class ConferenceMixer {
  private readonly context = new AudioContext();
  private readonly legs: ConferenceLeg[];

  private constructor(legs: ConferenceLeg[]) {
    this.legs = legs;
  }

  /** Mixes and starts sending the mixes; resolves once every sender carries its mix. */
  static async start(legs: ConferenceLeg[]): Promise<ConferenceMixer> {
    const mixer = new ConferenceMixer(legs);
    await mixer.context.resume().catch(() => undefined);
    const remotes = new Map(legs.map((leg) => [leg.id, mixer.context.createMediaStreamSource(leg.remote)]));
    await Promise.all(
      legs.map(async (leg) => {
        const mix = mixer.context.createMediaStreamDestination();
        mixer.context.createMediaStreamSource(new MediaStream([leg.microphone])).connect(mix);
        for (const other of legs) if (other.id !== leg.id) remotes.get(other.id)?.connect(mix);
        const [track] = mix.stream.getAudioTracks();
        if (track) await leg.sender.replaceTrack(track);
      }),
    );
    return mixer;
  }

  get ids(): string[] {
    return this.legs.map((leg) => leg.id);
  }

  /** Puts each leg's own microphone back on its sender and releases the mixing graph. */
  async stop(): Promise<void> {
    await Promise.all(this.legs.map((leg) => leg.sender.replaceTrack(leg.microphone).catch(() => undefined)));
    await this.context.close().catch(() => undefined);
  }
}
