/**
 * Reading hold from SDP (RFC 3264 §5.1, §8.4): a party that holds the call offers `a=sendonly`
 * (or `a=inactive` when it was itself already held), and the answerer mirrors it.
 */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * The direction of the first audio stream in `sdp` (the media-level attribute wins over the session
 * level one); `sendrecv` when none is given, as RFC 3264 §5.1 says.
 */
export function audioDirection(sdp: string): MediaDirection {
  const lines = sdp.split(/\r?\n/);
  let session: MediaDirection | undefined;
  let inAudio = false;
  let sawAudio = false;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      if (sawAudio) break;
      inAudio = line.startsWith('m=audio');
      sawAudio = inAudio;
      continue;
    }
    const match = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.exec(line);
    if (!match) continue;
    const direction = match[1] as MediaDirection;
    if (inAudio) return direction;
    if (!sawAudio) session = direction;
  }
  return session ?? 'sendrecv';
}

/**
 * Whether the far end holds us, judged from its SDP. In an offer, `sendonly`/`inactive` means it holds
 * us. In an answer to our own hold (we offered `sendonly`), `recvonly` is the normal reply and only
 * `inactive` means it holds us too.
 */
export function farEndHolds(remote: MediaDirection, role: 'offer' | 'answer', weHold: boolean): boolean {
  if (role === 'answer' && weHold) return remote === 'inactive';
  return remote === 'sendonly' || remote === 'inactive';
}
