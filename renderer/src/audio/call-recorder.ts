/**
 * Records a call, both directions mixed into one Opus/WebM file with `MediaRecorder`: our microphone
 * and the far end's audio (several far ends in a conference) are summed in a WebAudio graph.
 */
export const RECORDING_MIME_TYPE = 'audio/webm;codecs=opus';

export interface RecordingSources {
  microphone: MediaStreamTrack;
  remotes: MediaStream[];
}

export class CallRecorder {
  private readonly context = new AudioContext();
  private readonly recorder: MediaRecorder;
  private readonly chunks: Blob[] = [];
  private readonly destination: MediaStreamAudioDestinationNode;
  private microphone: MediaStreamAudioSourceNode;
  readonly startedAt = Date.now();

  constructor(sources: RecordingSources) {
    const destination = this.context.createMediaStreamDestination();
    this.destination = destination;
    this.microphone = this.context.createMediaStreamSource(new MediaStream([sources.microphone]));
    this.microphone.connect(destination);
    for (const remote of sources.remotes) this.context.createMediaStreamSource(remote).connect(destination);
    void this.context.resume().catch(() => undefined);
    this.recorder = new MediaRecorder(destination.stream, { mimeType: RECORDING_MIME_TYPE });
    this.recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) this.chunks.push(event.data);
    });
    // Chunks every second: a crash loses at most a second, and memory grows smoothly.
    this.recorder.start(1000);
  }

  /** Records from another microphone from now on, after a device switch during the call. */
  replaceMicrophone(track: MediaStreamTrack): void {
    if (this.microphone.mediaStream.getAudioTracks().includes(track)) return;
    this.microphone.disconnect();
    this.microphone = this.context.createMediaStreamSource(new MediaStream([track]));
    this.microphone.connect(this.destination);
  }

  /** Stops and returns the recording. */
  async stop(): Promise<Blob> {
    if (this.recorder.state !== 'inactive') {
      const stopped = new Promise((resolve) =>
        this.recorder.addEventListener('stop', resolve, { once: true }),
      );
      this.recorder.stop();
      await stopped;
    }
    await this.context.close().catch(() => undefined);
    return new Blob(this.chunks, { type: RECORDING_MIME_TYPE });
  }
}

/** A file name that sorts by time and says who the call was with: `ringline-2026-11-25-0705-1010.webm`. */
export function recordingFileName(startedAt: number, remoteNumber: string): string {
  // To the second: two calls to the same number in one minute must not share a name.
  const stamp = new Date(startedAt).toISOString().slice(0, 19).replace('T', '-').replaceAll(':', '');
  const who =
    remoteNumber
      .replace(/[^A-Za-z0-9+._-]/g, '')
      .replace(/^\.+/, '')
      .slice(0, 40) || 'call';
  return `ringline-${stamp}-${who}.webm`;
}
