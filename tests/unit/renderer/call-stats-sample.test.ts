import { describe, expect, it } from 'vitest';
import {
  readingFromReport,
  sampleBetween,
  type StatsEntry,
} from '../../../renderer/src/sip/call-stats-sample';
import { addToTally, EMPTY_TALLY, summaryOf } from '../../../renderer/src/sip/call-quality-summary';

/**
 * A report shaped like Chromium's for an audio call (W3C webrtc-stats field names), with the
 * counters given; `remote` adds the far end's receiver report, `pairRtt` the ICE consent round trip.
 */
function report(counters: {
  at: number;
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
  packetsLost: number;
  jitterBufferDelay?: number;
  jitterBufferEmittedCount?: number;
  remote?: { packetsLost: number; fractionLost: number; roundTripTime: number };
  pairRtt?: number;
}): StatsEntry[] {
  const t = counters.at;
  const entries: StatsEntry[] = [
    { id: 'COT01_0', type: 'codec', timestamp: t, mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0 },
    { id: 'T01', type: 'transport', timestamp: t, selectedCandidatePairId: 'CP1' },
    {
      id: 'CP1',
      type: 'candidate-pair',
      timestamp: t,
      state: 'succeeded',
      nominated: true,
      currentRoundTripTime: counters.pairRtt,
    },
    {
      id: 'IT01A1',
      type: 'inbound-rtp',
      kind: 'audio',
      timestamp: t,
      codecId: 'COT01_0',
      bytesReceived: counters.bytesReceived,
      packetsReceived: counters.packetsReceived,
      packetsLost: counters.packetsLost,
      jitter: 0.004,
      audioLevel: 0.5,
      jitterBufferDelay: counters.jitterBufferDelay ?? 0,
      jitterBufferEmittedCount: counters.jitterBufferEmittedCount ?? 0,
    },
    {
      id: 'OT01A1',
      type: 'outbound-rtp',
      kind: 'audio',
      timestamp: t,
      codecId: 'COT01_0',
      bytesSent: counters.bytesSent,
      packetsSent: counters.packetsSent,
    },
    { id: 'SA1', type: 'media-source', kind: 'audio', timestamp: t, audioLevel: 0.25 },
  ];
  if (counters.remote)
    entries.push({
      id: 'RI01A1',
      type: 'remote-inbound-rtp',
      kind: 'audio',
      timestamp: t,
      ...counters.remote,
    });
  return entries;
}

describe('stats samples', () => {
  const first = readingFromReport(
    report({
      at: 10_000,
      bytesSent: 16_000,
      bytesReceived: 16_000,
      packetsSent: 100,
      packetsReceived: 100,
      packetsLost: 0,
      pairRtt: 0.03,
    }),
  );

  it('reads codec, counters, levels and the selected pair from a report', () => {
    expect(first).toMatchObject({
      at: 10_000,
      codec: { mimeType: 'audio/PCMU', clockRate: 8000 },
      bytesReceived: 16_000,
      packetsReceived: 100,
      jitterS: 0.004,
      audioLevelIn: 0.5,
      audioLevelOut: 0.25,
      candidateRttS: 0.03,
    });
    expect(first.remote).toBeUndefined();
  });

  it('turns two readings into bitrates, loss in the window and in all, and a MOS', () => {
    // One second of G.711 at 50 packets/s: 160 bytes of payload + 12 of RTP header each.
    const second = readingFromReport(
      report({
        at: 11_000,
        bytesSent: 16_000 + 50 * 172,
        bytesReceived: 16_000 + 45 * 172,
        packetsSent: 150,
        packetsReceived: 145,
        packetsLost: 5,
        // 8000 samples emitted in the second, each held 50 ms (the counter sums seconds per sample).
        jitterBufferDelay: 400,
        jitterBufferEmittedCount: 8_000,
        pairRtt: 0.03,
      }),
    );
    const sample = sampleBetween(first, second);
    expect(sample.codec).toBe('PCMU');
    expect(sample.clockRate).toBe(8000);
    expect(sample.sendKbps).toBeCloseTo(68.8, 5);
    expect(sample.receiveKbps).toBeCloseTo(61.92, 5);
    expect(sample.receiveLoss).toBeCloseTo(0.1, 5);
    expect(sample.receiveLossTotal).toBeCloseTo(5 / 150, 5);
    expect(sample.loss).toBeCloseTo(0.1, 5);
    expect(sample.rttMs).toBeCloseTo(30, 5);
    expect(sample.jitterMs).toBeCloseTo(4, 5);
    expect(sample.jitterBufferMs).toBeCloseTo(50, 5);
    // 10 % loss on G.711+PLC, 85 ms one way: R ≈ 93.2 - 2.04 - 27.13 ≈ 64.0.
    expect(sample.mos).toBeGreaterThan(3.2);
    expect(sample.mos).toBeLessThan(3.4);
  });

  it('prefers the far end report for round trip and counts its loss as the outgoing side', () => {
    const second = readingFromReport(
      report({
        at: 11_000,
        bytesSent: 24_600,
        bytesReceived: 24_600,
        packetsSent: 150,
        packetsReceived: 150,
        packetsLost: 0,
        remote: { packetsLost: 3, fractionLost: 0.05, roundTripTime: 0.12 },
        pairRtt: 0.03,
      }),
    );
    const sample = sampleBetween(first, second);
    expect(sample.rttMs).toBeCloseTo(120, 5);
    expect(sample.receiveLoss).toBe(0);
    expect(sample.sendLoss).toBe(0.05);
    expect(sample.sendLossTotal).toBeCloseTo(3 / 153, 5);
    // The worse direction rates the call.
    expect(sample.loss).toBe(0.05);
  });

  it('has no MOS in a second without inbound packets (on hold), and no loss either', () => {
    const second = readingFromReport(
      report({
        at: 11_000,
        bytesSent: 16_000,
        bytesReceived: 16_000,
        packetsSent: 100,
        packetsReceived: 100,
        packetsLost: 0,
      }),
    );
    const sample = sampleBetween(first, second);
    expect(sample.mos).toBeUndefined();
    expect(sample.receiveLoss).toBeUndefined();
    expect(sample.receiveKbps).toBe(0);
  });

  it('sums a whole call into codec, average MOS, worst loss and seconds', () => {
    expect(summaryOf(EMPTY_TALLY)).toBeUndefined();
    const tally = [
      { at: 1, mos: 4.4, loss: 0, codec: 'PCMU' },
      { at: 2, mos: 4.0, loss: 0.02, codec: 'PCMU' },
      { at: 3, loss: 0 },
      { at: 4, mos: 4.2, loss: 0.01, codec: 'PCMU' },
    ].reduce(
      (sum, s) => addToTally(sum, { sendKbps: 64, receiveKbps: 64, receiveLossTotal: 0, ...s }, 1),
      EMPTY_TALLY,
    );
    expect(summaryOf(tally)).toEqual({ codec: 'PCMU', averageMos: 4.2, worstLoss: 0.02, measuredSeconds: 4 });
  });
});
