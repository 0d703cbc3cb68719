import type { QualitySample } from './call-stats-sample';

export type QualityRating = 'good' | 'fair' | 'poor';

/** Why a call is not rated good: its MOS, a burst of loss just now, or a MOS falling fast. */
export type QualityReason = 'low-mos' | 'loss-burst' | 'worsening';

export interface RatedQuality {
  rating: QualityRating;
  reason?: QualityReason;
}

export type RatingInput = Pick<QualitySample, 'at' | 'mos' | 'loss'>;

/*
 * Thresholds on the G.107 scale (G.107 Annex B, Table B.1): R ≥ 80 (MOS 4.03) "users satisfied",
 * R 70..80 (MOS 3.60..4.03) "some users dissatisfied", below R 70 "many users dissatisfied".
 */
const GOOD_MOS = 4.0;
const FAIR_MOS = 3.6;
/** A rating goes up only after this many samples in a row clear the higher threshold by the margin. */
const RECOVER_SAMPLES = 5;
const RECOVER_MARGIN = 0.1;
/** The rating follows a few seconds' mean, so one odd second does not flip it... */
const SMOOTH_SAMPLES = 3;
/**
 * ...except a second losing this share of packets: with G.711+PLC that alone costs ~10 R (Ie,eff for
 * 3 %), and clipped words follow within the next seconds, so it warns at once.
 */
const BURST_LOSS = 0.03;
/**
 * A MOS falling this fast (per second, least squares over the last samples) and falling in most of
 * those seconds, not in one step (a new RTCP round-trip figure moves it once), is projected ahead.
 */
const TREND_SAMPLES = 8;
const TREND_MIN_POINTS = 6;
const TREND_MIN_SLOPE = -0.02;
const TREND_HORIZON_S = 10;

const RANK: Readonly<Record<QualityRating, number>> = { poor: 0, fair: 1, good: 2 };
const BY_RANK: readonly QualityRating[] = ['poor', 'fair', 'good'];

function levelOf(mos: number): QualityRating {
  if (mos >= GOOD_MOS) return 'good';
  return mos >= FAIR_MOS ? 'fair' : 'poor';
}

function rated(rating: QualityRating, reason: QualityReason): RatedQuality {
  return rating === 'good' ? { rating } : { rating, reason };
}

function lower(rating: QualityRating): QualityRating {
  return BY_RANK[Math.max(0, RANK[rating] - 1)] ?? 'poor';
}

function higher(rating: QualityRating): QualityRating {
  return BY_RANK[Math.min(2, RANK[rating] + 1)] ?? 'good';
}

/** MOS change per second over the samples (least squares), or undefined with too few of them. */
export function mosTrend(samples: readonly RatingInput[]): number | undefined {
  const points = samples.flatMap((s) => (s.mos === undefined ? [] : [{ x: s.at / 1000, y: s.mos }]));
  if (points.length < 3) return undefined;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  if (sxx === 0) return undefined;
  return points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0) / sxx;
}

/** The MOS has been falling steadily and, at that pace, drops out of "good" within the horizon. */
function worsening(samples: readonly (RatingInput & { mos: number })[], smoothed: number): boolean {
  if (samples.length < TREND_MIN_POINTS) return false;
  const slope = mosTrend(samples);
  if (slope === undefined || slope > TREND_MIN_SLOPE) return false;
  const falls = samples.slice(1).filter((s, i) => s.mos < (samples[i]?.mos ?? s.mos)).length;
  return falls * 3 >= (samples.length - 1) * 2 && levelOf(smoothed + slope * TREND_HORIZON_S) !== 'good';
}

/**
 * Rates a call from its recent samples (oldest first) and its previous rating, with hysteresis:
 * a rating drops at once, and early, on a loss burst or a falling trend, so the user is warned
 * before they hear it; it rises only one level at a time after several steady good seconds, so it
 * does not flicker. Samples without a MOS (no audio arriving, e.g. on hold) leave it unchanged.
 */
export function rateQuality(
  samples: readonly RatingInput[],
  previous?: RatedQuality,
): RatedQuality | undefined {
  const measured = samples.filter((s): s is RatingInput & { mos: number } => s.mos !== undefined);
  const last = measured.at(-1);
  if (!last || samples.at(-1)?.mos === undefined) return previous;
  const recent = measured.slice(-SMOOTH_SAMPLES);
  const smoothed = recent.reduce((sum, s) => sum + s.mos, 0) / recent.length;
  let target = rated(levelOf(smoothed), 'low-mos');
  if ((last.loss ?? 0) >= BURST_LOSS) {
    target = { rating: lower(target.rating), reason: 'loss-burst' };
  } else if (target.rating === 'good' && worsening(measured.slice(-TREND_SAMPLES), smoothed)) {
    // A warning, not a verdict: a trend alone never rates a call poor.
    target = { rating: 'fair', reason: 'worsening' };
  }
  if (!previous || RANK[target.rating] <= RANK[previous.rating]) return target;
  const next = higher(previous.rating);
  const window = measured.slice(-RECOVER_SAMPLES);
  const steady =
    window.length === RECOVER_SAMPLES &&
    window.every((s) => RANK[levelOf(s.mos - RECOVER_MARGIN)] >= RANK[next] && (s.loss ?? 0) < BURST_LOSS);
  return steady ? rated(next, 'low-mos') : previous;
}
