/**
 * What a test hears in a call, shared by the specs that check it over WSS and over the direct path:
 * inbound energy that settles to silence (a held or muted leg), and a saved recording decoded and
 * measured by frequency.
 */
import { expect } from './fixtures';
import type { AppPage } from './app-page';

/** Inbound energy over a window must be (near) silence: nothing of the far end's tone arrives. */
const SILENT_ENERGY = 0.0005;

/**
 * Inbound energy per peer connection over 1 s windows, measured until the connections listed in
 * `silent` are silent (audio already in flight when a re-INVITE completes takes a moment to drain);
 * fails if they never go quiet. Returns the last window, for checking the others are heard.
 */
export async function settledEnergy(app: AppPage, silent: number[]): Promise<number[]> {
  let energy: number[] = [];
  await expect
    .poll(
      async () => {
        energy = await app.inboundEnergyPerConnection(1000);
        return silent.every((index) => (energy[index] ?? 0) < SILENT_ENERGY);
      },
      { timeout: 10_000, message: `connections ${silent.join(', ')} fall silent` },
    )
    .toBe(true);
  return energy;
}

/** A recording decoded the way a player would (Chromium's own WebM/Opus decoder), and measured. */
export async function decodeRecording(app: AppPage, path: string) {
  const { readFile } = await import('node:fs/promises');
  const bytes = [...(await readFile(path))];
  return app.page.evaluate(async (data) => {
    const context = new OfflineAudioContext(1, 48000, 48000);
    const audio = await context.decodeAudioData(new Uint8Array(data).buffer);
    const samples = audio.getChannelData(0);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    // Goertzel: how much of each tone the recording holds (amplitude of that frequency).
    const tone = (hz: number) => {
      const k = (2 * Math.PI * hz) / audio.sampleRate;
      let s1 = 0;
      let s2 = 0;
      for (const sample of samples) {
        const s0 = sample + 2 * Math.cos(k) * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - 2 * Math.cos(k) * s1 * s2))) / samples.length;
    };
    return {
      seconds: audio.duration,
      rms: Math.sqrt(sum / Math.max(1, samples.length)),
      far: tone(440),
      near: tone(660),
      neither: tone(1000),
    };
  }, bytes);
}
