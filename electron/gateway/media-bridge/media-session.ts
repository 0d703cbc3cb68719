/**
 * The media of one call: a werift peer connection towards Chromium, one plain leg per stream
 * towards the far end, and the relay between them.
 *
 * Driven only by SDP, in the four moves of RFC 3264 seen from the bridge:
 * - {@link localOffer}: Chromium offers (SIP.js sends an INVITE, re-INVITE, UPDATE or a late-offer
 *   200) -> the plain offer the far end gets. werift is not touched yet, so a refused offer leaves
 *   nothing to undo.
 * - {@link remoteAnswer}: the far end answers -> werift answers Chromium's offer, cut to the codecs
 *   the far end took, in Chromium's numbering. A later answer to the same offer (183 then 200, or a
 *   200 that changed the SDP) only updates the plain leg ({@link remoteAnswerRevision}).
 * - {@link remoteOffer}: the far end offers -> werift offers Chromium exactly the far end's relayable
 *   codecs, in the far end's numbering.
 * - {@link localAnswer}: Chromium answers -> the plain answer.
 *
 * The far end's addresses come only from {@link remoteAnswer}/{@link remoteOffer}, which the hook
 * calls only for messages that arrived from the server.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { PictureLossIndication, RtcpPacketConverter, RtcpPayloadSpecificFeedback } from 'werift';
import { codecLabel, isRelayable, sameCodec, type MediaKind, type RtpCodec } from './codecs';
import { holdsLegacyFullIntraRequest } from './key-frame-request';
import { LatencyRecorder, type MediaReport, type MediaReporter, type StreamReport } from './media-report';
import { PlainLeg, type PortRange } from './plain-leg';
import { RtcpSession } from './rtcp-session';
import { writePlainSdp, type PlainSdpStream } from './plain-sdp';
import { RtpRewriter } from './rtp-rewriter';
import { payloadType, sequenceNumber, ssrc, timestamp, withoutHeaderExtension } from './rtp-header';
import { chooseCrypto, cryptoAttribute, newSrtpKey, type SdesChoice, type SrtpKey } from './sdes';
import {
  parseSdp,
  rtcpEndpoint,
  rtpEndpoint,
  SdpError,
  wantsToReceive,
  type MediaDirection,
  type ParsedSdp,
  type SdpMediaSection,
} from './sdp';
import { WebRtcLeg } from './webrtc-leg';
import { restrictOffer } from './webrtc-sdp';

/** Where this call's plain media lives, from the SIP connection's point of view. */
export interface LocalMedia {
  /** The address our sockets bind to: the interface that reaches the server. */
  bindAddress: string;
  /** The address our SDP names: as the server sees us (Via `received`) when it told us. */
  advertisedAddress: string;
  /** Offer SDES-SRTP in our own offers (the account's SIP runs over TLS). */
  offerSrtp: boolean;
}

export interface MediaSessionOptions {
  accountId: string;
  callId: string;
  webrtcHostAddress: string;
  portRange: PortRange;
  probationPackets?: number;
  reporter?: MediaReporter;
  log: (line: string) => void;
}

const RTCP_INTERVAL_MS = 5000;
/**
 * The far end's latest audio packet waits this long at most for Chromium's leg to come up (see
 * {@link BridgedStream.held}): one packet interval and then some; anything older is not "now".
 */
const HELD_AUDIO_MAX_AGE_MS = 40;
const KINDS: readonly string[] = ['audio', 'video'];

/** A plain m-line the bridge does not carry (another media type, no common codec): answered with port 0. */
interface RejectedLine {
  bridged: false;
  kind: string;
  codecs: RtpCodec[];
}

interface CodecPair {
  plain: RtpCodec;
  webrtc: RtpCodec;
}

class BridgedStream {
  readonly bridged = true;
  /** Chromium's m-line (mid) this stream is joined to, once known. */
  mid: string | undefined;
  /** Chromium's relayable codecs in its last offer (its payload types). */
  webrtcOffered: RtpCodec[] = [];
  private agreed: CodecPair[] = [];
  /** The far end's clock rate by its payload type, read for every packet (RTCP's figures). */
  private plainClockRates = new Map<number, number>();
  direction: MediaDirection = 'sendrecv';
  disabled = false;
  rtcpMux = false;
  srtp: SdesChoice | undefined;
  readonly localKey: SrtpKey = newSrtpKey();
  readonly rtcp: RtcpSession;
  readonly toPlain: RtpRewriter;
  toWebrtc: RtpRewriter | undefined;
  readonly webrtcTraffic = { packetsIn: 0, bytesIn: 0, packetsOut: 0, bytesOut: 0 };
  readonly latency = { toPlain: new LatencyRecorder(), toWebrtc: new LatencyRecorder() };
  /**
   * The far end's latest audio packet, rewritten, that could not go to Chromium because ICE and DTLS
   * were not up yet (the far end starts sending with its answer). Sent the moment they are, so the
   * first sound does not wait for the far end's next packet (up to one packet interval, 20 ms).
   */
  held: { packet: Buffer; at: number } | undefined;
  /** The far end's media source SSRC (for key frame requests). */
  farEndSsrc: number | undefined;
  /**
   * A key frame was asked of each sender once its packets first got through: a decoder that joins a
   * stream needs one, and the sender's first key frame may have gone out before the other leg was up
   * (Chromium's DTLS not yet connected, so it was dropped). Reset with each new source.
   */
  keyFrameAsked = { ofFarEnd: false, ofChromium: false };

  constructor(
    readonly kind: MediaKind,
    readonly leg: PlainLeg,
    cname: string,
  ) {
    const plainSsrc = randomInt(1, 2 ** 32 - 1);
    this.rtcp = new RtcpSession(plainSsrc, cname);
    this.toPlain = new RtpRewriter(plainSsrc);
  }

  /** Agreed pairs: the far end's codec and Chromium's, per codec in use. */
  get pairs(): CodecPair[] {
    return this.agreed;
  }

  set pairs(pairs: CodecPair[]) {
    this.agreed = pairs;
    this.plainClockRates = new Map(pairs.map(({ plain }) => [plain.payloadType, plain.clockRate]));
  }

  /** The clock of a packet in the plain leg's numbering. */
  plainClockRate(packet: Buffer): number {
    return this.plainClockRates.get(payloadType(packet)) ?? 8000;
  }
}

type StreamEntry = BridgedStream | RejectedLine;

export class MediaSession {
  private readonly streams: StreamEntry[] = [];
  private webrtc: WebRtcLeg | undefined;
  private readonly sessionId = String(randomInt(1, 2 ** 31 - 1));
  private version = 0;
  private readonly cname = randomBytes(8).toString('hex');
  /** Chromium's offer waiting for the far end's answer. */
  private pendingLocalOffer: { sdp: string; parsed: ParsedSdp } | undefined;
  /** The far end's offer waiting for Chromium's answer. */
  private pendingRemoteOffer: ParsedSdp | undefined;
  /** What werift answered Chromium's last offer, repeated for answer revisions. */
  private lastWebrtcAnswer: string | undefined;
  private rtcpTimer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(private readonly options: MediaSessionOptions) {}

  get callId(): string {
    return this.options.callId;
  }

  /** Chromium's offer -> the plain offer for the far end. */
  async localOffer(webrtcSdp: string, local: LocalMedia): Promise<string> {
    const parsed = parseSdp(webrtcSdp);
    const bridged = this.bridgedStreams();
    for (const section of parsed.media) {
      if (!KINDS.includes(section.type)) continue;
      const mid = section.mid ?? String(section.index);
      const offered = section.codecs.filter((codec) => isRelayable(section.type as MediaKind, codec));
      let stream = bridged.find((s) => s.mid === mid);
      if (!stream) {
        if (section.port === 0 || offered.length === 0) continue;
        stream = await this.addStream(section.type as MediaKind, local);
        stream.mid = mid;
      }
      stream.webrtcOffered = offered;
      stream.direction = section.direction;
      stream.disabled = section.port === 0 || offered.length === 0;
    }
    if (this.bridgedStreams().every((stream) => stream.disabled)) {
      throw new SdpError(
        'Chromium offered no codec a plain SIP phone can take (Opus, G.722, G.711, VP8, H.264)',
      );
    }
    this.pendingLocalOffer = { sdp: webrtcSdp, parsed };
    return this.writePlain(
      local,
      this.streams.map((entry) => {
        if (!entry.bridged)
          return {
            kind: entry.kind as MediaKind,
            port: 0,
            codecs: entry.codecs,
            direction: 'inactive',
            rtcpMux: false,
          };
        const srtp = local.offerSrtp || entry.srtp !== undefined;
        return {
          kind: entry.kind,
          port: entry.disabled ? 0 : entry.leg.rtpPort,
          codecs: entry.webrtcOffered,
          direction: entry.direction,
          rtcpMux: true,
          ...(srtp ? { crypto: cryptoAttribute(1, entry.localKey) } : {}),
        };
      }),
    );
  }

  /** The far end's answer to Chromium's offer -> werift's answer for Chromium. */
  async remoteAnswer(plainSdp: string): Promise<string> {
    const pending = this.pendingLocalOffer;
    if (!pending) throw new SdpError('an SDP answer with no offer of ours outstanding');
    const answer = parseSdp(plainSdp);
    const keep = new Map<string, number[]>();
    const directions = new Map<string, MediaDirection>();
    this.streams.forEach((entry, index) => {
      if (!entry.bridged || !entry.mid) return;
      const section = answer.media[index];
      if (!section || section.port === 0 || entry.disabled) {
        directions.set(entry.mid, 'inactive');
        return;
      }
      this.applyFarEndAnswer(entry, section);
      keep.set(
        entry.mid,
        entry.pairs.map((pair) => pair.webrtc.payloadType),
      );
      directions.set(entry.mid, section.direction);
    });
    this.pendingLocalOffer = undefined;
    const webrtc = this.ensureWebrtc(pending.parsed);
    const webrtcAnswer = await webrtc.answer(restrictOffer(pending.sdp, keep), directions);
    this.lastWebrtcAnswer = webrtcAnswer;
    this.afterNegotiation();
    return webrtcAnswer;
  }

  /**
   * Another answer to an offer already answered (the 200 after a 183, or a 200 whose SDP changed):
   * the plain leg follows it; Chromium keeps the answer it has (SIP.js applies only the first).
   */
  remoteAnswerRevision(plainSdp: string): string {
    const answer = parseSdp(plainSdp);
    this.streams.forEach((entry, index) => {
      const section = answer.media[index];
      if (entry.bridged && section && section.port !== 0 && !entry.disabled)
        this.applyFarEndAnswer(entry, section);
    });
    this.afterNegotiation();
    if (!this.lastWebrtcAnswer) throw new SdpError('an answer revision before any answer');
    return this.lastWebrtcAnswer;
  }

  /** The answer werift gave Chromium last, for a second fork's 200 that must not change anything. */
  get currentWebrtcAnswer(): string | undefined {
    return this.lastWebrtcAnswer;
  }

  /** The far end's offer -> werift's offer for Chromium. */
  async remoteOffer(plainSdp: string, local: LocalMedia): Promise<string> {
    const offer = parseSdp(plainSdp);
    const offered: { stream: BridgedStream; section: SdpMediaSection }[] = [];
    for (const section of offer.media) {
      const existing = this.streams[section.index];
      const usable = this.usableRemoteSection(section);
      if (!usable) {
        if (existing?.bridged) existing.disabled = true;
        else this.streams[section.index] = { bridged: false, kind: section.type, codecs: section.codecs };
        continue;
      }
      let stream = existing?.bridged ? existing : undefined;
      if (!stream) {
        stream = await this.addStream(section.type as MediaKind, local, section.index);
      }
      stream.disabled = false;
      offered.push({ stream, section });
    }
    if (offered.length === 0) {
      throw new SdpError(
        'the far end offered no codec the bridge can relay (Opus, G.722, G.711, VP8, H.264)',
      );
    }
    this.pendingRemoteOffer = offer;
    const webrtc = this.ensureWebrtc(offer);
    const sdp = await webrtc.offer(
      offered.map(({ stream, section }) => ({ kind: stream.kind, direction: section.direction })),
    );
    const transceivers = webrtc.pc.getTransceivers();
    offered.forEach(({ stream, section }, position) => {
      stream.mid = transceivers[position]?.mid ?? undefined;
      // The far end may send as soon as it has our answer; know where it is from now on.
      this.setFarEnd(stream, section, section.rtcpMux);
    });
    return sdp;
  }

  /** Chromium's answer to the far end's offer -> the plain answer. */
  async localAnswer(webrtcSdp: string, local: LocalMedia): Promise<string> {
    const offer = this.pendingRemoteOffer;
    if (!offer || !this.webrtc)
      throw new SdpError('an SDP answer with no offer from the far end outstanding');
    const answer = parseSdp(webrtcSdp);
    await this.webrtc.acceptAnswer(webrtcSdp);
    this.pendingRemoteOffer = undefined;
    const lines: PlainSdpStream[] = offer.media.map((section) => {
      const entry = this.streams[section.index];
      const rejected: PlainSdpStream = {
        kind: section.type as MediaKind,
        port: 0,
        codecs: section.codecs,
        direction: 'inactive',
        rtcpMux: false,
      };
      if (!entry?.bridged || entry.disabled) return rejected;
      const chromium = answer.media.find((m) => (m.mid ?? String(m.index)) === entry.mid);
      if (!chromium || chromium.port === 0) return rejected;
      entry.pairs = section.codecs.flatMap((plain) => {
        const webrtc = chromium.codecs.find(
          (c) => c.payloadType === plain.payloadType && sameCodec(c, plain),
        );
        return webrtc && isRelayable(entry.kind, plain) ? [{ plain, webrtc }] : [];
      });
      if (entry.pairs.length === 0) return rejected;
      entry.direction = chromium.direction;
      entry.srtp = this.isSecure(section) ? chooseCrypto(section.crypto) : undefined;
      entry.rtcpMux = section.rtcpMux;
      this.setFarEnd(entry, section, section.rtcpMux);
      return {
        kind: entry.kind,
        port: entry.leg.rtpPort,
        codecs: entry.pairs.map((pair) => pair.plain),
        direction: chromium.direction,
        rtcpMux: section.rtcpMux,
        ...(entry.srtp
          ? {
              crypto: cryptoAttribute(entry.srtp.tag, entry.localKey),
              cryptoOverAvp: !section.protocol.includes('SAVP'),
            }
          : {}),
      };
    });
    this.afterNegotiation();
    return this.writePlain(local, lines);
  }

  /** The offer in flight was refused (a 4xx-6xx to the request or response that carried it). */
  async offerFailed(): Promise<void> {
    this.pendingLocalOffer = undefined;
    if (this.pendingRemoteOffer) {
      this.pendingRemoteOffer = undefined;
      await this.webrtc?.rollback();
    }
  }

  /** What the bridge did for this call so far. */
  report(): MediaReport {
    return {
      accountId: this.options.accountId,
      callId: this.options.callId,
      streams: this.bridgedStreams().map((stream) => this.streamReport(stream)),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.rtcpTimer) clearInterval(this.rtcpTimer);
    for (const stream of this.bridgedStreams()) stream.leg.close();
    await this.webrtc?.close();
    this.options.reporter?.ended?.(this.report());
  }

  /** The stream on Chromium's m-line `mid`, found without building an array for every packet. */
  private streamOf(mid: string): BridgedStream | undefined {
    for (const entry of this.streams) if (entry.bridged && entry.mid === mid) return entry;
    return undefined;
  }

  private bridgedStreams(): BridgedStream[] {
    return this.streams.filter((entry): entry is BridgedStream => entry.bridged);
  }

  private isSecure(section: SdpMediaSection): boolean {
    return section.protocol.includes('SAVP') || section.crypto.length > 0;
  }

  private usableRemoteSection(section: SdpMediaSection): boolean {
    if (!KINDS.includes(section.type) || section.port === 0) return false;
    if (!/^RTP\/S?AVPF?$/.test(section.protocol)) return false;
    if (!section.codecs.some((codec) => isRelayable(section.type as MediaKind, codec))) return false;
    // RTP/SAVP without a key we can use is a stream we cannot decrypt (RFC 4568 §7.1.1: decline it).
    return !section.protocol.includes('SAVP') || chooseCrypto(section.crypto) !== undefined;
  }

  private async addStream(
    kind: MediaKind,
    local: LocalMedia,
    index = this.streams.length,
  ): Promise<BridgedStream> {
    const leg = await PlainLeg.open(local.bindAddress, this.options.portRange, this.options.probationPackets);
    const stream = new BridgedStream(kind, leg, this.cname);
    leg.onRtp = (packet, arrival) => this.fromPlain(stream, packet, arrival);
    leg.onRtcp = (packet) => this.plainRtcp(stream, packet);
    this.streams[index] = stream;
    return stream;
  }

  private applyFarEndAnswer(stream: BridgedStream, section: SdpMediaSection): void {
    stream.pairs = section.codecs.flatMap((plain) => {
      if (!isRelayable(stream.kind, plain)) return [];
      const webrtc =
        stream.webrtcOffered.find((c) => c.payloadType === plain.payloadType && sameCodec(c, plain)) ??
        stream.webrtcOffered.find((c) => sameCodec(c, plain));
      return webrtc ? [{ plain, webrtc }] : [];
    });
    // The answer names the tag of the line it accepted (RFC 4568 §7.1.3): only our tag 1 exists.
    stream.srtp = chooseCrypto(section.crypto.filter((line) => line.tag === 1));
    stream.rtcpMux = section.rtcpMux;
    this.setFarEnd(stream, section, section.rtcpMux);
  }

  private setFarEnd(stream: BridgedStream, section: SdpMediaSection, rtcpMux: boolean): void {
    stream.leg.setRtcpMux(rtcpMux);
    stream.leg.setSrtp(stream.srtp ? { local: stream.localKey, remote: stream.srtp.remoteKey } : undefined);
    stream.leg.destinations.setFarEnd({
      rtp: rtpEndpoint(section),
      rtcp: rtcpEndpoint(section, rtcpMux),
      receivesRtp: wantsToReceive(section.direction),
    });
  }

  /**
   * werift's peer connection, made on first use with the codecs Chromium may see: the relayable
   * ones of the description that started the call, in its numbering.
   */
  private ensureWebrtc(description: ParsedSdp): WebRtcLeg {
    if (this.webrtc) return this.webrtc;
    const codecs: Partial<Record<MediaKind, RtpCodec[]>> = {};
    for (const section of description.media) {
      if (!KINDS.includes(section.type)) continue;
      const kind = section.type as MediaKind;
      const list = (codecs[kind] ??= []);
      for (const codec of section.codecs) {
        if (isRelayable(kind, codec) && !list.some((c) => c.payloadType === codec.payloadType))
          list.push(codec);
      }
    }
    const webrtc = new WebRtcLeg(codecs, { hostAddress: this.options.webrtcHostAddress });
    webrtc.onRtp = (mid, packet, arrival) => {
      const stream = this.streamOf(mid);
      if (stream) this.fromWebrtc(stream, packet, arrival);
    };
    webrtc.onConnected = () => this.sendHeld();
    webrtc.onKeyFrameRequest = (mid) => {
      const stream = this.bridgedStreams().find((s) => s.mid === mid);
      if (stream) this.requestKeyFrameFromFarEnd(stream);
    };
    this.webrtc = webrtc;
    return webrtc;
  }

  /** After each completed exchange: payload type maps from what both legs agreed; RTCP running. */
  private afterNegotiation(): void {
    for (const stream of this.bridgedStreams()) {
      const negotiated = stream.mid ? this.webrtc?.negotiated(stream.mid) : undefined;
      if (!negotiated) continue;
      const toPlain = new Map<number, { payloadType: number; clockRate: number }>();
      const toWebrtc = new Map<number, { payloadType: number; clockRate: number }>();
      for (const { plain, webrtc } of stream.pairs) {
        // werift may have answered fewer codecs than were kept; relay only what Chromium agreed to.
        const agreed = negotiated.codecs.find((c) => c.payloadType === webrtc.payloadType) ?? webrtc;
        toPlain.set(agreed.payloadType, { payloadType: plain.payloadType, clockRate: plain.clockRate });
        toWebrtc.set(plain.payloadType, { payloadType: agreed.payloadType, clockRate: agreed.clockRate });
      }
      stream.toPlain.setPayloadTypes(toPlain);
      stream.toWebrtc ??= new RtpRewriter(negotiated.ssrc);
      stream.toWebrtc.setPayloadTypes(toWebrtc);
    }
    this.rtcpTimer ??= setInterval(() => this.sendReports(), RTCP_INTERVAL_MS);
    this.rtcpTimer.unref?.();
  }

  private fromWebrtc(stream: BridgedStream, input: Buffer, arrivalNs: bigint): void {
    stream.webrtcTraffic.packetsIn++;
    stream.webrtcTraffic.bytesIn += input.length;
    const packet = withoutHeaderExtension(input);
    if (!stream.toPlain.rewrite(packet)) return;
    if (!stream.leg.sendRtp(packet)) return;
    if (stream.kind === 'video' && !stream.keyFrameAsked.ofChromium && stream.mid) {
      stream.keyFrameAsked.ofChromium = true;
      this.webrtc?.requestKeyFrame(stream.mid);
    }
    stream.rtcp.sent(packet.length - 12, timestamp(packet), Date.now(), stream.plainClockRate(packet));
    stream.latency.toPlain.record(arrivalNs);
  }

  private fromPlain(stream: BridgedStream, packet: Buffer, arrivalNs: bigint): void {
    const rewriter = stream.toWebrtc;
    if (stream.farEndSsrc !== ssrc(packet)) stream.keyFrameAsked.ofFarEnd = false;
    stream.farEndSsrc = ssrc(packet);
    stream.rtcp.received(
      ssrc(packet),
      sequenceNumber(packet),
      timestamp(packet),
      packet.length,
      Date.now(),
      stream.plainClockRate(packet),
    );
    if (!rewriter || !stream.mid || !this.webrtc) return;
    if (!rewriter.rewrite(packet)) return;
    if (this.toWebrtc(stream, packet, arrivalNs)) {
      stream.held = undefined;
    } else if (stream.kind === 'audio') {
      stream.held = { packet, at: Date.now() };
    }
  }

  /** The far end's audio that waited for Chromium's leg (see {@link BridgedStream.held}), if recent. */
  private sendHeld(): void {
    const now = Date.now();
    for (const stream of this.bridgedStreams()) {
      const held = stream.held;
      stream.held = undefined;
      // Its wait is no latency of the relay's: not timed (0n).
      if (held && now - held.at <= HELD_AUDIO_MAX_AGE_MS) {
        this.toWebrtc(stream, held.packet, 0n);
      }
    }
  }

  /** Sends a rewritten packet of the far end's to Chromium; false when its leg cannot take it yet. */
  private toWebrtc(stream: BridgedStream, packet: Buffer, arrivalNs: bigint): boolean {
    if (!stream.mid || !this.webrtc?.sendRtp(stream.mid, packet)) return false;
    if (stream.kind === 'video' && !stream.keyFrameAsked.ofFarEnd) {
      stream.keyFrameAsked.ofFarEnd = true;
      this.requestKeyFrameFromFarEnd(stream);
    }
    stream.webrtcTraffic.packetsOut++;
    stream.webrtcTraffic.bytesOut += packet.length;
    stream.latency.toWebrtc.record(arrivalNs);
    return true;
  }

  private plainRtcp(stream: BridgedStream, packet: Buffer): void {
    stream.rtcp.receivedRtcp(packet, Date.now());
    if (stream.kind !== 'video' || !stream.mid) return;
    if (holdsLegacyFullIntraRequest(packet)) {
      this.webrtc?.requestKeyFrame(stream.mid);
      return;
    }
    let packets: ReturnType<typeof RtcpPacketConverter.deSerialize>;
    try {
      packets = RtcpPacketConverter.deSerialize(packet);
    } catch {
      return;
    }
    // The far end's decoder lost its place (PLI, or FIR from RFC 5104 phones): ask Chromium's encoder.
    if (packets.some((rtcp) => rtcp instanceof RtcpPayloadSpecificFeedback))
      this.webrtc?.requestKeyFrame(stream.mid);
  }

  private requestKeyFrameFromFarEnd(stream: BridgedStream): void {
    if (stream.farEndSsrc === undefined) return;
    const pli = new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({ senderSsrc: stream.rtcp.ssrc, mediaSsrc: stream.farEndSsrc }),
    });
    stream.leg.sendRtcp(pli.serialize());
  }

  private sendReports(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const stream of this.bridgedStreams()) {
      if (!stream.disabled) stream.leg.sendRtcp(stream.rtcp.buildReport(now));
    }
    this.options.reporter?.update?.(this.report());
  }

  private streamReport(stream: BridgedStream): StreamReport {
    const statistics = stream.rtcp.receiveStatistics;
    const destination = stream.leg.destinations.rtpDestination();
    const farEnd = stream.rtcp.farEndReport;
    const counters = stream.leg.counters;
    const refused = stream.mid ? this.webrtc?.refused(stream.mid) : undefined;
    const suite = stream.mid ? this.webrtc?.srtpSuite(stream.mid) : undefined;
    return {
      kind: stream.kind,
      webrtc: {
        ...stream.webrtcTraffic,
        unauthenticated: refused?.authentication ?? 0,
        replayed: refused?.replay ?? 0,
        ...(suite ? { srtp: suite } : {}),
      },
      plain: {
        packetsIn: counters.packetsReceived,
        bytesIn: counters.bytesReceived,
        packetsOut: counters.packetsSent,
        bytesOut: counters.bytesSent,
        rejected: counters.packetsRejected,
        srtp: stream.leg.encrypted,
        unauthenticated: counters.packetsUnauthenticated,
        rtcpUnauthenticated: counters.rtcpUnauthenticated,
        ...(destination ? { destination: `${destination.address}:${destination.port}` } : {}),
        lost: statistics?.lost ?? 0,
        jitterMs: Math.round((statistics?.jitterMs ?? 0) * 100) / 100,
        ...(farEnd
          ? {
              farEndLost: farEnd.packetsLost,
              farEndJitterMs: Math.round((farEnd.jitter * 1000) / (stream.pairs[0]?.plain.clockRate ?? 8000)),
              ...(farEnd.roundTripMs !== undefined ? { roundTripMs: Math.round(farEnd.roundTripMs) } : {}),
            }
          : {}),
      },
      codecs: stream.pairs.map((pair) => codecLabel(pair.plain)),
      addedLatency: {
        ...(stream.latency.toPlain.summary() ? { toPlain: stream.latency.toPlain.summary() } : {}),
        ...(stream.latency.toWebrtc.summary() ? { toWebrtc: stream.latency.toWebrtc.summary() } : {}),
      },
    };
  }

  private writePlain(local: LocalMedia, streams: PlainSdpStream[]): string {
    this.version++;
    return writePlainSdp({
      sessionId: this.sessionId,
      version: this.version,
      address: local.advertisedAddress,
      streams,
    });
  }
}
