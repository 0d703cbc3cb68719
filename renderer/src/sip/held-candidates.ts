/**
 * An offer's ICE candidates taken out of it, to be given to the peer connection later
 * (`addIceCandidate`, as Trickle ICE does, RFC 8838 §8): an incoming call's offer is applied and
 * answered while it rings, and the caller's candidates go in only when the user answers. Without a
 * remote candidate our ICE agent has no pair to check (RFC 8445 §6.1.2.2), so nothing reaches the
 * caller until then; with them it starts checking at once.
 */
export interface HeldCandidates {
  /** The offer without its `a=candidate` and `a=end-of-candidates` lines. */
  sdp: string;
  candidates: RTCIceCandidateInit[];
}

export function holdCandidates(sdp: string): HeldCandidates {
  const lines = sdp.split(/\r?\n/);
  const kept: string[] = [];
  const candidates: RTCIceCandidateInit[] = [];
  /** Each media section's candidates, until its a=mid is known (it may follow them). */
  let section: RTCIceCandidateInit[] = [];
  let sectionIndex = -1;
  let sectionMid: string | undefined;
  const closeSection = () => {
    for (const candidate of section) candidates.push({ ...candidate, sdpMid: sectionMid ?? null });
    section = [];
    sectionMid = undefined;
  };
  for (const line of lines) {
    if (line.startsWith('m=')) {
      closeSection();
      sectionIndex += 1;
    } else if (line.startsWith('a=mid:')) {
      sectionMid = line.slice('a=mid:'.length).trim();
    } else if (sectionIndex >= 0 && line.startsWith('a=candidate:')) {
      section.push({ candidate: line.slice('a='.length), sdpMLineIndex: sectionIndex });
      continue;
    } else if (line.startsWith('a=end-of-candidates')) {
      continue;
    }
    kept.push(line);
  }
  closeSection();
  return { sdp: kept.join('\r\n'), candidates };
}
