import type { CallSnapshot } from './call-state';
import { addToTally, EMPTY_TALLY, summaryOf, type CallQualitySummary } from './call-quality-summary';
import {
  readingFromReport,
  sampleBetween,
  type QualitySample,
  type StatsEntry,
  type StatsReading,
} from './call-stats-sample';
import { rateQuality, type RatedQuality } from './quality-rating';

/** A call's live quality: the last minute of one-second samples and the current rating. */
export interface CallQualitySnapshot {
  callId: string;
  /** Oldest first, at most {@link WINDOW_MS} of them. */
  samples: QualitySample[];
  /** Undefined until a second with audio has been measured. */
  rating?: RatedQuality;
}

/** Reads the call's peer connection; undefined once it is gone. */
export type StatsSource = () => Promise<RTCStatsReport | undefined>;

export const WINDOW_MS = 60_000;
const PERIOD_MS = 1_000;

/**
 * Samples one call's `getStats()` once a second. The next read is scheduled only when the previous
 * one has answered, so a slow `getStats()` under load never piles reads up.
 */
export class CallQualityMonitor {
  private previous: StatsReading | undefined;
  private samples: QualitySample[] = [];
  private rating: RatedQuality | undefined;
  private tally = EMPTY_TALLY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly callId: string,
    private readonly read: StatsSource,
    private readonly onUpdate: (quality: CallQualitySnapshot) => void,
    private readonly periodMs = PERIOD_MS,
  ) {}

  start(): void {
    void this.tick();
  }

  /** Stops sampling; returns what the history keeps. */
  stop(): CallQualitySummary | undefined {
    this.stopped = true;
    clearTimeout(this.timer);
    return summaryOf(this.tally);
  }

  private async tick(): Promise<void> {
    try {
      const report = await this.read();
      if (report && !this.stopped) this.take(readingFromReport([...report.values()] as StatsEntry[]));
    } catch {
      // The peer connection was closed between two reads (the call is ending): nothing to sample.
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.periodMs);
  }

  private take(reading: StatsReading): void {
    const previous = this.previous;
    this.previous = reading;
    if (!previous || reading.at <= previous.at) return;
    const sample = sampleBetween(previous, reading);
    this.samples = [...this.samples.filter((s) => s.at > sample.at - WINDOW_MS), sample];
    this.rating = rateQuality(this.samples, this.rating);
    this.tally = addToTally(this.tally, sample, (reading.at - previous.at) / 1000);
    this.onUpdate({
      callId: this.callId,
      samples: this.samples,
      ...(this.rating ? { rating: this.rating } : {}),
    });
  }
}

/**
 * Measures every call while it is connected: starts when a call becomes active, stops when it ends
 * and puts the summary on the ended snapshot, so whoever records the call keeps it.
 */
export class CallQualityWatch {
  private readonly monitors = new Map<string, CallQualityMonitor>();

  constructor(
    private readonly onQuality: (callId: string, quality: CallQualitySnapshot | undefined) => void,
  ) {}

  follow(snapshot: CallSnapshot, read: StatsSource): CallSnapshot {
    if (snapshot.state === 'active' && !this.monitors.has(snapshot.id)) {
      const monitor = new CallQualityMonitor(snapshot.id, read, (quality) =>
        this.onQuality(snapshot.id, quality),
      );
      this.monitors.set(snapshot.id, monitor);
      monitor.start();
    }
    if (snapshot.state !== 'ended') return snapshot;
    const monitor = this.monitors.get(snapshot.id);
    if (!monitor) return snapshot;
    this.monitors.delete(snapshot.id);
    const quality = monitor.stop();
    this.onQuality(snapshot.id, undefined);
    return quality ? { ...snapshot, quality } : snapshot;
  }
}
