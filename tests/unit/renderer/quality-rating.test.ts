import { describe, expect, it } from 'vitest';
import {
  mosTrend,
  rateQuality,
  type RatedQuality,
  type RatingInput,
} from '../../../renderer/src/sip/quality-rating';

/** Synthetic one-second samples from a list of MOS values (undefined: no audio that second). */
function seconds(mos: readonly (number | undefined)[], loss: readonly number[] = []): RatingInput[] {
  return mos.map((value, i) => ({
    at: (i + 1) * 1000,
    ...(value === undefined ? {} : { mos: value }),
    ...(loss[i] === undefined ? {} : { loss: loss[i] }),
  }));
}

/** Feeds the samples one second at a time, as the monitor does; returns the rating after each. */
function ratings(samples: readonly RatingInput[]): (RatedQuality | undefined)[] {
  const out: (RatedQuality | undefined)[] = [];
  let rating: RatedQuality | undefined;
  for (let i = 0; i < samples.length; i++) {
    rating = rateQuality(samples.slice(Math.max(0, i - 59), i + 1), rating);
    out.push(rating);
  }
  return out;
}

const names = (list: (RatedQuality | undefined)[]) => list.map((r) => r?.rating);

describe('quality rating', () => {
  it('has no rating until a second with audio was measured', () => {
    expect(rateQuality([])).toBeUndefined();
    expect(rateQuality(seconds([undefined, undefined]))).toBeUndefined();
  });

  it('rates a clean call good, a mediocre one fair and a bad one poor, with the reason', () => {
    expect(ratings(seconds([4.4, 4.4, 4.4])).at(-1)).toEqual({ rating: 'good' });
    expect(ratings(seconds([3.8, 3.8, 3.8])).at(-1)).toEqual({ rating: 'fair', reason: 'low-mos' });
    expect(ratings(seconds([2.9, 2.9, 2.9])).at(-1)).toEqual({ rating: 'poor', reason: 'low-mos' });
  });

  it('warns at once on a loss burst, before the averaged MOS shows it', () => {
    // The burst second's own MOS is still above 4.0 (3 % loss on G.711+PLC).
    const list = ratings(seconds([4.4, 4.4, 4.4, 4.4, 4.05], [0, 0, 0, 0, 0.04]));
    expect(names(list)).toEqual(['good', 'good', 'good', 'good', 'fair']);
    expect(list.at(-1)?.reason).toBe('loss-burst');
  });

  it('warns on a falling trend before MOS crosses the threshold', () => {
    const falling = [4.4, 4.35, 4.3, 4.25, 4.2, 4.15, 4.1, 4.05, 4.0, 3.95, 3.9];
    const list = ratings(seconds(falling));
    const firstWarning = list.findIndex((r) => r?.rating === 'fair');
    expect(firstWarning).toBeGreaterThan(0);
    // Still above 4.0 on average when the warning comes.
    expect(falling[firstWarning]).toBeGreaterThan(4.0);
    expect(list[firstWarning]?.reason).toBe('worsening');
    expect(mosTrend(seconds(falling))).toBeCloseTo(-0.05, 5);
  });

  it('takes one step down (a new round-trip figure) as it is, not as a worsening trend', () => {
    const list = ratings(seconds([4.3, 4.3, 4.3, 4.3, 4.3, 4.3, 4.3, 4.1, 4.1, 4.1]));
    expect(names(list).every((r) => r === 'good')).toBe(true);
  });

  it('warns of a trend at most as fair: only measured MOS or loss rates a call poor', () => {
    const falling = [4.4, 4.3, 4.2, 4.1, 4.05, 4.0, 3.95, 3.9, 3.85];
    const list = ratings(seconds(falling));
    expect(names(list)).not.toContain('poor');
    expect(list.at(-1)).toEqual({ rating: 'fair', reason: 'low-mos' });
  });

  it('recovers only after five steady seconds, one level per second', () => {
    const bad = [2.8, 2.8, 2.8];
    const good = Array.from({ length: 12 }, () => 4.4);
    const list = names(ratings(seconds([...bad, ...good])));
    expect(list.slice(0, 3)).toEqual(['poor', 'poor', 'poor']);
    // Five steady seconds before it leaves poor; then one level per second, never two at once.
    expect(list.indexOf('fair')).toBe(3 + 4);
    expect(list.indexOf('good')).toBe(3 + 5);
    expect(list.at(-1)).toBe('good');
  });

  it('does not flicker when MOS hovers around a threshold', () => {
    const hovering = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 4.05 : 3.95));
    const list = names(ratings(seconds([3.9, 3.9, 3.9, ...hovering])));
    const changes = list.filter((r, i) => i > 0 && r !== list[i - 1]).length;
    expect(changes).toBe(0);
    expect(list.at(-1)).toBe('fair');
  });

  it('keeps the rating through seconds without audio (hold)', () => {
    const list = ratings(seconds([3.8, 3.8, 3.8, undefined, undefined, undefined]));
    expect(names(list)).toEqual(['fair', 'fair', 'fair', 'fair', 'fair', 'fair']);
  });
});
