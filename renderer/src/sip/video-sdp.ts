/**
 * Whether an SDP offers a video stream we could take: an `m=video` line with a non-zero port
 * (port 0 marks a stream that is declined or removed, RFC 3264 §5.1, §8.2).
 */
export function offersVideo(sdp: string): boolean {
  return /^m=video\s+[1-9]\d*\s/m.test(sdp);
}
