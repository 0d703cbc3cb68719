/**
 * RTP and RTCP fixed headers read and written in place (RFC 3550 §5.1, §6.4), so relaying a packet
 * costs a few byte writes rather than a parse into objects and a copy back.
 */

export const RTP_FIXED_HEADER_BYTES = 12;

/**
 * Whether a datagram on a muxed port is RTCP rather than RTP (RFC 5761 §4): RTCP packet types
 * 192-223 fall where an RTP marker bit plus payload type 64-95 would, which no dynamic mapping uses.
 */
export function isRtcp(packet: Buffer): boolean {
  if (packet.length < 2) return false;
  const type = packet[1] ?? 0;
  return type >= 192 && type <= 223;
}

/** A minimally valid RTP packet: version 2, long enough for its own CSRC list and extension. */
export function isRtp(packet: Buffer): boolean {
  if (packet.length < RTP_FIXED_HEADER_BYTES || (packet[0] ?? 0) >> 6 !== 2 || isRtcp(packet)) return false;
  return rtpHeaderLength(packet) <= packet.length;
}

export function payloadType(packet: Buffer): number {
  return (packet[1] ?? 0) & 0x7f;
}

export function setPayloadType(packet: Buffer, type: number): void {
  packet[1] = ((packet[1] ?? 0) & 0x80) | (type & 0x7f);
}

export function sequenceNumber(packet: Buffer): number {
  return packet.readUInt16BE(2);
}

export function setSequenceNumber(packet: Buffer, value: number): void {
  packet.writeUInt16BE(value & 0xffff, 2);
}

export function timestamp(packet: Buffer): number {
  return packet.readUInt32BE(4);
}

export function ssrc(packet: Buffer): number {
  return packet.readUInt32BE(8);
}

export function setSsrc(packet: Buffer, value: number): void {
  packet.writeUInt32BE(value >>> 0, 8);
}

export function marker(packet: Buffer): boolean {
  return ((packet[1] ?? 0) & 0x80) !== 0;
}

/** Bytes before the payload: fixed header, CSRC list, and the header extension when present. */
export function rtpHeaderLength(packet: Buffer): number {
  const first = packet[0] ?? 0;
  let length = RTP_FIXED_HEADER_BYTES + 4 * (first & 0x0f);
  if (first & 0x10) {
    if (packet.length < length + 4) return Number.MAX_SAFE_INTEGER;
    length += 4 + 4 * packet.readUInt16BE(length + 2);
  }
  return length;
}

/**
 * The packet without its header extension (RFC 3550 §5.3.1). Extensions are negotiated per leg
 * (RFC 8285): ids Chromium agreed with the bridge mean nothing to a plain phone. Returns the same
 * buffer when there is none.
 */
export function withoutHeaderExtension(packet: Buffer): Buffer {
  const first = packet[0] ?? 0;
  if (!(first & 0x10)) return packet;
  const fixed = RTP_FIXED_HEADER_BYTES + 4 * (first & 0x0f);
  const end = rtpHeaderLength(packet);
  const out = Buffer.concat([packet.subarray(0, fixed), packet.subarray(end)]);
  out[0] = first & ~0x10;
  return out;
}

/** The SSRC of the sender of an RTCP packet (SR, RR, SDES, BYE, APP, RTPFB, PSFB all put it there). */
export function rtcpSenderSsrc(packet: Buffer): number | undefined {
  return packet.length >= 8 ? packet.readUInt32BE(4) : undefined;
}
