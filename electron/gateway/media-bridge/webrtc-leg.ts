/**
 * The WebRTC leg of one call: werift's RTCPeerConnection facing Chromium on loopback (ICE, DTLS-SRTP,
 * rtcp-mux, BUNDLE), negotiated from the SDP SIP.js hands over.
 *
 * werift 0.25.2 is pinned: it checks the SRTP authentication tag and Chromium's DTLS certificate
 * against the fingerprint in the SDP (releases before 0.23.0 checked neither).
 *
 * Where it listens: only on {@link WebRtcLegOptions.hostAddress} (127.0.0.1 unless told), bound to that
 * address, one host candidate, no STUN. werift skips interfaces Node marks internal, so loopback is
 * added explicitly, and host enumeration is switched off (`iceUseIpv4/6: false` only govern that), so
 * no socket of this leg is reachable from the network. Chromium reaches it only when it gathers
 * loopback candidates itself: Electron main must start Chromium with
 * `app.commandLine.appendSwitch('allow-loopback-in-peer-connection')`; without it Chromium offers only
 * LAN candidates (or none on an offline machine) and ICE never completes.
 *
 * Whom it talks to: candidate pairs form only with addresses of this machine ({@link isThisMachine}),
 * so a renderer that writes a remote host into its SDP cannot make werift send checks there.
 */
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type GenericNack,
  type RTCDtlsTransport,
  type RTCRtpTransceiver,
  type RtcpPacket,
} from 'werift';
import type { MediaKind, RtpCodec } from './codecs';
import { DtlsSrtpRelay } from './dtls-srtp-relay';
import { keepEarlyDtls } from './early-dtls';
import { asksForKeyFrame } from './key-frame-request';
import { isThisMachine } from './local-addresses';
import { RtcpSession } from './rtcp-session';
import { payloadType, rtpHeaderLength, sequenceNumber, ssrc, timestamp } from './rtp-header';
import type { MediaDirection } from './sdp';
import type { SrtpRefusals, SrtpSuite } from './srtp-context';
import { withEndOfCandidates } from './webrtc-sdp';

export interface WebRtcLegOptions {
  /** The one address werift gathers on and binds to. */
  hostAddress: string;
}

/** The codecs of the leg's m-lines, by kind, with the payload types Chromium will see. */
export type WebRtcCodecs = Partial<Record<MediaKind, RtpCodec[]>>;

/**
 * What Chromium sent on one m-line, after SRTP: the RTP packet as bytes, and when its datagram
 * reached the bridge (hrtime ns; 0n for a packet the latency sample skips).
 */
export type WebRtcRtpHandler = (mid: string, packet: Buffer, arrivalNs: bigint) => void;

/** The parts of werift's sender and receiver the relay reaches (not public API). */
interface SenderInternals {
  cname?: string;
}
interface ReceiverInternals {
  rtcpCancel?: AbortController;
  /** werift's NACK generator: reads only the header's sequence number and SSRC, keeps nothing. */
  nack?: { addPacket(packet: NackInput): void };
}

/** What werift's NACK generator reads of a packet; one per stream, refilled for each packet. */
interface NackInput {
  header: { sequenceNumber: number; ssrc: number };
}

/**
 * One m-line whose RTP the bridge relays past werift's sender and receiver: the relay of its DTLS
 * transport, and the RTCP werift would have kept for it.
 */
interface RelayedStream {
  mid: string;
  transceiver: RTCRtpTransceiver;
  relay: DtlsSrtpRelay;
  /** Our sender reports and receiver reports towards Chromium (RFC 3550 §6.4). */
  rtcp: RtcpSession;
  /** Clock rate by payload type, as negotiated on this m-line. */
  clockRates: Map<number, number>;
  /** Video: the SRTP bytes last sent per sequence number, to answer Chromium's NACKs (RFC 4585). */
  sent: (Buffer | undefined)[] | undefined;
  /**
   * Video with NACK negotiated: werift's generator, still fed the sequence numbers, so what Chromium
   * sends and the bridge misses is asked for again as werift did before the relay.
   */
  nack: ReceiverInternals['nack'];
  nackInput: NackInput;
}

const GATHERING_TIMEOUT_MS = 5000;
/** RFC 3550 §6.3.1 randomises each interval to 0.5-1.5 times this; 1 s is what werift used. */
const RTCP_INTERVAL_MS = 1000;
/** Video packets kept for retransmission: about a second of 720p, what werift's sender kept. */
const RETRANSMIT_HISTORY = 512;

function toWeriftCodec(kind: MediaKind, codec: RtpCodec): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: `${kind}/${codec.name}`,
    clockRate: codec.clockRate,
    payloadType: codec.payloadType,
    ...(codec.channels ? { channels: codec.channels } : {}),
    ...(codec.fmtp ? { parameters: codec.fmtp } : {}),
    rtcpFeedback: codec.rtcpFeedback.map((value) => {
      const [type = '', parameter] = value.split(' ');
      return parameter ? { type, parameter } : { type };
    }),
  });
}

/**
 * werift answers Chromium's `a=setup:actpass` with `active`, and as a DTLS client it sleeps a fixed
 * 100 ms after ICE connects before its ClientHello (werift 0.25.2, `transport/dtls.js`): every call
 * the app makes would wait for it. As the server it answers Chromium's ClientHello at once, and
 * Chromium starts the handshake as soon as its own ICE check succeeds. RFC 5763 §5 lets the answerer
 * take either role (it recommends `active` only so the handshake can overlap the answer's delivery,
 * which werift's sleep defeats). Only an actpass offer is changed: a re-offer that already settled
 * the roles keeps them, and werift then answers `passive` itself.
 */
export function asDtlsServer(offer: string, answer: string): string {
  if (!/^a=setup:actpass\r?$/m.test(offer)) return answer;
  return answer.replace(/^a=setup:active(\r?)$/gm, 'a=setup:passive$1');
}

export class WebRtcLeg {
  readonly pc: RTCPeerConnection;
  /** Chromium's RTP, per m-line (mid). */
  onRtp: WebRtcRtpHandler = () => undefined;
  /** Chromium asked for a key frame on a video m-line (PLI or FIR from its receiver). */
  onKeyFrameRequest: (mid: string) => void = () => undefined;
  /** ICE and DTLS are up: {@link sendRtp} reaches Chromium from now on. */
  onConnected: () => void = () => undefined;
  private readonly relays = new Map<RTCDtlsTransport, DtlsSrtpRelay>();
  private readonly streams = new Map<string, RelayedStream>();
  private rtcpTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(codecs: WebRtcCodecs, options: WebRtcLegOptions) {
    this.pc = new RTCPeerConnection({
      codecs: {
        audio: (codecs.audio ?? []).map((codec) => toWeriftCodec('audio', codec)),
        video: (codecs.video ?? []).map((codec) => toWeriftCodec('video', codec)),
      },
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: [options.hostAddress],
      iceInterfaceAddresses: { udp4: options.hostAddress },
      iceServers: [],
      iceFilterCandidatePair: (pair) => isThisMachine(pair.remoteCandidate.host),
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state !== 'connected') return;
      this.startRelays();
      this.onConnected();
    });
    // Subscribed before any negotiation: werift announces remote tracks during setRemoteDescription.
    // Only RTP werift still handles comes this way: before the relay, or of an SSRC it does not know.
    this.pc.ontrack = ({ track, transceiver }) => {
      track.onReceiveRtp.subscribe((rtp) => {
        const mid = transceiver.mid;
        if (!mid) return;
        const stream = this.streams.get(mid);
        const packet = rtp.serialize();
        if (!stream) {
          this.onRtp(mid, packet, process.hrtime.bigint());
          return;
        }
        // werift has routed an SSRC the SDP did not announce to this m-line: the relay takes it now.
        stream.relay.routes.set(rtp.header.ssrc, (relayed, arrival) =>
          this.relayed(stream, relayed, arrival),
        );
        this.relayed(stream, packet, process.hrtime.bigint());
      });
    };
    this.pc.onTransceiverAdded.subscribe((transceiver) => this.wire(transceiver));
  }

  /** Chromium's offer (already cut to the codecs the far end takes) -> our answer, ICE gathered. */
  async answer(offer: string, directions: ReadonlyMap<string, MediaDirection>): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: withEndOfCandidates(offer) });
    this.preferAesCm();
    for (const transceiver of this.pc.getTransceivers()) {
      const direction = transceiver.mid ? directions.get(transceiver.mid) : undefined;
      // werift creates remote-initiated transceivers recvonly; the bridge sends what the far end sends.
      transceiver.setDirection(direction ?? 'sendrecv');
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription({ type: 'answer', sdp: asDtlsServer(offer, answer.sdp) });
    this.keepEarlyDtls();
    this.refreshStreams();
    return this.gatheredDescription();
  }

  /**
   * An offer to Chromium with one m-line per entry (the far end's streams, in order), or a re-offer
   * with new directions for the existing ones.
   */
  async offer(streams: readonly { kind: MediaKind; direction: MediaDirection }[]): Promise<string> {
    const transceivers = this.pc.getTransceivers();
    streams.forEach((stream, index) => {
      const existing = transceivers[index];
      if (existing) existing.setDirection(stream.direction);
      else this.pc.addTransceiver(stream.kind, { direction: stream.direction });
    });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    this.keepEarlyDtls();
    this.preferAesCm();
    this.refreshStreams();
    return this.gatheredDescription();
  }

  /** Chromium's answer to {@link offer}. */
  async acceptAnswer(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: withEndOfCandidates(answer) });
    this.refreshStreams();
  }

  /** Forgets an offer Chromium refused (the SIP side answered the re-INVITE with an error). */
  async rollback(): Promise<void> {
    if (this.pc.signalingState === 'have-local-offer') {
      await this.pc.setLocalDescription({ type: 'rollback' } as unknown as Parameters<
        RTCPeerConnection['setLocalDescription']
      >[0]);
    }
  }

  /** The payload types and SSRC Chromium expects from us on `mid`, once negotiated. */
  negotiated(mid: string): { codecs: RtpCodec[]; ssrc: number } | undefined {
    const transceiver = this.transceiver(mid);
    if (!transceiver) return undefined;
    return {
      ssrc: transceiver.sender.ssrc,
      codecs: transceiver.codecs.map((codec) => ({
        payloadType: codec.payloadType,
        name: codec.name,
        clockRate: codec.clockRate,
        ...(codec.channels && codec.channels > 1 ? { channels: codec.channels } : {}),
        ...(codec.parameters ? { fmtp: codec.parameters } : {}),
        rtcpFeedback: [],
      })),
    };
  }

  /**
   * Sends one RTP packet to Chromium on `mid`. The packet's payload type must already be one
   * Chromium agreed to, and its SSRC the sender's ({@link negotiated}). Once DTLS is up it goes
   * through the relay (protected with the DTLS-SRTP keys, counted for our sender reports).
   */
  sendRtp(mid: string, packet: Buffer): boolean {
    const stream = this.streams.get(mid);
    if (stream) {
      const wire = stream.relay.send(packet);
      if (!wire) return false;
      const clockRate = stream.clockRates.get(payloadType(packet)) ?? 8000;
      stream.rtcp.sent(packet.length - rtpHeaderLength(packet), timestamp(packet), Date.now(), clockRate);
      if (stream.sent) stream.sent[sequenceNumber(packet) % RETRANSMIT_HISTORY] = wire;
      return true;
    }
    return this.sendThroughWerift(mid, packet);
  }

  /** Chromium's RTP on `mid`'s transport that the relay dropped (SRTP authentication, replays). */
  refused(mid: string): SrtpRefusals | undefined {
    return this.streams.get(mid)?.relay.refused;
  }

  /** The SRTP profile DTLS agreed on `mid`'s transport, once the relay carries it. */
  srtpSuite(mid: string): SrtpSuite | undefined {
    return this.streams.get(mid)?.relay.suite;
  }

  /** Asks Chromium for a key frame on a video m-line (the far end's decoder lost its place). */
  requestKeyFrame(mid: string): void {
    const transceiver = this.transceiver(mid);
    const ssrc = transceiver?.receiver.tracks[0]?.ssrc;
    if (transceiver && ssrc !== undefined) void transceiver.receiver.sendRtcpPLI(ssrc);
  }

  async close(): Promise<void> {
    if (this.rtcpTimer) clearTimeout(this.rtcpTimer);
    for (const relay of this.relays.values()) relay.stop();
    await this.pc.close();
  }

  /**
   * The SRTP profile each transport not yet started will ask for (dtls-srtp-relay.ts): after werift
   * made its transports for a description, before ICE (and so DTLS) can start.
   */
  private preferAesCm(): void {
    for (const transceiver of this.pc.getTransceivers()) {
      if (transceiver.dtlsTransport) DtlsSrtpRelay.preferAesCm(transceiver.dtlsTransport);
    }
  }

  /** See early-dtls.ts: after werift gathered (its sockets exist), before Chromium has our description. */
  private keepEarlyDtls(): void {
    const transports = new Set(this.pc.getTransceivers().map((t) => t.dtlsTransport));
    for (const transport of transports) if (transport) keepEarlyDtls(transport);
  }

  private transceiver(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid);
  }

  /**
   * werift's own send path, for a transport the relay could not take (an SRTP profile it does not
   * implement). werift's sender rewrites every packet to its primary codec, so only packets of that
   * codec go through it; the others (telephone-event, a second audio codec) go straight to the DTLS
   * transport with the sender's SSRC, which is what werift itself does after its rewrite.
   */
  private sendThroughWerift(mid: string, packet: Buffer): boolean {
    const transceiver = this.transceiver(mid);
    // Before DTLS is up (or when it failed: a certificate that does not match) nothing can go out.
    if (!transceiver || transceiver.dtlsTransport?.state !== 'connected') return false;
    const sender = transceiver.sender;
    if (sender.codec && payloadType(packet) === sender.codec.payloadType) {
      // As bytes: werift parses them once (an RtpPacket would be parsed here and cloned there).
      void sender.sendRtp(packet);
      return true;
    }
    const rtp = RtpPacket.deSerialize(packet);
    const header = new RtpHeader({ ...rtp.header, ssrc: sender.ssrc, extensions: [], extension: false });
    void transceiver.dtlsTransport.sendRtp(rtp.payload, header);
    return true;
  }

  /**
   * Key frame requests and retransmission requests from Chromium's receiver, per sender. Key frame
   * requests are read here only for a stream the relay does not carry; see {@link startRelays}.
   */
  private wire(transceiver: RTCRtpTransceiver): void {
    transceiver.sender.onRtcp.subscribe((rtcp: RtcpPacket) => {
      const mid = transceiver.mid;
      if (mid && !this.streams.has(mid) && asksForKeyFrame(rtcp, transceiver.sender.ssrc))
        this.onKeyFrameRequest(mid);
    });
    transceiver.sender.onGenericNack.subscribe((nack: GenericNack) => {
      const stream = transceiver.mid ? this.streams.get(transceiver.mid) : undefined;
      for (const lost of nack.lost) {
        const wire = stream?.sent?.[lost % RETRANSMIT_HISTORY];
        if (wire && sequenceNumber(wire) === lost) stream?.relay.resend(wire);
      }
    });
  }

  /** Takes RTP past werift on every connected transport whose SRTP the relay implements. */
  private startRelays(): void {
    for (const transceiver of this.pc.getTransceivers()) {
      const transport = transceiver.dtlsTransport;
      if (transport?.state !== 'connected' || this.relays.has(transport)) continue;
      const relay = DtlsSrtpRelay.start(transport);
      if (!relay) continue;
      this.relays.set(transport, relay);
      // Every RTCP packet on the transport, whichever SSRC werift would route it to (key-frame-request.ts).
      transport.onRtcp.subscribe((rtcp) => {
        const now = Date.now();
        for (const stream of this.streams.values()) {
          if (stream.relay !== relay) continue;
          stream.rtcp.readRtcp([rtcp], now);
          if (asksForKeyFrame(rtcp, stream.transceiver.sender.ssrc)) this.onKeyFrameRequest(stream.mid);
        }
      });
    }
    this.refreshStreams();
  }

  /**
   * After each negotiation and once DTLS is up: which m-lines the relay carries, their clock rates,
   * and Chromium's SSRCs (werift learnt them from the SDP's a=ssrc lines) routed to them.
   */
  private refreshStreams(): void {
    for (const transceiver of this.pc.getTransceivers()) {
      const mid = transceiver.mid;
      const relay = transceiver.dtlsTransport ? this.relays.get(transceiver.dtlsTransport) : undefined;
      if (!mid || !relay) continue;
      let stream = this.streams.get(mid);
      if (!stream || stream.transceiver !== transceiver || stream.relay !== relay) {
        const cname = (transceiver.sender as unknown as SenderInternals).cname ?? '';
        stream = {
          mid,
          transceiver,
          relay,
          rtcp: new RtcpSession(transceiver.sender.ssrc, cname),
          clockRates: new Map(),
          sent: transceiver.kind === 'video' ? new Array<Buffer | undefined>(RETRANSMIT_HISTORY) : undefined,
          nack: undefined,
          nackInput: { header: { sequenceNumber: 0, ssrc: 0 } },
        };
        this.streams.set(mid, stream);
        // werift's receiver would keep sending receiver reports about packets it no longer sees.
        (transceiver.receiver as unknown as ReceiverInternals).rtcpCancel?.abort();
      }
      stream.clockRates = new Map(transceiver.codecs.map((codec) => [codec.payloadType, codec.clockRate]));
      // As werift's receiver decided for the packets it handled: video, with "nack" negotiated.
      const receiver = transceiver.receiver as unknown as ReceiverInternals;
      stream.nack =
        transceiver.kind === 'video' && transceiver.receiver.nackEnabled ? receiver.nack : undefined;
      const target = stream;
      for (const track of transceiver.receiver.tracks) {
        if (track.ssrc !== undefined)
          relay.routes.set(track.ssrc, (packet, arrival) => this.relayed(target, packet, arrival));
      }
    }
    if (this.streams.size > 0 && !this.rtcpTimer) this.scheduleReports();
  }

  /** Chromium's packet on a relayed stream: counted for our receiver reports, then handed on. */
  private relayed(stream: RelayedStream, packet: Buffer, arrivalNs: bigint): void {
    const clockRate = stream.clockRates.get(payloadType(packet));
    // A payload type this m-line did not negotiate: werift dropped these too.
    if (clockRate === undefined) return;
    stream.rtcp.received(
      ssrc(packet),
      sequenceNumber(packet),
      timestamp(packet),
      packet.length,
      Date.now(),
      clockRate,
    );
    this.onRtp(stream.mid, packet, arrivalNs);
  }

  private scheduleReports(): void {
    this.rtcpTimer = setTimeout(
      () => {
        this.sendReports();
        this.scheduleReports();
      },
      RTCP_INTERVAL_MS * (0.5 + Math.random()),
    );
    this.rtcpTimer.unref?.();
  }

  /** One compound SR/RR + SDES per relayed stream with traffic, through werift's SRTCP. */
  private sendReports(): void {
    const now = Date.now();
    for (const stream of this.streams.values()) {
      const transport = stream.transceiver.dtlsTransport;
      if (transport?.state !== 'connected') continue;
      if (stream.rtcp.packetsSent === 0 && !stream.rtcp.receiveStatistics) continue;
      void transport.sendRtcp(stream.rtcp.buildPackets(now)).catch(() => undefined);
    }
  }

  private async gatheredDescription(): Promise<string> {
    if (this.pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('werift did not finish gathering ICE candidates')),
          GATHERING_TIMEOUT_MS,
        );
        const { unSubscribe } = this.pc.iceGatheringStateChange.subscribe((state) => {
          if (state !== 'complete') return;
          clearTimeout(timer);
          unSubscribe();
          resolve();
        });
      });
    }
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('werift produced no local description');
    return sdp;
  }
}
