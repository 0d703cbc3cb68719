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
  type RTCRtpTransceiver,
  type RtcpPacket,
} from 'werift';
import type { Socket } from 'node:dgram';
import type { MediaKind, RtpCodec } from './codecs';
import { isThisMachine } from './local-addresses';
import { payloadType } from './rtp-header';
import type { MediaDirection } from './sdp';

export interface WebRtcLegOptions {
  /** The one address werift gathers on and binds to. */
  hostAddress: string;
}

/** The codecs of the leg's m-lines, by kind, with the payload types Chromium will see. */
export type WebRtcCodecs = Partial<Record<MediaKind, RtpCodec[]>>;

/**
 * What Chromium sent on one m-line, after SRTP: the RTP packet as bytes, and when its datagram
 * reached werift's socket (hrtime ns).
 */
export type WebRtcRtpHandler = (mid: string, packet: Buffer, arrivalNs: bigint) => void;

/** The parts of werift's DTLS transport that lead to its UDP sockets (not public API). */
interface TransportInternals {
  iceTransport?: { connection?: { protocols?: { transport?: { socket?: Socket } }[] } };
}

const GATHERING_TIMEOUT_MS = 5000;

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
  private readonly watchedSockets = new Set<Socket>();
  /** When the datagram being handled reached a socket: werift decrypts and routes it synchronously. */
  private lastArrivalNs = 0n;

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
      if (state === 'connected') this.watchArrivals();
    });
    // Subscribed before any negotiation: werift announces remote tracks during setRemoteDescription.
    this.pc.ontrack = ({ track, transceiver }) => {
      track.onReceiveRtp.subscribe((rtp) => {
        if (transceiver.mid) this.onRtp(transceiver.mid, rtp.serialize(), this.arrival());
      });
    };
    this.pc.onTransceiverAdded.subscribe((transceiver) => this.wire(transceiver));
  }

  /** Chromium's offer (already cut to the codecs the far end takes) -> our answer, ICE gathered. */
  async answer(offer: string, directions: ReadonlyMap<string, MediaDirection>): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    for (const transceiver of this.pc.getTransceivers()) {
      const direction = transceiver.mid ? directions.get(transceiver.mid) : undefined;
      // werift creates remote-initiated transceivers recvonly; the bridge sends what the far end sends.
      transceiver.setDirection(direction ?? 'sendrecv');
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription({ type: 'answer', sdp: asDtlsServer(offer, answer.sdp) });
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
    return this.gatheredDescription();
  }

  /** Chromium's answer to {@link offer}. */
  async acceptAnswer(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
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
   * Chromium agreed to. werift's sender rewrites every packet to its primary codec, so only packets
   * of that codec go through it (it keeps the SR counters and answers NACKs from its cache); the
   * others (telephone-event, a second audio codec) go straight to the DTLS transport with the
   * sender's SSRC, which is what werift itself does after its rewrite.
   */
  sendRtp(mid: string, packet: Buffer): boolean {
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

  /** Asks Chromium for a key frame on a video m-line (the far end's decoder lost its place). */
  requestKeyFrame(mid: string): void {
    const transceiver = this.transceiver(mid);
    const ssrc = transceiver?.receiver.tracks[0]?.ssrc;
    if (transceiver && ssrc !== undefined) void transceiver.receiver.sendRtcpPLI(ssrc);
  }

  async close(): Promise<void> {
    await this.pc.close();
  }

  private transceiver(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid);
  }

  /** Key frame requests from Chromium's receiver, per sender. */
  private wire(transceiver: RTCRtpTransceiver): void {
    transceiver.sender.onPictureLossIndication.subscribe(() => {
      if (transceiver.mid) this.onKeyFrameRequest(transceiver.mid);
    });
    transceiver.sender.onRtcp.subscribe((rtcp: RtcpPacket) => {
      // Full intra request (RFC 5104) arrives as PSFB FMT 4; treat it as a key frame request too.
      if (rtcp.type === 206 && 'feedback' in rtcp && rtcp.feedback?.count === 4 && transceiver.mid) {
        this.onKeyFrameRequest(transceiver.mid);
      }
    });
  }

  /**
   * Takes each datagram's arrival time at werift's sockets, so the latency the bridge reports starts
   * at the socket and includes werift's own SRTP and routing. Listeners are prepended: they run before
   * werift's handler in the same event-loop turn.
   */
  private watchArrivals(): void {
    for (const transceiver of this.pc.getTransceivers()) {
      const internals = transceiver.dtlsTransport as unknown as TransportInternals | undefined;
      for (const protocol of internals?.iceTransport?.connection?.protocols ?? []) {
        const socket = protocol.transport?.socket;
        if (!socket || this.watchedSockets.has(socket)) continue;
        this.watchedSockets.add(socket);
        socket.prependListener('message', () => {
          this.lastArrivalNs = process.hrtime.bigint();
        });
      }
    }
  }

  /** The arrival time of the datagram being handled; now, when the sockets could not be watched. */
  private arrival(): bigint {
    return this.watchedSockets.size > 0 ? this.lastArrivalNs : process.hrtime.bigint();
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
