/**
 * Test audio: tone files for the legacy phones (made with sox) and measurements of the WAV files
 * baresip records, parsed here directly so a measurement needs no extra process.
 */
import { runCommand } from './run-command.js';

/** What a recording contains. */
export interface AudioMeasurement {
  /** Duration of the recorded samples. */
  seconds: number;
  /** Root mean square level, 0 (silence) .. 1 (full-scale square wave); a 0.5 sine gives ~0.35. */
  rms: number;
  /** Rough pitch from the zero-crossing rate; meaningful for a single tone, 0 for silence. */
  estimatedHz: number;
}

/**
 * Writes a mono 8 kHz 16-bit sine tone at half volume. 8 kHz is G.711's rate, so baresip sends it
 * unresampled. baresip's aufile source plays the file once per call, hence the generous length.
 */
export async function createToneWav(file: string, hz: number, seconds: number): Promise<void> {
  await runCommand('sox', [
    '-n',
    '-r',
    '8000',
    '-c',
    '1',
    '-b',
    '16',
    file,
    'synth',
    String(seconds),
    'sine',
    String(hz),
    'vol',
    '0.5',
  ]);
}

interface WavFormat {
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

/**
 * Measures a PCM WAV file (16-bit integer or 32-bit float, as libsndfile writes them), from
 * `fromSecond` up to `toSecond` (default: the whole file), so a test can measure one stretch of a call.
 *
 * Tolerates a recording that is still being written: libsndfile fills in the data chunk's size only
 * when the file is closed (at the end of the call), so until then the size field is 0 and the
 * samples are taken to run to the end of the file.
 */
export function measureWav(wav: Buffer, fromSecond = 0, toSecond = Infinity): AudioMeasurement {
  if (
    wav.length < 12 ||
    wav.toString('latin1', 0, 4) !== 'RIFF' ||
    wav.toString('latin1', 8, 12) !== 'WAVE'
  ) {
    throw new Error('not a RIFF/WAVE file');
  }
  let format: WavFormat | undefined;
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('latin1', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        audioFormat: wav.readUInt16LE(body),
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        bitsPerSample: wav.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before fmt chunk');
      const end = size === 0 || body + size > wav.length ? wav.length : body + size;
      const { channels, bitsPerSample, sampleRate } = format;
      const frameBytes = channels * (bitsPerSample / 8);
      const at = (second: number) =>
        Math.min(end, body + Math.floor(Math.max(0, second) * sampleRate) * frameBytes);
      return measureSamples(
        wav.subarray(at(fromSecond), Number.isFinite(toSecond) ? at(toSecond) : end),
        format,
      );
    }
    // Chunks are padded to an even size.
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}

function measureSamples(data: Buffer, format: WavFormat): AudioMeasurement {
  const isFloat = format.audioFormat === 3 && format.bitsPerSample === 32;
  const isInt16 = format.audioFormat === 1 && format.bitsPerSample === 16;
  // WAVE_FORMAT_EXTENSIBLE (0xFFFE) is not produced by libsndfile for mono/stereo PCM.
  if (!isFloat && !isInt16) {
    throw new Error(`unsupported WAV format ${format.audioFormat}/${format.bitsPerSample} bit`);
  }
  const bytesPerSample = format.bitsPerSample / 8;
  const sampleCount = Math.floor(data.length / bytesPerSample);
  const frames = sampleCount / Math.max(1, format.channels);
  let sumOfSquares = 0;
  let crossings = 0;
  let previous = 0;
  for (let index = 0; index < sampleCount; index += 1) {
    const sample = isFloat
      ? data.readFloatLE(index * bytesPerSample)
      : data.readInt16LE(index * bytesPerSample) / 32768;
    sumOfSquares += sample * sample;
    // Count sign changes of the first channel only.
    if (index % format.channels === 0) {
      if ((previous < 0 && sample >= 0) || (previous >= 0 && sample < 0)) crossings += 1;
      previous = sample;
    }
  }
  const seconds = format.sampleRate > 0 ? frames / format.sampleRate : 0;
  return {
    seconds,
    rms: sampleCount > 0 ? Math.sqrt(sumOfSquares / sampleCount) : 0,
    estimatedHz: seconds > 0 ? crossings / 2 / seconds : 0,
  };
}
