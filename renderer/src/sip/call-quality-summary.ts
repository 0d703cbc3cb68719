import type { QualitySample } from './call-stats-sample';

/** What the call history keeps of a call's quality. */
export interface CallQualitySummary {
  codec?: string;
  /** Mean of the per-second MOS estimates over the seconds that carried audio, two decimals. */
  averageMos?: number;
  /** The worst one-second packet loss in either direction, 0..1. */
  worstLoss: number;
  /** Seconds measured (answer to end, less the first second and any gap in the readings). */
  measuredSeconds: number;
}

/** Running totals over a whole call (the live window keeps only the last minute). */
export interface QualityTally {
  codec?: string;
  mosSum: number;
  mosCount: number;
  worstLoss: number;
  seconds: number;
}

export const EMPTY_TALLY: QualityTally = { mosSum: 0, mosCount: 0, worstLoss: 0, seconds: 0 };

export function addToTally(tally: QualityTally, sample: QualitySample, windowSeconds: number): QualityTally {
  const codec = sample.codec ?? tally.codec;
  return {
    ...(codec === undefined ? {} : { codec }),
    mosSum: tally.mosSum + (sample.mos ?? 0),
    mosCount: tally.mosCount + (sample.mos === undefined ? 0 : 1),
    worstLoss: Math.max(tally.worstLoss, sample.loss ?? 0),
    seconds: tally.seconds + windowSeconds,
  };
}

/** The summary, or undefined when nothing was measured (a call ended within its first second). */
export function summaryOf(tally: QualityTally): CallQualitySummary | undefined {
  if (tally.seconds === 0) return undefined;
  return {
    ...(tally.codec === undefined ? {} : { codec: tally.codec }),
    ...(tally.mosCount === 0 ? {} : { averageMos: Math.round((tally.mosSum / tally.mosCount) * 100) / 100 }),
    worstLoss: tally.worstLoss,
    measuredSeconds: Math.round(tally.seconds),
  };
}
