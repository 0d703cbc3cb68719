/**
 * Edits of Chromium's SDP before werift sees it.
 *
 * werift answers from its configured codecs and matches them to the offer by MIME type only
 * (`findCodecByMimeType` ignores the clock rate), so Chromium's default offer, which lists
 * telephone-event at 48000 before 8000, gets the 48 kHz one answered next to PCMU, and Chromium then
 * sends DTMF no G.711 phone can use. Cutting the offer down to exactly the codecs the far end agreed
 * to (in Chromium's numbering) leaves werift nothing to get wrong, and lets the bridge reject an
 * m-line (port 0) the far end refused.
 *
 * werift is also told that Chromium's description holds all its candidates ({@link withEndOfCandidates}).
 */
import { isIP } from 'node:net';
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

/**
 * Chromium's description with `a=end-of-candidates` (RFC 8840 §8.2) on each m-line whose candidates
 * are all IP addresses. It came whole: SIP.js sends it once gathering is done, and SIP carries no
 * trickled candidates, so none can follow.
 *
 * Why werift needs telling: its `Connection.connect` (werift 0.25.2) runs "start a check, sleep 20 ms"
 * rounds for as long as it expects more candidates, and reports ICE connected, which starts DTLS, only
 * when the round in which a pair was nominated ends. Knowing there are no more, it leaves the rounds
 * once no pair is left waiting, and reports connected at the nomination itself. When Chromium
 * answers, its check has usually come before its answer, so werift's check for that pair is already
 * under way as the rounds start: with the attribute they end at once, without it werift sleeps 20 ms
 * with its pair nominated. An ICE restart (new credentials) clears werift's flag; each description
 * sets it again.
 *
 * Left out where werift must still wait: an m-line with no candidate (a pair can then only come from
 * Chromium's checks, as a peer-reflexive candidate), or with an mDNS name, which werift resolves only
 * after the description is applied; told "no more", it would fail before the name resolved.
 */
export function withEndOfCandidates(sdp: string): string {
  const session = parse(sdp);
  for (const media of session.media) {
    const candidates = media.candidates ?? [];
    if (candidates.length > 0 && candidates.every((candidate) => isIP(candidate.ip) !== 0))
      media.endOfCandidates = 'end-of-candidates';
  }
  return write(session);
}
