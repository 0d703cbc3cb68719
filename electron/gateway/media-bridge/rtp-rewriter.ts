/**
 * One direction of one relayed stream: what changes in each packet between the legs, and nothing
 * else (no transcoding, payload bytes untouched).
 *
 * - Payload type: each leg has its own numbers for the same codec (RFC 3264 §5.1); telephone-event
 *   in particular arrives at whatever number a provider likes. Unknown payload types are dropped.
 * - SSRC: the receiving leg knows one sender SSRC per stream (werift's, announced in its SDP; ours on
 *   the plain leg), so every packet goes out with it.
 * - Sequence numbers and timestamps: passed through, shifted only to stay continuous for the
 *   receiver when packets are dropped (no false loss) or when the sender's SSRC changes (a re-INVITE,
 *   a transfer to another media server): the receiver sees one stream that never restarted.
 */
import {
  payloadType,
  sequenceNumber,
  setPayloadType,
  setSequenceNumber,
  setSsrc,
  ssrc,
  timestamp,
} from './rtp-header';

/** Timestamp step assumed across a source switch: 20 ms at the stream's clock. */
const SWITCH_STEP_MS = 20;

export class RtpRewriter {
  private payloadTypes = new Map<number, number>();
  private clockRates = new Map<number, number>();
  private inputSsrc: number | undefined;
  private sequenceShift = 0;
  private timestampShift = 0;
  private lastSequence: number | undefined;
  private lastTimestamp: number | undefined;
  dropped = 0;

  constructor(private readonly outputSsrc: number) {}

  /** Input payload type -> output payload type and the codec's clock rate. */
  setPayloadTypes(map: ReadonlyMap<number, { payloadType: number; clockRate: number }>): void {
    this.payloadTypes = new Map([...map].map(([input, out]) => [input, out.payloadType]));
    this.clockRates = new Map([...map].map(([input, out]) => [input, out.clockRate]));
  }

  /** The clock rate of an input payload type, when it is relayed. */
  clockRate(inputPayloadType: number): number | undefined {
    return this.clockRates.get(inputPayloadType);
  }

  /**
   * Rewrites the packet in place for the other leg. Returns false when it must be dropped (a
   * payload type the other leg did not agree to); the next packets then close the gap.
   */
  rewrite(packet: Buffer): boolean {
    const input = payloadType(packet);
    const output = this.payloadTypes.get(input);
    if (output === undefined) {
      this.dropped++;
      this.sequenceShift = (this.sequenceShift - 1) & 0xffff;
      return false;
    }
    const source = ssrc(packet);
    if (this.inputSsrc !== source) {
      if (
        this.inputSsrc !== undefined &&
        this.lastSequence !== undefined &&
        this.lastTimestamp !== undefined
      ) {
        const step = Math.round(((this.clockRates.get(input) ?? 8000) * SWITCH_STEP_MS) / 1000);
        this.sequenceShift = (this.lastSequence + 1 - sequenceNumber(packet)) & 0xffff;
        this.timestampShift = (this.lastTimestamp + step - timestamp(packet)) >>> 0;
      }
      this.inputSsrc = source;
    }
    setPayloadType(packet, output);
    setSsrc(packet, this.outputSsrc);
    if (this.sequenceShift !== 0) setSequenceNumber(packet, sequenceNumber(packet) + this.sequenceShift);
    if (this.timestampShift !== 0) packet.writeUInt32BE((timestamp(packet) + this.timestampShift) >>> 0, 4);
    this.lastSequence = sequenceNumber(packet);
    this.lastTimestamp = timestamp(packet);
    return true;
  }
}
