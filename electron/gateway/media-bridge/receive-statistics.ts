/**
 * What a receiver learns about one RTP source, per RFC 3550 Appendix A: the extended highest
 * sequence number (A.1), loss and fraction lost since the last report (A.3), interarrival jitter
 * (A.8). It fills the report blocks of the plain leg's RTCP and the bridge's per-call report.
 */

const SEQUENCE_MOD = 1 << 16;
/** A.1: a jump larger than this is a restart of the source, not loss. */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export class ReceiveStatistics {
  packets = 0;
  bytes = 0;
  private baseSequence = 0;
  private maxSequence = 0;
  private cycles = 0;
  private started = false;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private jitterTimestampUnits = 0;
  private lastTransit: number | undefined;

  /**
   * @param clockRate RTP clock of the stream, to convert arrival times into timestamp units.
   */
  constructor(private clockRate: number) {}

  /** Takes one packet: its sequence number, RTP timestamp, size, and arrival time in ms. */
  add(sequence: number, rtpTimestamp: number, bytes: number, arrivalMs: number): void {
    this.packets++;
    this.bytes += bytes;
    if (!this.started) {
      this.started = true;
      this.baseSequence = sequence;
      this.maxSequence = sequence;
    } else {
      const delta = (sequence - this.maxSequence + SEQUENCE_MOD) % SEQUENCE_MOD;
      if (delta > 0 && delta < MAX_DROPOUT) {
        if (sequence < this.maxSequence) this.cycles += SEQUENCE_MOD;
        this.maxSequence = sequence;
      } else if (delta !== 0 && delta <= SEQUENCE_MOD - MAX_MISORDER) {
        // A large jump: the source restarted its numbering (A.1 would wait for two packets; one
        // restart per call is what phones do on re-INVITE, so re-base at once).
        this.baseSequence = sequence;
        this.maxSequence = sequence;
        this.cycles = 0;
        this.expectedPrior = 0;
        this.receivedPrior = 0;
        this.packets = 1;
      }
    }
    const transit = (arrivalMs * this.clockRate) / 1000 - rtpTimestamp;
    if (this.lastTransit !== undefined) {
      let d = Math.abs(transit - this.lastTransit);
      // RTP timestamps wrap at 2^32; a difference near that is a wrap, not jitter.
      if (d > 2 ** 31) d = Math.abs(d - 2 ** 32);
      this.jitterTimestampUnits += (d - this.jitterTimestampUnits) / 16;
    }
    this.lastTransit = transit;
  }

  /** Extended highest sequence number received (cycles in the top 16 bits). */
  get extendedHighestSequence(): number {
    return (this.cycles + this.maxSequence) >>> 0;
  }

  get expected(): number {
    return this.started ? this.cycles + this.maxSequence - this.baseSequence + 1 : 0;
  }

  /** Cumulative packets lost (may be negative with duplicates, A.3), clamped to 24 bits signed. */
  get lost(): number {
    return Math.max(-0x800000, Math.min(0x7fffff, this.expected - this.packets));
  }

  /** Interarrival jitter in RTP timestamp units, as an RTCP report block carries it. */
  get jitter(): number {
    return Math.round(this.jitterTimestampUnits);
  }

  get jitterMs(): number {
    return (this.jitterTimestampUnits * 1000) / this.clockRate;
  }

  /** Fraction lost since the previous call, as the 8-bit fixed point of a report block (A.3). */
  takeFractionLost(): number {
    const expectedInterval = this.expected - this.expectedPrior;
    const receivedInterval = this.packets - this.receivedPrior;
    this.expectedPrior = this.expected;
    this.receivedPrior = this.packets;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval << 8) / expectedInterval));
  }

  /** A codec change can change the clock; jitter is then counted afresh. */
  setClockRate(clockRate: number): void {
    if (clockRate === this.clockRate) return;
    this.clockRate = clockRate;
    this.lastTransit = undefined;
    this.jitterTimestampUnits = 0;
  }
}
