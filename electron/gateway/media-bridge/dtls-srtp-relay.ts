/**
 * Relayed RTP on one of werift's DTLS transports without werift's RTP sender and receiver: once
 * DTLS is connected, the SRTP keys it derived (RFC 5764 §4.2) are taken into our own contexts, and
 * the datagrams of known SSRCs are unprotected and handed on straight from the ICE socket; what we
 * send is protected and written to the selected candidate pair's socket.
 *
 * Why: werift parses every packet into objects, runs its receiver statistics, NACK and event
 * chains, rebuilds the header for its sender, and builds a cipher and an HMAC per packet: most of
 * the CPU of a bridged call. The relay needs none of it.
 *
 * Which SRTP profile: AES_CM_128_HMAC_SHA1_80 first ({@link DtlsSrtpRelay.preferAesCm}). werift
 * prefers AEAD_AES_128_GCM, and Chromium takes it, but Node has no way to reuse a GCM cipher with a
 * new IV: each packet would build one, and OpenSSL 3 looks the algorithm up each time. Relaying a
 * call's traffic, that costs more CPU than an AES-CM packet here (one long-lived ECB cipher, two
 * pre-keyed SHA-1 states). RFC 8827 §6.5 makes AES_CM_128_HMAC_SHA1_80 mandatory for every WebRTC
 * endpoint; GCM stays on the list, and the relay carries whichever is agreed.
 *
 * What stays werift's: ICE (connectivity and consent STUN, RFC 7675), DTLS, and RTCP in both
 * directions (SRTCP, PLI/FIR, NACK parsing). RTP of an SSRC not routed here (not announced in the
 * SDP, RTX) still goes through werift as before. Nothing in node_modules is patched: the relay sits
 * on werift's objects at run time (not public API; werift is pinned at 0.25.2 for that reason too).
 */
import type { Socket } from 'node:dgram';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  type RTCDtlsTransport,
} from 'werift';
import { ArrivalClock } from './media-report';
import { isRtcp } from './rtp-header';
import { SrtpContext, type SrtpRefusals, type SrtpSuite } from './srtp-context';

/** Chromium's RTP in clear, with its arrival at the socket (hrtime ns; 0n: not timed). */
export type RelayedRtpHandler = (packet: Buffer, arrivalNs: bigint) => void;

type Address = [string, number];

/** The parts of werift's ICE connection the relay uses (not public API). */
interface IceConnectionInternals {
  nominated?: { remoteAddr: Address; protocol: { transport?: { socket?: Socket } } };
  protocols: { transport?: UdpTransportInternals }[];
  /** False before a pair is selected and once consent has expired (RFC 7675 §5.1: stop sending). */
  canSendApplicationData(): boolean;
}

/** werift's UDP transport: its socket's 'message' listener calls `onData`. */
interface UdpTransportInternals {
  socket?: Socket;
  onData: (data: Buffer, address: Address) => void;
}

/**
 * werift's DTLS transport keeps the use_srtp profiles (RFC 5764 §4.1.2) it offers as the DTLS client
 * and picks from, in this order, as the server. Read when its handshake starts.
 */
interface DtlsProfileInternals {
  srtpProfiles?: number[];
}

/** werift's SRTP session: the rollover counters it reached before the relay took over. */
interface SrtpStates {
  srtpSSRCStates: Record<number, { rolloverCounter: number; lastSequenceNumber: number } | undefined>;
}

const SUITES = new Map<number, { suite: SrtpSuite; saltBytes: number }>([
  [ProtectionProfileAes128CmHmacSha1_80, { suite: 'AES_CM_128_HMAC_SHA1_80', saltBytes: 14 }],
  [ProtectionProfileAeadAes128Gcm, { suite: 'AEAD_AES_128_GCM', saltBytes: 12 }],
]);
const KEY_BYTES = 16;

export class DtlsSrtpRelay {
  /** Chromium's SSRCs this relay takes, each to its stream's handler. */
  readonly routes = new Map<number, RelayedRtpHandler>();
  private readonly restores: (() => void)[] = [];
  private readonly arrivals = new ArrivalClock();

  private constructor(
    /** The SRTP profile DTLS agreed (RFC 5764 §4.1.2). */
    readonly suite: SrtpSuite,
    private readonly connection: IceConnectionInternals,
    private readonly local: SrtpContext,
    private readonly remote: SrtpContext,
  ) {
    for (const protocol of connection.protocols) {
      const udp = protocol.transport;
      if (!udp?.socket) continue;
      const werift = udp.onData;
      udp.onData = (data, address) => {
        if (!this.received(data)) werift(data, address);
      };
      this.restores.push(() => {
        udp.onData = werift;
      });
    }
  }

  /**
   * Puts AES_CM_128_HMAC_SHA1_80 first in what `transport` offers or accepts, before its handshake.
   * As the DTLS server (werift answers setup:passive, and Chromium answers its offers with active)
   * werift picks it from Chromium's list; as a client it only offers it first, and Chromium (the
   * server then) may still pick GCM, which the relay carries too.
   */
  static preferAesCm(transport: RTCDtlsTransport): void {
    const internals = transport as unknown as DtlsProfileInternals;
    if (transport.state !== 'new' || !Array.isArray(internals.srtpProfiles)) return;
    internals.srtpProfiles = [ProtectionProfileAes128CmHmacSha1_80, ProtectionProfileAeadAes128Gcm];
  }

  /**
   * The relay of a connected transport, or undefined when werift's objects are not what this was
   * written against or the SRTP profile is one we do not implement: werift then keeps the RTP.
   */
  static start(transport: RTCDtlsTransport): DtlsSrtpRelay | undefined {
    const dtls = transport.dtls;
    const suite = SUITES.get(dtls?.srtp.srtpProfile ?? -1);
    const connection = transport.iceTransport.connection as unknown as Partial<IceConnectionInternals>;
    if (!dtls || !suite || !Array.isArray(connection.protocols) || !connection.canSendApplicationData)
      return undefined;
    const keys = dtls.extractSessionKeys(KEY_BYTES, suite.saltBytes);
    const local = new SrtpContext(keys.localKey, keys.localSalt, suite.suite);
    const remote = new SrtpContext(keys.remoteKey, keys.remoteSalt, suite.suite);
    // Streams werift already protected or unprotected carry on from its packet index.
    const werift = transport.srtp as unknown as { localContext: SrtpStates; remoteContext: SrtpStates };
    const seed = (context: SrtpContext, states: SrtpStates['srtpSSRCStates']) => {
      for (const [ssrc, state] of Object.entries(states)) {
        if (state) context.seed(Number(ssrc), state.rolloverCounter, state.lastSequenceNumber);
      }
    };
    seed(local, werift.localContext.srtpSSRCStates);
    seed(remote, werift.remoteContext.srtpSSRCStates);
    return new DtlsSrtpRelay(suite.suite, connection as IceConnectionInternals, local, remote);
  }

  /** Chromium's packets that failed authentication or were replays, dropped here. */
  get refused(): SrtpRefusals {
    return this.remote.refused;
  }

  /**
   * Protects one RTP packet and sends it on the selected pair. Returns the SRTP bytes sent (kept for
   * retransmission), or undefined when nothing may go out (no pair, or consent expired).
   */
  send(packet: Buffer): Buffer | undefined {
    if (!this.pathOpen()) return undefined;
    const wire = this.local.protect(packet);
    this.write(wire);
    return wire;
  }

  /** Sends bytes already protected (a retransmission of {@link send}'s result). */
  resend(wire: Buffer): void {
    if (this.pathOpen()) this.write(wire);
  }

  /** Gives werift its sockets back (the leg is closing). */
  stop(): void {
    for (const restore of this.restores.splice(0)) restore();
    this.routes.clear();
  }

  /** A pair is selected, has its socket, and Chromium's consent is fresh. */
  private pathOpen(): boolean {
    return (
      !!this.connection.nominated?.protocol.transport?.socket && this.connection.canSendApplicationData()
    );
  }

  private write(wire: Buffer): void {
    const pair = this.connection.nominated;
    pair?.protocol.transport?.socket?.send(wire, pair.remoteAddr[1], pair.remoteAddr[0]);
  }

  /**
   * One datagram from the ICE socket: true when it was RTP of a routed SSRC (relayed, or dropped
   * because SRTP refused it), false for werift to handle (STUN, DTLS, RTCP, other SSRCs).
   */
  private received(data: Buffer): boolean {
    // RFC 7983 §7: 128-191 is RTP or RTCP; RTCP is told apart by its packet type (RFC 5761 §4).
    const first = data[0] ?? 0;
    if (data.length < 12 || first < 128 || first > 191 || isRtcp(data)) return false;
    const route = this.routes.get(data.readUInt32BE(8));
    if (!route) return false;
    const arrival = this.arrivals.read();
    const plain = this.remote.unprotect(data);
    if (plain) route(plain, arrival);
    return true;
  }
}
