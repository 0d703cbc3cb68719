import { estimateMos } from './e-model';

/** One entry of an `RTCStatsReport` as the browser gives it (W3C webrtc-stats): typed fields we read. */
export type StatsEntry = { id: string; type: string; timestamp: number } & Record<string, unknown>;

/**
 * The audio counters of one `getStats()` call, summed over the call's audio streams. Counters are
 * cumulative since the stream began; two readings make a {@link QualitySample}.
 */
export interface StatsReading {
  /** The report's time in ms (performance time origin + now, as the browser stamps it). */
  at: number;
  codec?: { mimeType: string; clockRate?: number };
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
  /** Inbound packets the far end sent that never arrived (RTP sequence gaps). */
  packetsLost: number;
  /** What the far end reports losing of ours (RTCP receiver reports); absent until the first RR. */
  remote?: { packetsLost: number; fractionLost?: number; roundTripTimeS?: number };
  jitterS?: number;
  /** Seconds of audio samples held in the jitter buffer, summed over every emitted sample. */
  jitterBufferDelayS: number;
  jitterBufferEmittedCount: number;
  /** The selected ICE candidate pair's last STUN round trip (consent checks), seconds. */
  candidateRttS?: number;
  audioLevelIn?: number;
  audioLevelOut?: number;
}

/** One second (or whatever the gap between readings) of a call's audio quality. */
export interface QualitySample {
  at: number;
  codec?: string;
  clockRate?: number;
  sendKbps: number;
  receiveKbps: number;
  /** Share of inbound packets lost in this window, 0..1; undefined when none were due. */
  receiveLoss?: number;
  /** Share of inbound packets lost since the call began, 0..1. */
  receiveLossTotal: number;
  /** Share of our packets the far end reported lost in its latest receiver report, 0..1. */
  sendLoss?: number;
  /** Share of our packets the far end reported lost since the call began, 0..1. */
  sendLossTotal?: number;
  /** The worse direction's loss in this window: a conversation fails when either side cannot hear. */
  loss?: number;
  jitterMs?: number;
  rttMs?: number;
  jitterBufferMs?: number;
  /** 0..1, what we hear and what we send (W3C `audioLevel`). */
  audioLevelIn?: number;
  audioLevelOut?: number;
  /** Estimated MOS (G.107 E-model); undefined in a window without inbound audio (e.g. on hold). */
  mos?: number;
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const optionalNum = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Sums a stats report's audio streams into one reading. */
export function readingFromReport(entries: readonly StatsEntry[]): StatsReading {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const reading: StatsReading = {
    at: 0,
    bytesSent: 0,
    bytesReceived: 0,
    packetsSent: 0,
    packetsReceived: 0,
    packetsLost: 0,
    jitterBufferDelayS: 0,
    jitterBufferEmittedCount: 0,
  };
  let codecId: string | undefined;
  let selectedPairId: string | undefined;
  for (const entry of entries) {
    reading.at = Math.max(reading.at, entry.timestamp);
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string')
      selectedPairId = entry.selectedCandidatePairId;
    if (entry.kind !== 'audio') continue;
    switch (entry.type) {
      case 'inbound-rtp':
        reading.bytesReceived += num(entry.bytesReceived);
        reading.packetsReceived += num(entry.packetsReceived);
        reading.packetsLost += Math.max(0, num(entry.packetsLost));
        reading.jitterBufferDelayS += num(entry.jitterBufferDelay);
        reading.jitterBufferEmittedCount += num(entry.jitterBufferEmittedCount);
        reading.jitterS = maxOf(reading.jitterS, optionalNum(entry.jitter));
        reading.audioLevelIn = maxOf(reading.audioLevelIn, optionalNum(entry.audioLevel));
        if (typeof entry.codecId === 'string') codecId = entry.codecId;
        break;
      case 'outbound-rtp':
        reading.bytesSent += num(entry.bytesSent);
        reading.packetsSent += num(entry.packetsSent);
        if (codecId === undefined && typeof entry.codecId === 'string') codecId = entry.codecId;
        break;
      case 'remote-inbound-rtp':
        reading.remote = {
          packetsLost: (reading.remote?.packetsLost ?? 0) + Math.max(0, num(entry.packetsLost)),
          ...definedFields({
            fractionLost: maxOf(reading.remote?.fractionLost, optionalNum(entry.fractionLost)),
            roundTripTimeS: maxOf(reading.remote?.roundTripTimeS, optionalNum(entry.roundTripTime)),
          }),
        };
        break;
      case 'media-source':
        reading.audioLevelOut = maxOf(reading.audioLevelOut, optionalNum(entry.audioLevel));
        break;
    }
  }
  const codec = codecId === undefined ? undefined : byId.get(codecId);
  if (codec && typeof codec.mimeType === 'string') {
    const clockRate = optionalNum(codec.clockRate);
    reading.codec = { mimeType: codec.mimeType, ...(clockRate === undefined ? {} : { clockRate }) };
  }
  const pair = selectedPairId === undefined ? nominatedPair(entries) : byId.get(selectedPairId);
  const candidateRtt = optionalNum(pair?.currentRoundTripTime);
  if (candidateRtt !== undefined) reading.candidateRttS = candidateRtt;
  return reading;
}

/** Firefox has no `transport` stats; its selected pair is the nominated one that succeeded. */
function nominatedPair(entries: readonly StatsEntry[]): StatsEntry | undefined {
  return entries.find((e) => e.type === 'candidate-pair' && e.nominated === true && e.state === 'succeeded');
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}

function definedFields<T extends Record<string, number | undefined>>(
  fields: T,
): Partial<Record<keyof T, number>> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<
    Record<keyof T, number>
  >;
}

/**
 * Without a measured jitter buffer (no audio emitted yet), assume it holds two jitter spans and at
 * least one frame, about where an adaptive buffer such as Chromium's NetEq settles.
 */
function jitterBufferEstimateMs(jitterMs: number | undefined): number {
  return Math.max(20, 2 * (jitterMs ?? 0));
}

/** What happened between two readings of the same call. */
export function sampleBetween(previous: StatsReading, current: StatsReading): QualitySample {
  const seconds = Math.max(0.001, (current.at - previous.at) / 1000);
  const kbps = (bytes: number) => Math.max(0, (bytes * 8) / 1000 / seconds);
  const received = Math.max(0, current.packetsReceived - previous.packetsReceived);
  const lost = Math.max(0, current.packetsLost - previous.packetsLost);
  const receiveLoss = received + lost > 0 ? lost / (received + lost) : undefined;
  const receiveLossTotal =
    current.packetsReceived + current.packetsLost > 0
      ? current.packetsLost / (current.packetsReceived + current.packetsLost)
      : 0;
  const sendLoss = current.remote?.fractionLost;
  const sendLossTotal =
    current.remote && current.packetsSent > 0
      ? Math.min(1, current.remote.packetsLost / (current.packetsSent + current.remote.packetsLost))
      : undefined;
  const jitterMs = current.jitterS === undefined ? undefined : current.jitterS * 1000;
  const rttS = current.remote?.roundTripTimeS ?? current.candidateRttS;
  const rttMs = rttS === undefined ? undefined : rttS * 1000;
  const emitted = current.jitterBufferEmittedCount - previous.jitterBufferEmittedCount;
  const jitterBufferMs =
    emitted > 0
      ? ((current.jitterBufferDelayS - previous.jitterBufferDelayS) / emitted) * 1000
      : jitterBufferEstimateMs(jitterMs);
  const loss = maxOf(receiveLoss, sendLoss);
  const codec = current.codec?.mimeType.replace(/^audio\//i, '');
  const mos =
    received > 0
      ? estimateMos({ rttMs: rttMs ?? 0, jitterBufferMs, lossPercent: (loss ?? 0) * 100, codec })
      : undefined;
  return {
    at: current.at,
    ...(codec === undefined ? {} : { codec }),
    ...(current.codec?.clockRate === undefined ? {} : { clockRate: current.codec.clockRate }),
    sendKbps: kbps(current.bytesSent - previous.bytesSent),
    receiveKbps: kbps(current.bytesReceived - previous.bytesReceived),
    receiveLossTotal,
    jitterBufferMs,
    ...definedFields({
      receiveLoss,
      sendLoss,
      sendLossTotal,
      loss,
      jitterMs,
      rttMs,
      audioLevelIn: current.audioLevelIn,
      audioLevelOut: current.audioLevelOut,
      mos,
    }),
  };
}
