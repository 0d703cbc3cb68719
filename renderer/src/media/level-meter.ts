/**
 * A live input level for the settings page: an `AnalyserNode` on a capture, read as RMS of the
 * time-domain samples and scaled so speech sits mid-scale (0..1).
 */
export class LevelMeter {
  private readonly samples: Float32Array<ArrayBuffer>;

  private constructor(
    private readonly stream: MediaStream,
    private readonly context: AudioContext,
    private readonly analyser: AnalyserNode,
  ) {
    this.samples = new Float32Array(analyser.fftSize);
  }

  static async start(constraints: MediaTrackConstraints | true): Promise<LevelMeter> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: constraints, video: false });
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    await context.resume().catch(() => undefined);
    return new LevelMeter(stream, context, analyser);
  }

  /** The level now, 0 (silence) to 1 (loud). */
  level(): number {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    const rms = Math.sqrt(sum / this.samples.length);
    // RMS of normal speech is ~0.05-0.2; a square-root curve spreads that over the meter.
    return Math.min(1, Math.sqrt(rms * 2));
  }

  stop(): void {
    this.stream.getTracks().forEach((track) => track.stop());
    void this.context.close().catch(() => undefined);
  }
}
