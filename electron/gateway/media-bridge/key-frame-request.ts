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
import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RtcpPacket } from 'werift';

export function asksForKeyFrame(rtcp: RtcpPacket, senderSsrc: number): boolean {
  if (!(rtcp instanceof RtcpPayloadSpecificFeedback)) return false;
  const { feedback } = rtcp;
  if (feedback instanceof PictureLossIndication) return feedback.mediaSsrc === senderSsrc;
  // werift parses a FIR but does not export its class.
  if ('fir' in feedback) return feedback.fir.some((entry) => entry.ssrc === senderSsrc);
  return false;
}
