/**
 * What the bridge tells the world about each call's media, and nothing more: packets and bytes per
 * leg and direction, what the plain leg saw (loss, jitter, where the far end really sends from),
 * what the far end reported about us, and the time the bridge adds to each packet.
 *
 * Proposed as a gateway event for the renderer's call-quality panel (the far leg's figures), e.g.
 * `{ kind: 'media'; accountId; callId; report: MediaReport }` in the contract's `GatewayEvent`; it is
 * optional: a bridge with no reporter just does not report.
 */
import type { SrtpSuite } from './srtp-context';

export interface LegTraffic {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
}

export interface LatencySummary {
  /** Packets timed: one in four ({@link ArrivalClock}). */
  samples: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

export interface StreamReport {
  kind: 'audio' | 'video';
  /** Chromium's side (DTLS-SRTP to the renderer). */
  webrtc: LegTraffic & {
    /**
     * Chromium's RTP the bridge's SRTP dropped: failed authentication, or replayed (RFC 3711
     * §3.3.2). Kept per DTLS transport: under BUNDLE every stream of a call shows the same figures.
     */
    unauthenticated: number;
    replayed: number;
    /** The SRTP profile its DTLS agreed, once the bridge's relay carries the stream. */
    srtp?: SrtpSuite;
  };
  /** The far end's side. */
  plain: LegTraffic & {
    /** Packets dropped before relaying: from a source not (yet) admitted, or not RTP. */
    rejected: number;
    srtp: boolean;
    /** RTP packets that failed SRTP authentication. */
    unauthenticated: number;
    /** RTCP packets that failed SRTCP authentication. */
    rtcpUnauthenticated: number;
    /** Where RTP goes now (the SDP's address or the latched source), if anywhere. */
    destination?: string;
    /** RFC 3550 figures for the far end's stream as we receive it. */
    lost: number;
    jitterMs: number;
    /** What the far end's reports say about our stream. */
    farEndLost?: number;
    farEndJitterMs?: number;
    roundTripMs?: number;
  };
  /** Codecs in use, e.g. `PCMU/8000`. */
  codecs: string[];
  /** Socket to socket, per direction. */
  addedLatency: { toPlain?: LatencySummary; toWebrtc?: LatencySummary };
}

export interface MediaReport {
  accountId: string;
  callId: string;
  streams: StreamReport[];
}

/** Receives reports: periodically while a call has media, and once when it ends. */
export interface MediaReporter {
  update?(report: MediaReport): void;
  ended?(report: MediaReport): void;
}

/**
 * When packets reached a socket, for one packet in four: the latency figures need a sample, not a
 * clock read (and a BigInt) for every packet of every call. The others read as 0n, not timed.
 */
export class ArrivalClock {
  private packets = 0;

  read(): bigint {
    this.packets = (this.packets + 1) & 3;
    return this.packets === 0 ? process.hrtime.bigint() : 0n;
  }
}

/**
 * The time a packet spends in the bridge, kept for the last {@link capacity} packets so a long call
 * costs a fixed amount of memory.
 */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private count = 0;

  constructor(private readonly capacity = 4096) {
    this.samples = new Float64Array(capacity);
  }

  /** One packet: from its arrival at a socket (hrtime ns) to now; 0n is a packet not timed. */
  record(arrivalNs: bigint): void {
    if (arrivalNs === 0n) return;
    this.samples[this.count % this.capacity] = Number(process.hrtime.bigint() - arrivalNs) / 1e6;
    this.count++;
  }

  get total(): number {
    return this.count;
  }

  summary(): LatencySummary | undefined {
    const n = Math.min(this.count, this.capacity);
    if (n === 0) return undefined;
    const sorted = Array.from(this.samples.subarray(0, n)).sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)] ?? 0;
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      samples: this.count,
      medianMs: round(at(0.5)),
      p99Ms: round(at(0.99)),
      maxMs: round(sorted[n - 1] ?? 0),
    };
  }
}
