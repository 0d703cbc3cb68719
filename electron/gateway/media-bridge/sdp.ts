/**
 * Reading SDP (RFC 4566) into what the bridge needs: per media section its codecs, where the peer
 * wants RTP and RTCP, the direction, rtcp-mux and SDES keys.
 *
 * Liberal in what it reads (RFC 3264 and what providers send): a missing `a=rtpmap` for a static
 * payload type, a connection line only at session level, `0.0.0.0` for hold (RFC 3264 §8.4, from
 * RFC 2543), direction attributes at session or media level, LF-only line ends.
 */
import { parse, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { staticCodec, type RtpCodec } from './codecs';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Why a body could not be used as SDP. */
export class SdpError extends Error {
  override readonly name = 'SdpError';
}

/** An address and port a peer named in its SDP. */
export interface Endpoint {
  address: string;
  port: number;
}

/** One `m=` section as the bridge reads it. */
export interface SdpMediaSection {
  /** Position in the description (answers keep the offer's order, RFC 3264 §6). */
  index: number;
  /** `audio`, `video`, or whatever else the peer wrote (`application`, `image`…). */
  type: string;
  /** 0 means the stream is rejected or disabled. */
  port: number;
  /** e.g. `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`. */
  protocol: string;
  /** The connection address for this section (media level, else session level); may be `0.0.0.0`. */
  address: string | undefined;
  /** Where RTCP goes when it is not RTP+1 (RFC 3605 `a=rtcp`). */
  rtcp?: { port: number; address?: string };
  rtcpMux: boolean;
  direction: MediaDirection;
  /** In `m=` line order: the order of preference. */
  codecs: RtpCodec[];
  /** `a=crypto` lines (RFC 4568), as written. */
  crypto: { tag: number; suite: string; keyParams: string; sessionParams?: string }[];
  ptime?: number;
  mid?: string;
}

export interface ParsedSdp {
  sessionId: string;
  sessionVersion: number;
  media: SdpMediaSection[];
}

/** Parses an SDP body; throws {@link SdpError} when it is not one. */
export function parseSdp(text: string): ParsedSdp {
  if (!/^v=0\s*$/m.test(text.split(/\r?\n/, 1)[0] ?? '')) throw new SdpError('not SDP: no v=0 line first');
  let session: SessionDescription;
  try {
    session = parse(text);
  } catch (error) {
    throw new SdpError(`unreadable SDP: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(session.media)) throw new SdpError('SDP without media sections');
  return {
    sessionId: String(session.origin?.sessionId ?? '0'),
    sessionVersion: Number(session.origin?.sessionVersion ?? 0),
    media: session.media.map((media, index) => readMedia(session, media, index)),
  };
}

function readMedia(session: SessionDescription, media: MediaDescription, index: number): SdpMediaSection {
  const payloadTypes = String(media.payloads ?? '')
    .trim()
    .split(/\s+/)
    .filter((value) => /^\d{1,3}$/.test(value))
    .map(Number);
  const codecs: RtpCodec[] = [];
  for (const payloadType of payloadTypes) {
    const rtpmap = media.rtp.find((entry) => entry.payload === payloadType);
    const known = rtpmap
      ? {
          payloadType,
          name: rtpmap.codec,
          clockRate: rtpmap.rate ?? 8000,
          ...(rtpmap.encoding !== undefined && rtpmap.encoding > 1 ? { channels: rtpmap.encoding } : {}),
          rtcpFeedback: [],
        }
      : staticCodec(payloadType);
    if (!known) continue;
    const fmtp = (media.fmtp ?? []).find((entry) => entry.payload === payloadType)?.config;
    const rtcpFeedback = (media.rtcpFb ?? [])
      .filter((fb) => String(fb.payload) === String(payloadType) || fb.payload === '*')
      .map((fb) => (fb.subtype ? `${fb.type} ${fb.subtype}` : fb.type));
    codecs.push({ ...known, ...(fmtp !== undefined ? { fmtp } : {}), rtcpFeedback });
  }
  const section: SdpMediaSection = {
    index,
    type: media.type,
    port: media.port,
    protocol: media.protocol,
    address: media.connection?.ip ?? session.connection?.ip,
    rtcpMux: media.rtcpMux === 'rtcp-mux',
    direction: media.direction ?? session.direction ?? 'sendrecv',
    codecs,
    crypto: (media.crypto ?? []).map((c) => ({
      tag: c.id,
      suite: c.suite,
      keyParams: c.config,
      ...(c.sessionConfig ? { sessionParams: c.sessionConfig } : {}),
    })),
  };
  if (media.rtcp) {
    section.rtcp = { port: media.rtcp.port, ...(media.rtcp.address ? { address: media.rtcp.address } : {}) };
  }
  if (media.ptime !== undefined) section.ptime = media.ptime;
  if (media.mid !== undefined) section.mid = String(media.mid);
  return section;
}

/** The direction seen from the other side: what one sends, the other receives. */
export function reverseDirection(direction: MediaDirection): MediaDirection {
  if (direction === 'sendonly') return 'recvonly';
  if (direction === 'recvonly') return 'sendonly';
  return direction;
}

/** Whether the author of an SDP with this direction wants to receive media. */
export function wantsToReceive(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

/**
 * Where the author of a section wants its RTP, or undefined when it wants none sent there:
 * a rejected stream (port 0), hold by `0.0.0.0` (RFC 3264 §8.4), or a missing address.
 */
export function rtpEndpoint(section: SdpMediaSection): Endpoint | undefined {
  if (section.port === 0 || !section.address) return undefined;
  if (section.address === '0.0.0.0' || section.address === '::') return undefined;
  return { address: section.address, port: section.port };
}

/** Where the author wants its RTCP: the RTP port with rtcp-mux, `a=rtcp` when given, else RTP+1. */
export function rtcpEndpoint(section: SdpMediaSection, rtcpMuxAgreed: boolean): Endpoint | undefined {
  const rtp = rtpEndpoint(section);
  if (!rtp) return undefined;
  if (rtcpMuxAgreed) return rtp;
  if (section.rtcp) return { address: section.rtcp.address ?? rtp.address, port: section.rtcp.port };
  return { address: rtp.address, port: rtp.port + 1 };
}
