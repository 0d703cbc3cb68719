/**
 * The codecs the bridge relays, and how a codec on one leg is recognised on the other.
 *
 * The bridge never transcodes: a packet goes out with the payload it came in with, so only codecs
 * both Chromium and a plain SIP phone can decode may be offered on either leg. Payload type numbers
 * are each side's own business (RFC 3264 §5.1: an SDP names the numbers its author wants to
 * receive), so a codec is matched by name, clock rate, channels and the format parameters that
 * change the bitstream, never by number.
 */

export type MediaKind = 'audio' | 'video';

/** One `a=rtpmap` (or static payload type) with what goes with it in an SDP media section. */
export interface RtpCodec {
  payloadType: number;
  /** Encoding name as written, e.g. `PCMU`, `opus`, `telephone-event`. */
  name: string;
  clockRate: number;
  /** Audio channels; absent means 1. */
  channels?: number;
  /** The `a=fmtp` parameters, as written. */
  fmtp?: string;
  /** `a=rtcp-fb` values for this payload type, e.g. `nack pli`. */
  rtcpFeedback: string[];
}

/**
 * RFC 3551 §6 static payload types a peer may use without an `a=rtpmap`. G.722 is listed at 8000
 * although it samples at 16 kHz: RFC 3551 §4.5.2 keeps the RTP clock at 8000 for compatibility.
 */
const STATIC_PAYLOAD_TYPES: Readonly<Record<number, Pick<RtpCodec, 'name' | 'clockRate' | 'channels'>>> = {
  0: { name: 'PCMU', clockRate: 8000 },
  3: { name: 'GSM', clockRate: 8000 },
  4: { name: 'G723', clockRate: 8000 },
  8: { name: 'PCMA', clockRate: 8000 },
  9: { name: 'G722', clockRate: 8000 },
  13: { name: 'CN', clockRate: 8000 },
  18: { name: 'G729', clockRate: 8000 },
  34: { name: 'H263', clockRate: 90000 },
};

/** The codec a static payload type stands for, when the SDP gives no `a=rtpmap` for it. */
export function staticCodec(payloadType: number): RtpCodec | undefined {
  const known = STATIC_PAYLOAD_TYPES[payloadType];
  return known ? { payloadType, ...known, rtcpFeedback: [] } : undefined;
}

const RELAYABLE: Readonly<Record<MediaKind, readonly string[]>> = {
  // Opus, G.722 and G.711 are what Chromium decodes and SIP phones commonly speak; telephone-event
  // carries RFC 4733 DTMF next to any of them.
  audio: ['opus', 'g722', 'pcmu', 'pcma', 'telephone-event'],
  video: ['vp8', 'h264'],
};

/** Whether packets of this codec can pass the bridge untouched (both legs can decode them). */
export function isRelayable(kind: MediaKind, codec: RtpCodec): boolean {
  const name = codec.name.toLowerCase();
  if (!RELAYABLE[kind].includes(name)) return false;
  if (name === 'opus') return codec.clockRate === 48000 && (codec.channels ?? 1) === 2;
  if (name === 'telephone-event') return codec.clockRate === 8000 || codec.clockRate === 48000;
  if (kind === 'video') return codec.clockRate === 90000;
  return codec.clockRate === 8000;
}

export function isTelephoneEvent(codec: Pick<RtpCodec, 'name'>): boolean {
  return codec.name.toLowerCase() === 'telephone-event';
}

/** `a=fmtp` parameters as a lower-cased key -> value map (`0-16` style values kept as written). */
export function fmtpParameters(fmtp: string | undefined): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const part of (fmtp ?? '').split(';')) {
    const [key, ...rest] = part.split('=');
    const name = key?.trim().toLowerCase();
    if (name) parameters.set(name, rest.join('=').trim());
  }
  return parameters;
}

/**
 * Whether two SDP codecs are the same bitstream. For H.264 the packetization mode and the profile
 * (the first two bytes of profile-level-id; the level may differ, RFC 6184 §8.2.2) must agree.
 */
export function sameCodec(a: RtpCodec, b: RtpCodec): boolean {
  if (a.name.toLowerCase() !== b.name.toLowerCase()) return false;
  if (a.clockRate !== b.clockRate || (a.channels ?? 1) !== (b.channels ?? 1)) return false;
  if (a.name.toLowerCase() !== 'h264') return true;
  const pa = fmtpParameters(a.fmtp);
  const pb = fmtpParameters(b.fmtp);
  const mode = (p: Map<string, string>) => p.get('packetization-mode') ?? '0';
  const profile = (p: Map<string, string>) =>
    (p.get('profile-level-id') ?? '42001f').slice(0, 4).toLowerCase();
  return mode(pa) === mode(pb) && profile(pa) === profile(pb);
}

/** A codec as logged and reported, e.g. `PCMU/8000` or `opus/48000/2`. */
export function codecLabel(codec: RtpCodec): string {
  return `${codec.name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`;
}
