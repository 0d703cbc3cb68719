/**
 * The ITU-T G.107 E-model, simplified to what a softphone can measure: one-way delay and packet loss
 * for a known codec, everything else (loudness, room noise, echo) at G.107's default values.
 *
 * ```
 *  R = 93.2 - Id(delay) - Ie,eff(codec, loss)          MOS = f(R)   (G.107 Annex B)
 * ```
 *
 * Where the constants come from (why these numbers and not others):
 * - 93.2 is R with every G.107 parameter at its default (G.107 §7.7, Table 3): R0 − Is with no
 *   delay and no loss. It is the best a narrowband call can rate (MOS 4.41).
 * - Id uses the linear fit of G.107's delay terms by Cole & Rosenbluth ("Voice over IP Performance
 *   Monitoring", ACM SIGCOMM CCR 31(2), 2001): 0.024·d + 0.11·(d − 177.3) above 177.3 ms. The full
 *   G.107 formulas need talker-echo parameters we cannot know; the fit stays within ~1 R of them.
 * - Ie,eff is G.107 eq. (7-29) with BurstR = 1 (random loss): Ie + (95 − Ie)·Ppl / (Ppl + Bpl).
 * - Ie and Bpl per codec are ITU-T G.113 Appendix I (Tables I.1 and I.3). Opus and G.722 have no
 *   narrowband-scale entry there; both conceal loss at least as well as G.711 with its Appendix I
 *   PLC, so they get G.711+PLC's values (Ie 0, Bpl 25.1): an estimate, never a better one than G.711's.
 */

export interface CodecImpairment {
  /** Equipment impairment factor without loss (G.113 Appendix I). */
  ie: number;
  /** Packet-loss robustness factor (G.113 Appendix I); higher conceals loss better. */
  bpl: number;
  /** Algorithmic look-ahead added to the frame time, in ms (from each codec's recommendation). */
  lookaheadMs: number;
}

/** G.711 with packet loss concealment (G.711 Appendix I), which Chromium's NetEq always applies. */
const G711_PLC: CodecImpairment = { ie: 0, bpl: 25.1, lookaheadMs: 0 };

const CODECS: Readonly<Record<string, CodecImpairment>> = {
  pcmu: G711_PLC,
  pcma: G711_PLC,
  g722: { ...G711_PLC, lookaheadMs: 1.5 },
  // G.729A + VAD (G.113 Table I.3); 5 ms look-ahead (G.729 §2).
  g729: { ie: 11, bpl: 19, lookaheadMs: 5 },
  // RFC 6716 §2: 6.5 ms look-ahead in its default (CELT/hybrid) modes.
  opus: { ...G711_PLC, lookaheadMs: 6.5 },
};

/** The G.107 best case: every parameter at its default, no delay, no loss (G.107 §7.7). */
export const R_DEFAULT = 93.2;

/** Impairment values for a codec by MIME type (`audio/PCMU`) or name; unknown codecs count as G.711. */
export function codecImpairment(codec: string | undefined): CodecImpairment {
  const name = (codec ?? '').replace(/^audio\//i, '').toLowerCase();
  return CODECS[name] ?? G711_PLC;
}

/** Delay impairment Id for a one-way mouth-to-ear delay in ms (Cole & Rosenbluth's fit of G.107). */
export function delayImpairment(oneWayDelayMs: number): number {
  const d = Math.max(0, oneWayDelayMs);
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** Effective equipment impairment Ie,eff (G.107 eq. 7-29) for random loss; `lossPercent` is 0..100. */
export function effectiveEquipmentImpairment(codec: CodecImpairment, lossPercent: number): number {
  const ppl = Math.min(100, Math.max(0, lossPercent));
  return codec.ie + ((95 - codec.ie) * ppl) / (ppl + codec.bpl);
}

/** Rating factor R, 0..100. */
export function rFactor(input: {
  oneWayDelayMs: number;
  lossPercent: number;
  codec: string | undefined;
}): number {
  const r =
    R_DEFAULT -
    delayImpairment(input.oneWayDelayMs) -
    effectiveEquipmentImpairment(codecImpairment(input.codec), input.lossPercent);
  return Math.min(100, Math.max(0, r));
}

/** Estimated conversational MOS (1..4.5) from R (G.107 Annex B, eq. B-4). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/**
 * Mouth-to-ear delay one way: half the network round trip, the receiver's jitter buffer, one frame
 * of packetisation (20 ms, WebRTC's and most desk phones' default ptime) and the codec's look-ahead.
 */
export function oneWayDelayMs(input: {
  rttMs: number;
  jitterBufferMs: number;
  codec: string | undefined;
}): number {
  const FRAME_MS = 20;
  return input.rttMs / 2 + input.jitterBufferMs + FRAME_MS + codecImpairment(input.codec).lookaheadMs;
}

/** Estimated MOS for a call leg. */
export function estimateMos(input: {
  rttMs: number;
  jitterBufferMs: number;
  lossPercent: number;
  codec: string | undefined;
}): number {
  return mosFromR(
    rFactor({ oneWayDelayMs: oneWayDelayMs(input), lossPercent: input.lossPercent, codec: input.codec }),
  );
}
