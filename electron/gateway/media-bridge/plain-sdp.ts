/**
 * The SDP the far end sees: a plain description of the bridge's own sockets (RFC 4566, RFC 3264),
 * written from scratch rather than edited from Chromium's. No ICE candidates, fingerprints, SSRC or
 * msid lines, no header extensions: a SIP phone needs none of them, and an INVITE over UDP must stay
 * well under the path MTU (RFC 3261 §18.1.1). A two-codec audio offer is about 250 bytes.
 */
import type { MediaKind, RtpCodec } from './codecs';
import type { MediaDirection } from './sdp';

export interface PlainSdpStream {
  kind: MediaKind;
  /** 0 rejects or disables the stream (RFC 3264 §6, §8.2). */
  port: number;
  /** Formats listed on a rejected line (it must list at least one). */
  codecs: RtpCodec[];
  direction: MediaDirection;
  /** Offer rtcp-mux (RFC 5761), or confirm it in an answer. */
  rtcpMux: boolean;
  /** The value of our `a=crypto` line (RFC 4568); present means RTP/SAVP. */
  crypto?: string;
  /** RTP/AVP with `a=crypto`: what best-effort SRTP phones offer (answered in kind). */
  cryptoOverAvp?: boolean;
}

export interface PlainSdp {
  /** Our session id: stays the same for the whole call (RFC 4566 §5.2). */
  sessionId: string;
  /** Incremented whenever the description changes (RFC 3264 §8). */
  version: number;
  /** The address the far end sends to: ours as the server sees it. */
  address: string;
  streams: PlainSdpStream[];
}

/** Packet time for audio: what Chromium sends (20 ms), stated so G.711 phones do not guess. */
const AUDIO_PTIME_MS = 20;
/** Only the feedback a plain phone can act on; Chromium's transport-cc/goog-remb belong to its leg. */
const VIDEO_FEEDBACK = new Set(['nack pli', 'ccm fir']);

export function writePlainSdp(description: PlainSdp): string {
  const family = description.address.includes(':') ? 'IP6' : 'IP4';
  const lines = [
    'v=0',
    `o=Ringline ${description.sessionId} ${description.version} IN ${family} ${description.address}`,
    's=Ringline',
    `c=IN ${family} ${description.address}`,
    't=0 0',
  ];
  for (const stream of description.streams) {
    const formats = stream.codecs.length > 0 ? stream.codecs : [];
    const payloads =
      formats.map((codec) => codec.payloadType).join(' ') || (stream.kind === 'audio' ? '0' : '96');
    const protocol = stream.crypto && !stream.cryptoOverAvp ? 'RTP/SAVP' : 'RTP/AVP';
    lines.push(`m=${stream.kind} ${stream.port} ${protocol} ${payloads}`);
    if (stream.port === 0) continue;
    for (const codec of formats) {
      lines.push(
        `a=rtpmap:${codec.payloadType} ${codec.name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`,
      );
      if (codec.fmtp) lines.push(`a=fmtp:${codec.payloadType} ${codec.fmtp}`);
      if (stream.kind === 'video') {
        for (const feedback of codec.rtcpFeedback) {
          if (VIDEO_FEEDBACK.has(feedback)) lines.push(`a=rtcp-fb:${codec.payloadType} ${feedback}`);
        }
      }
    }
    if (stream.kind === 'audio') lines.push(`a=ptime:${AUDIO_PTIME_MS}`);
    if (stream.crypto) lines.push(`a=crypto:${stream.crypto}`);
    if (stream.rtcpMux) lines.push('a=rtcp-mux');
    lines.push(`a=${stream.direction}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}
