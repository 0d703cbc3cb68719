import { defaultPeerConnectionConfiguration } from 'sip.js/lib/platform/web';

/**
 * Tries an incoming SDP offer on a scratch peer connection, the way the call's own would take it on
 * answering. Resolves with the browser's reason when the offer cannot be used, so the call is refused
 * with 488 before it rings rather than failing when the user answers. Nothing is gathered or sent:
 * a remote description alone starts no ICE.
 */
export async function offerProblem(sdp: string): Promise<string | undefined> {
  // A legal offer, but no call: nothing to hear or see (a port of 0 declines the stream).
  if (!/^m=(audio|video) [1-9]/m.test(sdp)) return 'the offer has no audio or video stream';
  const scratch = new RTCPeerConnection({ ...defaultPeerConnectionConfiguration(), iceServers: [] });
  try {
    await scratch.setRemoteDescription({ type: 'offer', sdp });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    scratch.close();
  }
}

/** The offer an INVITE carries, if it carries one (an INVITE may leave the offer to its answer). */
export function sdpOffer(body: string | undefined, contentType: string | undefined): string | undefined {
  if (!body?.trim()) return undefined;
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/sdp' ? body : undefined;
}
