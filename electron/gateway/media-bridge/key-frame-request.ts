/**
 * Key frame requests: Chromium's to our senders, and a plain phone's that werift cannot parse.
 */
import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RtcpPacket } from 'werift';

/**
 * Whether an RTCP packet from Chromium asks one of our senders for a key frame: a Picture Loss
 * Indication (RFC 4585 §6.3.1) naming it as the media source, or a Full Intra Request (RFC 5104
 * §4.3.1) with an entry for it.
 *
 * Read from the transport's RTCP rather than from werift's sender events: werift hands a
 * payload-specific feedback packet to the owner of its *sender* SSRC first. A Chromium that also sends
 * video signs its feedback with its own video SSRC, which werift knows as its receiver's, so every
 * PLI after the first few went to the receiver and was dropped, and the far end's video stayed frozen
 * after any loss until the call ended.
 */
export function asksForKeyFrame(rtcp: RtcpPacket, senderSsrc: number): boolean {
  if (!(rtcp instanceof RtcpPayloadSpecificFeedback)) return false;
  const { feedback } = rtcp;
  if (feedback instanceof PictureLossIndication) return feedback.mediaSsrc === senderSsrc;
  // werift parses a FIR but does not export its class.
  if ('fir' in feedback) return feedback.fir.some((entry) => entry.ssrc === senderSsrc);
  return false;
}

/** RTCP packet type of RFC 2032's Full Intra Request (§5.2.1). */
const RFC2032_FIR = 192;

/**
 * Whether a compound RTCP packet from a plain phone holds an RFC 2032 Full Intra Request (packet type
 * 192), the key frame request of H.261-era phones. RFC 5104 §4.3.1 replaced it with the FIR feedback
 * message, but phones still send it: baresip 1.0, for one, when the SDP it was given has no
 * `a=rtcp-fb ... nack pli`. werift's parser skips the type, so it is looked for in the bytes: each
 * packet's length field (RFC 3550 §6.4.1, in 32-bit words minus one) leads to the next.
 */
export function holdsLegacyFullIntraRequest(compound: Buffer): boolean {
  let offset = 0;
  while (offset + 4 <= compound.length) {
    if ((compound[offset] ?? 0) >> 6 !== 2) return false;
    if (compound[offset + 1] === RFC2032_FIR) return true;
    offset += 4 * (compound.readUInt16BE(offset + 2) + 1);
  }
  return false;
}
