/**
 * The one place that decides where the plain leg may send packets.
 *
 * A compromised renderer must not turn the gateway into a packet cannon, so the only addresses
 * RTP and RTCP can go to are:
 * - what the far end's own SDP names, parsed from a SIP message that arrived from the account's
 *   server ({@link MediaDestinations.setFarEnd}); nothing the renderer sends ever reaches it;
 * - the source the far end's packets actually come from, once it proved itself with several
 *   in-sequence packets (symmetric RTP for NAT, like Asterisk's `strictrtp`): a provider's SDP often
 *   names a private address, and a single stray packet must not steal the stream.
 * A peer that holds with `0.0.0.0` or does not want to receive (`sendonly`/`inactive`) gets no RTP.
 */
import type { Endpoint } from './sdp';

/** In-sequence packets a new source must send before the stream switches to it. */
export const DEFAULT_PROBATION_PACKETS = 4;

function same(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  return !!a && !!b && a.address === b.address && a.port === b.port;
}

export interface FarEndMedia {
  /** RTP address from its SDP, or undefined (port 0, `0.0.0.0`, no address). */
  rtp: Endpoint | undefined;
  /** RTCP address from its SDP (rtcp-mux, `a=rtcp` or RTP+1). */
  rtcp: Endpoint | undefined;
  /** Its SDP direction lets it receive RTP (`sendrecv`/`recvonly`). */
  receivesRtp: boolean;
}

export class MediaDestinations {
  private farEnd: FarEndMedia = { rtp: undefined, rtcp: undefined, receivesRtp: false };
  private latchedRtp: Endpoint | undefined;
  private latchedRtcp: Endpoint | undefined;
  private candidate: { source: Endpoint; sequence: number; count: number } | undefined;

  constructor(private readonly probationPackets = DEFAULT_PROBATION_PACKETS) {}

  /**
   * What the far end's SDP says, each time it says it (answer, re-INVITE, UPDATE). A new address
   * forgets the latched source: the media really moved (a transfer, a new media server).
   */
  setFarEnd(media: FarEndMedia): void {
    if (!same(media.rtp, this.farEnd.rtp)) {
      this.latchedRtp = undefined;
      this.latchedRtcp = undefined;
      this.candidate = undefined;
    }
    this.farEnd = { ...media };
  }

  /** Where RTP goes now, or undefined when nothing may be sent. */
  rtpDestination(): Endpoint | undefined {
    if (!this.farEnd.receivesRtp || !this.farEnd.rtp) return undefined;
    return this.latchedRtp ?? this.farEnd.rtp;
  }

  /** Where RTCP goes now (RTCP flows on hold too, RFC 3264 §5.1, but not to `0.0.0.0`). */
  rtcpDestination(): Endpoint | undefined {
    if (!this.farEnd.rtp) return undefined;
    return this.latchedRtcp ?? this.farEnd.rtcp;
  }

  /**
   * Judges an incoming RTP packet's source. Packets from the current destination pass; from
   * anywhere else they are dropped until one source has sent {@link probationPackets} packets with
   * consecutive sequence numbers, and then the stream switches to it.
   */
  admitRtp(source: Endpoint, sequence: number): boolean {
    const current = this.latchedRtp ?? this.farEnd.rtp;
    if (same(source, current)) {
      this.latchedRtp ??= { address: source.address, port: source.port };
      this.candidate = undefined;
      return true;
    }
    const candidate = this.candidate;
    if (candidate && same(candidate.source, source) && ((candidate.sequence + 1) & 0xffff) === sequence) {
      candidate.sequence = sequence;
      candidate.count++;
    } else {
      this.candidate = { source: { address: source.address, port: source.port }, sequence, count: 1 };
    }
    if ((this.candidate?.count ?? 0) < this.probationPackets) return false;
    this.latchedRtp = { address: source.address, port: source.port };
    // RTCP from behind the same NAT comes from that address too; learn its port when it does.
    if (this.latchedRtcp && this.latchedRtcp.address !== source.address) this.latchedRtcp = undefined;
    this.candidate = undefined;
    return true;
  }

  /**
   * Judges an incoming RTCP packet's source: the far end's SDP addresses or the latched RTP
   * address. Its port is learnt, so reports go back through the same NAT binding.
   */
  admitRtcp(source: Endpoint): boolean {
    const known = [this.farEnd.rtp?.address, this.farEnd.rtcp?.address, this.latchedRtp?.address];
    if (!known.includes(source.address)) return false;
    if (!same(source, this.rtcpDestination()))
      this.latchedRtcp = { address: source.address, port: source.port };
    return true;
  }
}
