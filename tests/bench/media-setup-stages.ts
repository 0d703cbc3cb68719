/**
 * The stages of one direct-path call's media set-up as the loopback capture saw them (see
 * packet-capture.ts): ICE checks and DTLS between Chromium and the bridge's werift, and RTP on both
 * legs. Every time is when the kernel saw the datagram, so a stage's time does not depend on which
 * process was slow to log it. STUN, DTLS and RTP are told apart by their first byte (RFC 7983).
 */
import type { UdpPacket } from './packet-capture';

/** When each stage happened, ms since the epoch; undefined when the capture does not show it. */
export interface MediaSetupStages {
  /** The 2xx to the call's INVITE on the wire between the gateway and the server (see {@link CallPorts}). */
  answered?: number;
  /** The first connectivity check (STUN Binding request) from Chromium, and from the bridge. */
  checkFromChromium?: number;
  checkFromBridge?: number;
  /** The first Binding success response to a check of each side. */
  successToChromium?: number;
  successToBridge?: number;
  /** The DTLS client's first ClientHello, the server's first flight, and each side's ChangeCipherSpec. */
  clientHello?: number;
  serverHello?: number;
  clientFinished?: number;
  serverFinished?: number;
  /** The first SRTP packet each way between the bridge and Chromium. */
  srtpToChromium?: number;
  srtpFromChromium?: number;
  /** The first plain RTP packet each way between the bridge and the far end. */
  rtpFromFarEnd?: number;
  rtpToFarEnd?: number;
}

export interface CallPorts {
  /** The server's SIP port: the 2xx to the INVITE crosses it. */
  serverSipPort: number;
  /**
   * Who sends the 2xx that counts: the server (to the gateway: the app called) or the gateway (to the
   * server: the app answered). The server also relays the 2xx between itself and the desk phone.
   */
  answeredBy: 'server' | 'gateway';
  callId: string;
  /** Chromium's local port for the call's media (the selected pair's local candidate). */
  chromiumPort: number;
  /** The far end's RTP port (from its SDP), when known. */
  farEndRtpPort: number | undefined;
}

const STUN_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const DTLS_CHANGE_CIPHER_SPEC = 20;
const DTLS_HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const SERVER_HELLO = 2;

function stunType(payload: Buffer): number | undefined {
  if (payload.length < 20 || (payload[0] ?? 0xff) > 3 || payload.readUInt32BE(4) !== STUN_COOKIE)
    return undefined;
  return payload.readUInt16BE(0);
}

/** Plain RTP or SRTP, not RTCP (RFC 5761 §4: RTCP's packet types 200-204 read as PT 72-76). */
function isRtp(payload: Buffer): boolean {
  const [first, second] = payload;
  if (first === undefined || second === undefined || first < 128 || first > 191) return false;
  const type = second & 0x7f;
  return type < 64 || type > 95;
}

/** DTLS records in one datagram: content type and, for handshake records, the message type. */
function dtlsRecords(payload: Buffer): { contentType: number; handshakeType?: number }[] {
  const records: { contentType: number; handshakeType?: number }[] = [];
  for (let offset = 0; offset + 13 <= payload.length;) {
    const contentType = payload[offset] ?? 0;
    if (contentType < 20 || contentType > 63) break;
    const epoch = payload.readUInt16BE(offset + 3);
    const length = payload.readUInt16BE(offset + 11);
    // Records of epoch 1 and later are encrypted: their handshake type cannot be read.
    const handshakeType = contentType === DTLS_HANDSHAKE && epoch === 0 ? payload[offset + 13] : undefined;
    records.push(handshakeType === undefined ? { contentType } : { contentType, handshakeType });
    offset += 13 + length;
  }
  return records;
}

function sipAnswer(payload: Buffer, callId: string): boolean {
  const text = payload.toString('latin1');
  return (
    /^SIP\/2\.0 2\d\d /.test(text) &&
    /^CSeq:\s*\d+\s+INVITE\s*$/im.test(text) &&
    /^(?:Call-ID|i):\s*(\S+)\s*$/im.exec(text)?.[1] === callId
  );
}

/** The stages of the call in `packets` between `since` and `until` (ms since the epoch). */
export function mediaSetupStages(
  packets: UdpPacket[],
  ports: CallPorts,
  since: number,
  until: number,
): MediaSetupStages {
  const stages: MediaSetupStages = {};
  const first = (stage: keyof MediaSetupStages, time: number) => {
    stages[stage] ??= time;
  };
  let dtlsClientPort: number | undefined;
  for (const packet of packets) {
    if (packet.time < since || packet.time >= until) continue;
    const { payload, sourcePort, destinationPort, time } = packet;
    const serverLeg = sourcePort === ports.serverSipPort || destinationPort === ports.serverSipPort;
    if (serverLeg) {
      const fromGateway = destinationPort === ports.serverSipPort;
      if (fromGateway === (ports.answeredBy === 'gateway') && sipAnswer(payload, ports.callId))
        first('answered', time);
      continue;
    }
    const fromChromium = sourcePort === ports.chromiumPort;
    const toChromium = destinationPort === ports.chromiumPort;
    if (fromChromium || toChromium) {
      const stun = stunType(payload);
      if (stun === BINDING_REQUEST) first(fromChromium ? 'checkFromChromium' : 'checkFromBridge', time);
      else if (stun === BINDING_SUCCESS) first(toChromium ? 'successToChromium' : 'successToBridge', time);
      else if (isRtp(payload)) first(fromChromium ? 'srtpFromChromium' : 'srtpToChromium', time);
      else {
        for (const record of dtlsRecords(payload)) {
          if (record.handshakeType === CLIENT_HELLO) {
            dtlsClientPort ??= sourcePort;
            first('clientHello', time);
          } else if (record.handshakeType === SERVER_HELLO) first('serverHello', time);
          else if (record.contentType === DTLS_CHANGE_CIPHER_SPEC && dtlsClientPort !== undefined)
            first(sourcePort === dtlsClientPort ? 'clientFinished' : 'serverFinished', time);
        }
      }
      continue;
    }
    if (ports.farEndRtpPort !== undefined && isRtp(payload)) {
      if (sourcePort === ports.farEndRtpPort) first('rtpFromFarEnd', time);
      else if (destinationPort === ports.farEndRtpPort) first('rtpToFarEnd', time);
    }
  }
  return stages;
}

/** The Call-ID of the first INVITE sent from `sipPort` at or after `since`. */
export function inviteCallId(packets: UdpPacket[], sipPort: number, since: number): string | undefined {
  for (const packet of packets) {
    if (packet.sourcePort !== sipPort || packet.time < since) continue;
    const text = packet.payload.toString('latin1');
    if (!text.startsWith('INVITE ')) continue;
    return /^(?:Call-ID|i):\s*(\S+)\s*$/im.exec(text)?.[1];
  }
  return undefined;
}
