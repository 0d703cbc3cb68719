import { afterEach, describe, expect, it } from 'vitest';
import { CallRecorder } from '../../../renderer/src/audio/call-recorder';

const contexts: AudioContext[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

/** A live microphone stand-in: a track playing a sine at `hz`. */
function toneTrack(hz: number): MediaStreamTrack {
  const context = new AudioContext();
  contexts.push(context);
  const oscillator = context.createOscillator();
  oscillator.frequency.value = hz;
  const destination = context.createMediaStreamDestination();
  oscillator.connect(destination);
  oscillator.start();
  const [track] = destination.stream.getAudioTracks();
  if (!track) throw new Error('no audio track from the oscillator');
  return track;
}

/** Power at `hz` in `samples` (Goertzel), so two tones in one recording can be told apart. */
function powerAt(samples: Float32Array, sampleRate: number, hz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  return (previous ** 2 + beforePrevious ** 2 - coefficient * previous * beforePrevious) / samples.length;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('call recorder', () => {
  it('records the new microphone after a switch during the call', async () => {
    const recorder = new CallRecorder({ microphone: toneTrack(440), remotes: [] });
    await pause(1500);
    recorder.replaceMicrophone(toneTrack(880));
    await pause(1500);
    const blob = await recorder.stop();

    const decoder = new AudioContext();
    contexts.push(decoder);
    const audio = await decoder.decodeAudioData(await blob.arrayBuffer());
    const samples = audio.getChannelData(0);
    const second = audio.sampleRate;
    const before = samples.subarray(Math.round(0.3 * second), Math.round(1.2 * second));
    const after = samples.subarray(
      samples.length - Math.round(1.0 * second),
      samples.length - Math.round(0.1 * second),
    );

    expect(powerAt(before, second, 440)).toBeGreaterThan(powerAt(before, second, 880) * 10);
    expect(powerAt(after, second, 880), 'the switched-to microphone is in the recording').toBeGreaterThan(
      powerAt(after, second, 440) * 10,
    );
  });
});
