/**
 * Ring and ringback tones synthesised with WebAudio: no recorded assets to license, and the same sound
 * on every OS. Cadences follow common telephony practice: ringback is 440+480 Hz, 2 s on / 4 s off
 * (ITU-T E.180 North American); the ringtone is a double burst of 400+450 Hz (UK style), easy to tell
 * apart from ringback. While already in a call, a new call is announced by the call-waiting tone
 * instead: two short 440 Hz beeps every few seconds (ITU-T E.180 "call waiting"), quiet enough not to
 * drown the conversation.
 */
export type TonePattern = 'ringtone' | 'ringback' | 'call-waiting';

interface Cadence {
  frequencies: number[];
  /** Alternating on/off durations in seconds, starting with on. */
  steps: number[];
  gain: number;
}

const CADENCES: Record<TonePattern, Cadence> = {
  ringback: { frequencies: [440, 480], steps: [2, 4], gain: 0.08 },
  ringtone: { frequencies: [400, 450], steps: [0.4, 0.2, 0.4, 2], gain: 0.2 },
  'call-waiting': { frequencies: [440], steps: [0.2, 0.2, 0.2, 4.4], gain: 0.08 },
};

/** Output devices for the tones: the ringtone may go to another device (or several) than the in-call tones. */
export interface ToneOutputs {
  /** Outputs the ringtone plays on ('' = the system default). */
  ring: readonly string[];
  /** Output for ringback and the call-waiting beeps: where the call is heard. */
  call: string;
}

export class TonePlayer {
  private context: AudioContext | undefined;
  private playing: { pattern: TonePattern; stop: () => void } | undefined;
  private outputs: ToneOutputs = { ring: [''], call: '' };

  /** Routes the tones; a tone playing now restarts on its new outputs. */
  setOutputs(outputs: ToneOutputs): void {
    this.outputs = outputs;
    const pattern = this.playing?.pattern;
    if (!pattern) return;
    this.stop();
    this.play(pattern);
  }

  get current(): TonePattern | undefined {
    return this.playing?.pattern;
  }

  play(pattern: TonePattern): void {
    if (this.playing?.pattern === pattern) return;
    this.stop();
    const context = (this.context ??= new AudioContext());
    void context.resume().catch(() => undefined);
    const cadence = CADENCES[pattern];
    const envelope = context.createGain();
    envelope.gain.value = 0;
    const sinks = pattern === 'ringtone' ? this.outputs.ring : [this.outputs.call];
    const disconnectOutputs = this.connectOutputs(context, envelope, sinks);
    const oscillators = cadence.frequencies.map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(envelope);
      oscillator.start();
      return oscillator;
    });
    const period = cadence.steps.reduce((sum, step) => sum + step, 0);
    const schedule = (start: number): void => {
      let at = start;
      cadence.steps.forEach((duration, index) => {
        envelope.gain.setValueAtTime(index % 2 === 0 ? cadence.gain / cadence.frequencies.length : 0, at);
        at += duration;
      });
    };
    let next = context.currentTime + 0.05;
    schedule(next);
    // Schedule one period ahead so timer jitter never leaves a gap.
    const timer = setInterval(() => {
      next += period;
      schedule(next);
    }, period * 1000);
    this.playing = {
      pattern,
      stop: () => {
        clearInterval(timer);
        envelope.gain.cancelScheduledValues(0);
        envelope.gain.value = 0;
        oscillators.forEach((oscillator) => oscillator.stop());
        envelope.disconnect();
        disconnectOutputs();
      },
    };
  }

  /**
   * The default output is the context's own destination; any other device is reached through an
   * audio element with `setSinkId` (one per device, all fed by the same stream).
   */
  private connectOutputs(context: AudioContext, source: AudioNode, sinks: readonly string[]): () => void {
    if (sinks.every((sink) => sink === '')) {
      source.connect(context.destination);
      return () => undefined;
    }
    const destination = context.createMediaStreamDestination();
    source.connect(destination);
    const elements = sinks.map((sink) => {
      const element = new Audio();
      element.srcObject = destination.stream;
      void element
        .setSinkId(sink)
        .then(() => element.play())
        .catch(() => undefined);
      return element;
    });
    return () => {
      elements.forEach((element) => {
        element.pause();
        element.srcObject = null;
      });
    };
  }

  stop(): void {
    this.playing?.stop();
    this.playing = undefined;
  }
}

/**
 * Which tone the phone should play given its calls: ringing in wins over ringback out, and a call
 * ringing in while another is connected gets the call-waiting beeps rather than the full ringtone.
 */
export function toneFor(
  states: readonly { direction: 'incoming' | 'outgoing'; state: string }[],
): TonePattern | undefined {
  if (states.some((c) => c.direction === 'incoming' && c.state === 'incoming')) {
    const inCall = states.some((c) => c.state === 'active' || c.state === 'answering');
    return inCall ? 'call-waiting' : 'ringtone';
  }
  if (states.some((c) => c.direction === 'outgoing' && c.state === 'ringing')) return 'ringback';
  return undefined;
}
