/**
 * Edits of Chromium's SDP before werift sees it.
 *
 * werift answers from its configured codecs and matches them to the offer by MIME type only
 * (`findCodecByMimeType` ignores the clock rate), so Chromium's default offer, which lists
 * telephone-event at 48000 before 8000, gets the 48 kHz one answered next to PCMU, and Chromium then
 * sends DTMF no G.711 phone can use. Cutting the offer down to exactly the codecs the far end agreed
 * to (in Chromium's numbering) leaves werift nothing to get wrong, and lets the bridge reject an
 * m-line (port 0) the far end refused.
 */
import { parse, write } from 'sdp-transform';

/**
 * Chromium's offer with each m-line (by mid) cut to `keep`'s payload types; m-lines with no entry,
 * or an empty one, get port 0 so werift rejects them.
 */
export function restrictOffer(sdp: string, keep: ReadonlyMap<string, readonly number[]>): string {
  const session = parse(sdp);
  session.media.forEach((media, index) => {
    const mid = media.mid !== undefined ? String(media.mid) : String(index);
    const payloads = keep.get(mid) ?? [];
    if (payloads.length === 0) {
      media.port = 0;
      return;
    }
    const kept = new Set(payloads);
    media.payloads = payloads.join(' ');
    media.rtp = media.rtp.filter((entry) => kept.has(entry.payload));
    media.fmtp = (media.fmtp ?? []).filter((entry) => kept.has(entry.payload));
    if (media.rtcpFb)
      media.rtcpFb = media.rtcpFb.filter((fb) => fb.payload === '*' || kept.has(Number(fb.payload)));
  });
  return write(session);
}
