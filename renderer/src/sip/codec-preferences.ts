/**
 * Codec order for `RTCRtpTransceiver.setCodecPreferences` (WebRTC 1.0 §5.4): the account's choices
 * first, in its order, then every other codec the browser offers in the browser's own order, so a far
 * end that supports none of the preferred codecs can still answer. Helpers (`telephone-event` for
 * RFC 4733 DTMF, comfort noise, RTX, RED, FEC) are never dropped.
 */

/** The MIME subtype a preference names, e.g. `PCMU` for `audio/PCMU`, compared case-insensitively. */
function subtype(codec: Pick<RTCRtpCodec, 'mimeType'>): string {
  return codec.mimeType.replace(/^[a-z]+\//i, '').toLowerCase();
}

export function orderCodecs<C extends Pick<RTCRtpCodec, 'mimeType'>>(
  available: readonly C[],
  preferred: readonly string[],
): C[] {
  const rank = (codec: C): number => {
    const index = preferred.findIndex((name) => name.toLowerCase() === subtype(codec));
    return index === -1 ? preferred.length : index;
  };
  // Array.prototype.sort is stable, so codecs of equal rank keep the browser's order.
  return [...available].sort((a, b) => rank(a) - rank(b));
}

/** Codec preferences per media kind, as the account stores them. */
export interface CodecPreferences {
  audio: readonly string[];
  video: readonly string[];
}

/**
 * Applies the preferences to every transceiver that can still negotiate. The receiver's
 * capabilities are used: `setCodecPreferences` accepts only codecs we can receive.
 */
export function applyCodecPreferences(
  peerConnection: RTCPeerConnection,
  preferences: CodecPreferences,
): void {
  for (const transceiver of peerConnection.getTransceivers()) {
    if (transceiver.direction === 'stopped') continue;
    const kind = transceiver.receiver.track.kind;
    if (kind !== 'audio' && kind !== 'video') continue;
    const capabilities = RTCRtpReceiver.getCapabilities(kind)?.codecs;
    if (!capabilities) continue;
    transceiver.setCodecPreferences(orderCodecs(capabilities, preferences[kind]));
  }
}
