/**
 * RTCP for one stream on one leg (RFC 3550 §6), kept from what the bridge itself sent and received
 * there: a sender report while we send, a receiver report about the other end's source, SDES CNAME
 * in every compound packet (§6.1). The other end's reports about us are read back, so both ends'
 * statistics describe this leg and not a guess. Used on the plain leg, and on the WebRTC leg for
 * the RTP the bridge relays past werift (dtls-srtp-relay.ts), where werift's own reports would
 * count nothing.
 */
import {
  compactNtp,
  type RtcpPacket,
  ntpTime,
  RtcpPacketConverter,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  SourceDescriptionChunk,
  SourceDescriptionItem,
} from 'werift';
import { ReceiveStatistics } from './receive-statistics';

/** What the far end said about the packets we send it (its latest report block about our SSRC). */
export interface FarEndReceptionReport {
  fractionLost: number;
  packetsLost: number;
  jitter: number;
  /** Round trip from LSR/DLSR (RFC 3550 §6.4.1), when it echoed one of our SRs. */
  roundTripMs?: number;
}

export class RtcpSession {
  packetsSent = 0;
  octetsSent = 0;
  private lastRtpTimestamp = 0;
  private lastSentAtMs = 0;
  private sentClockRate = 8000;
  private sentSinceReport = false;
  private source: { ssrc: number; statistics: ReceiveStatistics } | undefined;
  /** Middle 32 bits of the far end's last SR NTP time, and when it arrived (for LSR/DLSR). */
  private lastFarEndSr: { compact: number; atMs: number } | undefined;
  /** Our SRs by compact NTP time, to compute the round trip from the far end's LSR/DLSR. */
  private ourSrTimes = new Map<number, number>();
  farEndReport: FarEndReceptionReport | undefined;

  constructor(
    readonly ssrc: number,
    private readonly cname: string,
  ) {}

  /** One RTP packet went out on this stream. */
  sent(payloadBytes: number, rtpTimestamp: number, nowMs: number, clockRate: number): void {
    this.packetsSent++;
    this.sentClockRate = clockRate;
    this.octetsSent += payloadBytes;
    this.lastRtpTimestamp = rtpTimestamp;
    this.lastSentAtMs = nowMs;
    this.sentSinceReport = true;
  }

  /** One RTP packet came in from the far end (after the source was admitted). */
  received(
    ssrc: number,
    sequence: number,
    rtpTimestamp: number,
    bytes: number,
    arrivalMs: number,
    clockRate: number,
  ): void {
    if (this.source?.ssrc !== ssrc) this.source = { ssrc, statistics: new ReceiveStatistics(clockRate) };
    this.source.statistics.setClockRate(clockRate);
    this.source.statistics.add(sequence, rtpTimestamp, bytes, arrivalMs);
  }

  get receiveStatistics(): ReceiveStatistics | undefined {
    return this.source?.statistics;
  }

  /** Reads a compound RTCP packet from the far end. Malformed packets are ignored. */
  receivedRtcp(packet: Buffer, nowMs: number): void {
    let packets: ReturnType<typeof RtcpPacketConverter.deSerialize>;
    try {
      packets = RtcpPacketConverter.deSerialize(packet);
    } catch {
      return;
    }
    this.readRtcp(packets, nowMs);
  }

  /** Reads RTCP packets already parsed (werift's, on the WebRTC leg). */
  readRtcp(packets: readonly RtcpPacket[], nowMs: number): void {
    for (const rtcp of packets) {
      // Under BUNDLE one transport carries every stream's reports: only our source's SR is ours.
      if (rtcp instanceof RtcpSrPacket && (!this.source || rtcp.ssrc === this.source.ssrc)) {
        this.lastFarEndSr = { compact: compactNtp(rtcp.senderInfo.ntpTimestamp), atMs: nowMs };
      }
      if (rtcp instanceof RtcpSrPacket || rtcp instanceof RtcpRrPacket) {
        const aboutUs = rtcp.reports.find((report) => report.ssrc === this.ssrc);
        if (aboutUs) this.farEndReport = this.readReport(aboutUs, nowMs);
      }
    }
  }

  private readReport(report: RtcpReceiverInfo, nowMs: number): FarEndReceptionReport {
    const result: FarEndReceptionReport = {
      fractionLost: report.fractionLost / 256,
      packetsLost: report.packetsLost,
      jitter: report.jitter,
    };
    const sentAt = report.lsr ? this.ourSrTimes.get(report.lsr) : undefined;
    if (sentAt !== undefined) result.roundTripMs = Math.max(0, nowMs - sentAt - (report.dlsr / 65536) * 1000);
    return result;
  }

  /**
   * The next compound report: SR when we sent RTP since the last one (RFC 3550 §6.4), else RR;
   * then SDES CNAME.
   */
  buildReport(nowMs: number): Buffer {
    return Buffer.concat(this.buildPackets(nowMs).map((packet) => packet.serialize()));
  }

  /** {@link buildReport} as werift's packet objects, for werift's SRTCP to send. */
  buildPackets(nowMs: number): RtcpPacket[] {
    const reports: RtcpReceiverInfo[] = [];
    if (this.source) {
      const statistics = this.source.statistics;
      const lsr = this.lastFarEndSr?.compact ?? 0;
      const dlsr = this.lastFarEndSr ? Math.round(((nowMs - this.lastFarEndSr.atMs) / 1000) * 65536) : 0;
      reports.push(
        new RtcpReceiverInfo({
          ssrc: this.source.ssrc,
          fractionLost: statistics.takeFractionLost(),
          // Signed 24 bits on the wire (RFC 3550 §6.4.1): duplicates, e.g. retransmissions that both
          // arrive, make it negative. werift writes it unsigned, so hand it the two's complement.
          packetsLost: statistics.lost & 0xffffff,
          highestSequence: statistics.extendedHighestSequence,
          jitter: statistics.jitter,
          lsr,
          dlsr,
        }),
      );
    }
    let first: RtcpSrPacket | RtcpRrPacket;
    if (this.sentSinceReport) {
      const ntp = ntpTime();
      // The RTP clock at this NTP time, carried on from the last packet sent (§6.4.1).
      const elapsed = Math.max(0, nowMs - this.lastSentAtMs);
      const rtpTimestamp = (this.lastRtpTimestamp + Math.round((elapsed * this.sentClockRate) / 1000)) >>> 0;
      first = new RtcpSrPacket({
        ssrc: this.ssrc,
        senderInfo: new RtcpSenderInfo({
          ntpTimestamp: ntp,
          rtpTimestamp,
          packetCount: this.packetsSent >>> 0,
          octetCount: this.octetsSent >>> 0,
        }),
        reports,
      });
      this.ourSrTimes.set(compactNtp(ntp), nowMs);
      if (this.ourSrTimes.size > 8) this.ourSrTimes.delete(this.ourSrTimes.keys().next().value ?? 0);
    } else {
      first = new RtcpRrPacket({ ssrc: this.ssrc, reports });
    }
    this.sentSinceReport = false;
    const sdes = new RtcpSourceDescriptionPacket({
      chunks: [
        new SourceDescriptionChunk({
          source: this.ssrc,
          items: [new SourceDescriptionItem({ type: 1, text: this.cname })],
        }),
      ],
    });
    return [first, sdes];
  }
}
