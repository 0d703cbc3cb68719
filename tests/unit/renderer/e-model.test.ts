import { describe, expect, it } from 'vitest';
import {
  codecImpairment,
  delayImpairment,
  effectiveEquipmentImpairment,
  estimateMos,
  mosFromR,
  oneWayDelayMs,
  rFactor,
  R_DEFAULT,
} from '../../../renderer/src/sip/e-model';

describe('G.107 E-model', () => {
  // G.107 Annex B, Figure B.1 / Table B.1: the R-to-MOS curve and its category boundaries.
  it.each([
    [R_DEFAULT, 4.41],
    [90, 4.34],
    [80, 4.02],
    [70, 3.6],
    [60, 3.1],
    [50, 2.58],
  ])('R %d -> MOS %d', (r, mos) => {
    expect(mosFromR(r)).toBeCloseTo(mos, 2);
  });

  it('clamps MOS to 1 below R 0 and 4.5 above R 100', () => {
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(100)).toBe(4.5);
    expect(mosFromR(120)).toBe(4.5);
  });

  // Cole & Rosenbluth's fit: linear 0.024/ms, plus 0.11/ms beyond 177.3 ms.
  it.each([
    [0, 0],
    [100, 2.4],
    [177.3, 4.2552],
    [300, 20.697],
  ])('delay impairment at %d ms is %d', (delay, id) => {
    expect(delayImpairment(delay)).toBeCloseTo(id, 3);
  });

  // G.107 eq. 7-29 with G.113 Appendix I values (BurstR 1).
  it.each([
    ['PCMU', 0, 0],
    ['PCMU', 1, 95 / 26.1],
    ['PCMA', 5, (95 * 5) / 30.1],
    ['G729', 0, 11],
    ['G729', 2, 11 + (84 * 2) / 21],
  ])('Ie,eff for %s at %d %% loss is %d', (codec, loss, ie) => {
    expect(effectiveEquipmentImpairment(codecImpairment(codec), loss)).toBeCloseTo(ie, 3);
  });

  it('reads codecs by MIME type and treats unknown ones as G.711', () => {
    expect(codecImpairment('audio/PCMU')).toEqual(codecImpairment('pcmu'));
    expect(codecImpairment('audio/opus').ie).toBe(0);
    expect(codecImpairment('audio/G729').ie).toBe(11);
    expect(codecImpairment('audio/x-unknown')).toEqual(codecImpairment('PCMA'));
    expect(codecImpairment(undefined)).toEqual(codecImpairment('PCMA'));
  });

  it('gives the default R for G.711 without delay or loss, and less with either', () => {
    expect(rFactor({ oneWayDelayMs: 0, lossPercent: 0, codec: 'PCMU' })).toBeCloseTo(93.2, 5);
    expect(rFactor({ oneWayDelayMs: 150, lossPercent: 0, codec: 'PCMU' })).toBeCloseTo(89.6, 5);
    // Ie,eff only approaches 95: total loss leaves R ≈ 17, MOS ≈ 1.2.
    expect(rFactor({ oneWayDelayMs: 0, lossPercent: 100, codec: 'PCMU' })).toBeCloseTo(17.26, 2);
  });

  it('adds half the round trip, the jitter buffer, one frame and the look-ahead', () => {
    expect(oneWayDelayMs({ rttMs: 100, jitterBufferMs: 40, codec: 'PCMU' })).toBe(110);
    expect(oneWayDelayMs({ rttMs: 100, jitterBufferMs: 40, codec: 'opus' })).toBe(116.5);
  });

  it('falls as loss or delay grow', () => {
    const mos = (lossPercent: number, rttMs: number) =>
      estimateMos({ rttMs, jitterBufferMs: 40, lossPercent, codec: 'PCMU' });
    expect(mos(0, 20)).toBeGreaterThan(4.3);
    expect(mos(1, 20)).toBeLessThan(mos(0, 20));
    expect(mos(5, 20)).toBeLessThan(mos(1, 20));
    expect(mos(0, 600)).toBeLessThan(mos(0, 200));
    // 10 % random loss on G.711+PLC: Ie,eff ≈ 27.1, so R ≈ 64.6 -> "many users dissatisfied".
    expect(mos(10, 20)).toBeLessThan(3.6);
  });
});
