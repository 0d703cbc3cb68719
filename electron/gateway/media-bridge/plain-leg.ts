/**
 * The plain leg of one media stream: RTP/AVP (or SDES RTP/SAVP) on a pair of UDP sockets the
 * bridge owns, towards the far end's phone or provider.
 *
 * RTP on an even port, RTCP on the next one (RFC 3550 §11) unless rtcp-mux was agreed (RFC 5761).
 * Every packet leaves through {@link MediaDestinations}, the only owner of "where may we send";
 * every packet that arrives is checked by it first (strict RTP), then authenticated and decrypted
 * when SRTP is on.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { SrtcpSession } from 'werift';
import { MediaDestinations } from './media-destinations';
import { ArrivalClock } from './media-report';
import { isRtcp, isRtp, sequenceNumber } from './rtp-header';
import { SRTP_PROFILE, type SrtpKey } from './sdes';
import type { Endpoint } from './sdp';
import { SrtpContext } from './srtp-context';

/** Ports the bridge may bind for the plain leg (inclusive; RTP takes the even one). */
export interface PortRange {
  min: number;
  max: number;
}

export interface PlainLegCounters {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  /** Packets from a source that was not (yet) admitted, or not RTP at all. */
  packetsRejected: number;
  /** RTP packets that failed SRTP authentication, or were replays (RFC 3711 §3.3.2). */
  packetsUnauthenticated: number;
  /** RTCP packets that failed SRTCP authentication (some phones send an RTCP APP ping or BYE in clear). */
  rtcpUnauthenticated: number;
}

interface SrtpContexts {
  /** Ours protects what we send; theirs authenticates and decrypts what the far end sends. */
  rtp: { ours: SrtpContext; theirs: SrtpContext };
  rtcp: SrtcpSession;
}

/**
 * The sockets' address lookup: destinations are the literal addresses of the far end's SDP, so they
 * go out in the same turn; dgram's default (`dns.lookup`) answers even a literal on the next tick,
 * which costs every packet a deferred send.
 */
function lookupLiteral(
  hostname: string,
  options: LookupOneOptions | number,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(hostname);
  if (family !== 0) {
    callback(null, hostname, family);
    return;
  }
  dnsLookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}

async function bind(socket: Socket, port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = () => resolve(false);
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(true);
    });
  });
}

export class PlainLeg {
  readonly destinations: MediaDestinations;
  readonly counters: PlainLegCounters = {
    packetsSent: 0,
    bytesSent: 0,
    packetsReceived: 0,
    bytesReceived: 0,
    packetsRejected: 0,
    packetsUnauthenticated: 0,
    rtcpUnauthenticated: 0,
  };
  /** Called with each admitted, decrypted RTP packet and its arrival time at the socket (0n: not timed). */
  onRtp: (packet: Buffer, arrivalNs: bigint) => void = () => undefined;
  /** Called with each admitted, decrypted RTCP compound packet. */
  onRtcp: (packet: Buffer) => void = () => undefined;
  private readonly arrivals = new ArrivalClock();
  private rtcpMux = false;
  private srtp: SrtpContexts | undefined;
  private closed = false;

  private constructor(
    private readonly rtpSocket: Socket,
    private readonly rtcpSocket: Socket,
    readonly address: string,
    probationPackets?: number,
  ) {
    this.destinations = new MediaDestinations(probationPackets);
    rtpSocket.on('message', (packet, info) => this.received(packet, info, false));
    rtcpSocket.on('message', (packet, info) => this.received(packet, info, true));
    // A send to a closed port raises ICMP errors on some systems; they must not end the process.
    rtpSocket.on('error', () => undefined);
    rtcpSocket.on('error', () => undefined);
  }

  /** Binds an RTP/RTCP port pair in `range` on `address` (the interface that reaches the server). */
  static async open(address: string, range: PortRange, probationPackets?: number): Promise<PlainLeg> {
    const type = isIPv6(address) ? 'udp6' : 'udp4';
    const evenMin = range.min + (range.min % 2);
    const pairs = Math.floor((range.max - evenMin - 1) / 2) + 1;
    if (pairs < 1) throw new Error(`no RTP port pair fits in ${range.min}-${range.max}`);
    const start = Math.floor(Math.random() * pairs);
    for (let attempt = 0; attempt < Math.min(pairs, 64); attempt++) {
      const port = evenMin + 2 * ((start + attempt) % pairs);
      const rtp = createSocket({ type, reuseAddr: false, lookup: lookupLiteral });
      if (!(await bind(rtp, port, address))) {
        rtp.close();
        continue;
      }
      const rtcp = createSocket({ type, reuseAddr: false, lookup: lookupLiteral });
      if (!(await bind(rtcp, port + 1, address))) {
        rtp.close();
        rtcp.close();
        continue;
      }
      return new PlainLeg(rtp, rtcp, address, probationPackets);
    }
    throw new Error(`no free RTP port pair in ${range.min}-${range.max} on ${address}`);
  }

  get rtpPort(): number {
    return this.rtpSocket.address().port;
  }

  get rtcpPort(): number {
    return this.rtcpSocket.address().port;
  }

  /** rtcp-mux was agreed: RTCP goes to and comes from the RTP port. */
  setRtcpMux(mux: boolean): void {
    this.rtcpMux = mux;
  }

  /** SDES keys agreed in the SDP (ours to protect, theirs to unprotect), or undefined for plain RTP. */
  setSrtp(keys: { local: SrtpKey; remote: SrtpKey } | undefined): void {
    if (!keys) {
      this.srtp = undefined;
      return;
    }
    const config = {
      keys: {
        localMasterKey: keys.local.key,
        localMasterSalt: keys.local.salt,
        remoteMasterKey: keys.remote.key,
        remoteMasterSalt: keys.remote.salt,
      },
      profile: SRTP_PROFILE,
    };
    this.srtp = {
      rtp: {
        ours: new SrtpContext(keys.local.key, keys.local.salt),
        theirs: new SrtpContext(keys.remote.key, keys.remote.salt),
      },
      rtcp: new SrtcpSession(config),
    };
  }

  get encrypted(): boolean {
    return this.srtp !== undefined;
  }

  /** Sends one RTP packet (header and payload in plain text) to the admitted destination, if any. */
  sendRtp(packet: Buffer): boolean {
    const destination = this.destinations.rtpDestination();
    if (!destination || this.closed) return false;
    const wire = this.srtp ? this.srtp.rtp.ours.protect(packet) : packet;
    this.rtpSocket.send(wire, destination.port, destination.address);
    this.counters.packetsSent++;
    this.counters.bytesSent += wire.length;
    return true;
  }

  /** Sends one compound RTCP packet to the admitted RTCP destination, if any. */
  sendRtcp(packet: Buffer): boolean {
    const destination = this.destinations.rtcpDestination();
    if (!destination || this.closed) return false;
    const wire = this.srtp ? this.srtp.rtcp.encrypt(packet) : packet;
    (this.rtcpMux ? this.rtpSocket : this.rtcpSocket).send(wire, destination.port, destination.address);
    return true;
  }

  /** `source` is dgram's description of the sender, read in place (MediaDestinations copies what it keeps). */
  private received(packet: Buffer, source: Endpoint, onRtcpPort: boolean): void {
    if (this.closed) return;
    const arrival = this.arrivals.read();
    if (onRtcpPort || isRtcp(packet)) {
      if (!onRtcpPort && !this.rtcpMux) return;
      if (!this.destinations.admitRtcp(source)) {
        this.counters.packetsRejected++;
        return;
      }
      let plain = packet;
      if (this.srtp) {
        try {
          plain = this.srtp.rtcp.decrypt(packet);
        } catch {
          // RFC 3711 §3.4: SRTCP is always authenticated; a clear RTCP packet is dropped like a forged one.
          this.counters.rtcpUnauthenticated++;
          return;
        }
      }
      this.onRtcp(plain);
      return;
    }
    if (!isRtp(packet)) {
      this.counters.packetsRejected++;
      return;
    }
    // Authenticate before the source may count towards latching: a forged packet proves nothing.
    const plain = this.srtp ? this.srtp.rtp.theirs.unprotect(packet) : packet;
    if (!plain) {
      this.counters.packetsUnauthenticated++;
      return;
    }
    if (!this.destinations.admitRtp(source, sequenceNumber(plain))) {
      this.counters.packetsRejected++;
      return;
    }
    this.counters.packetsReceived++;
    this.counters.bytesReceived += packet.length;
    this.onRtp(plain, arrival);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rtpSocket.close();
    this.rtcpSocket.close();
  }
}
