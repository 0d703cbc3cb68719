/**
 * When to stop waiting for ICE candidates before sending an offer or answer.
 *
 * SIP.js does not trickle ICE: it sends the SDP once gathering is "complete". Chromium finishes
 * gathering only when every configured STUN/TURN server has answered or timed out, which takes
 * about 40 s for an unreachable one, so without this rule every call would wait for a timeout.
 * The candidates that matter are in much sooner: host candidates within milliseconds, a STUN
 * server's reflexive address or a TURN allocation within one or two round trips.
 *
 * The servers are asked when the description is set, as the sockets for the host candidates open;
 * for an outgoing call that is usually while the number is typed (a prepared offer), so the wait
 * below is over before the user dials.
 */

export type IceCandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** What the configured servers can give us, derived from the account's ICE servers and policy. */
export interface IceGatheringPlan {
  /** Any STUN (or TURN, which also answers STUN) server is configured. */
  reflexive: boolean;
  /** Any TURN server is configured. */
  relay: boolean;
  /** `relay`: only relay candidates are gathered (no host candidates appear). */
  policy: RTCIceTransportPolicy;
}

/**
 * How long a STUN server gets to answer. A server that answers at all answers Chromium's first
 * Binding request before Chromium would send it again (its first retransmission timeout,
 * STUN_INITIAL_RTO, is 250 ms), unless that request was lost; then the call goes out with the host
 * candidates and the far end still learns our public address from our connectivity checks
 * (a peer-reflexive candidate, RFC 8445 §7.3.1.3). An unreachable server costs the call this much.
 */
export const REFLEXIVE_CANDIDATE_WAIT_MS = 250;

/**
 * How long a TURN server gets to give us a relay candidate: an allocation takes two exchanges (the
 * 401 challenge, then the authenticated Allocate, RFC 8656 §7), each within one retransmission
 * timeout. A relay can be the only way the media gets through, so it is worth the longer wait.
 */
export const RELAY_CANDIDATE_WAIT_MS = 500;

/**
 * How long the SDP waits for the candidates above before it goes with what it has, as long as that
 * is a candidate that can carry each transport's media (see {@link gatheringVerdict}).
 */
export const ICE_GATHERING_CAP_MS = 1500;

/**
 * How much longer than {@link ICE_GATHERING_CAP_MS} an offer or answer waits for a first candidate
 * that can carry its media, when none has come by the cap; then the call fails with a reason.
 *
 * An SDP without a candidate cannot work. The m= and c= lines carry no default candidate (RFC 8839)
 * but Chromium's placeholder, `c=IN IP4 0.0.0.0` and port 9, which in Trickle ICE (RFC 8840) means
 * "candidates follow": SIP.js never sends them. A far end that does not learn our address from our
 * connectivity checks (RFC 8445 §7.3.1.3) then has nowhere to send; rtpengine, Asterisk and
 * FreeSWITCH wait for our candidate. And a peer connection with no local candidate sends no checks.
 *
 * A host candidate comes within milliseconds on any machine with a network (4-100 ms after the
 * description is set in the e2e tests, at load 12-22 on 2 cores). None by the cap means something is
 * wrong: a starved machine, no usable interface, or a peer connection that gathers nothing at all
 * (seen here after a rollback and with a candidate pool, which the handler now avoids). Waiting
 * longer costs only such calls, and a call that fails with a reason is better than one that
 * connects without sound.
 */
export const MEDIA_CANDIDATE_WAIT_MS = 10_000;

export function iceGatheringPlan(
  servers: readonly RTCIceServer[],
  policy: RTCIceTransportPolicy = 'all',
): IceGatheringPlan {
  const urls = servers.flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]));
  const relay = urls.some((url) => /^turns?:/i.test(url));
  const reflexive = relay || urls.some((url) => /^stuns?:/i.test(url));
  return { reflexive, relay, policy };
}

/** How long the servers of `plan` get to answer before the host candidates alone are enough. */
export function serverCandidateWait(plan: IceGatheringPlan): number {
  return plan.relay ? RELAY_CANDIDATE_WAIT_MS : REFLEXIVE_CANDIDATE_WAIT_MS;
}

/**
 * Whether the candidates gathered so far are enough to send the SDP.
 * - No servers: the first host candidate.
 * - STUN: a host and a server-reflexive (or relay) candidate, or the host candidates alone once the
 *   servers had {@link REFLEXIVE_CANDIDATE_WAIT_MS} to answer.
 * - TURN: as STUN, but waiting for a relay candidate, up to {@link RELAY_CANDIDATE_WAIT_MS}.
 * - Relay only: the first relay candidate (the cap applies when the TURN server never answers).
 *
 * @param msServersHadToAnswer time since the servers were asked (this round's first candidate
 *   arrived); undefined before that.
 */
export function enoughCandidates(
  plan: IceGatheringPlan,
  types: readonly IceCandidateType[],
  msServersHadToAnswer: number | undefined,
): boolean {
  const hasRelay = types.includes('relay');
  if (plan.policy === 'relay') return hasRelay;
  if (!types.includes('host')) return false;
  if (!plan.reflexive) return true;
  const serverAnswered = plan.relay ? hasRelay : hasRelay || types.includes('srflx');
  return serverAnswered || (msServersHadToAnswer ?? 0) >= serverCandidateWait(plan);
}

/** A candidate as far as the wait cares: its type, transport protocol and the m-line it was gathered for. */
export interface GatheredCandidate {
  type: IceCandidateType;
  protocol: string | null;
  mid: string | null;
}

/**
 * Whether each ICE transport has a candidate that can carry media: a relay candidate under the
 * relay-only policy, else a UDP host candidate (media servers rarely speak ICE-TCP).
 *
 * With the default bundle policy ("balanced") Chromium gathers each media kind of a first offer on a
 * transport of its own, and the video line's candidates can come before the audio line's. An offer
 * sent on the very first host candidate could then carry none for audio; a far end that does not
 * learn our address from our checks (rtpengine, for one) never starts ICE there: a call that connects
 * with no sound. Host candidates of the other transports follow within milliseconds.
 *
 * @param transports the m-line ids (mids) of each transport in use; a bundled one has several.
 */
export function everyTransportHasCandidate(
  transports: readonly (readonly string[])[],
  candidates: readonly GatheredCandidate[],
  policy: RTCIceTransportPolicy = 'all',
): boolean {
  const usable = (candidate: GatheredCandidate) =>
    policy === 'relay'
      ? candidate.type === 'relay'
      : candidate.type === 'host' && candidate.protocol !== 'tcp';
  return transports.every((mids) =>
    candidates.some(
      (candidate) => candidate.mid !== null && mids.includes(candidate.mid) && usable(candidate),
    ),
  );
}

/** The candidate type from an `RTCIceCandidate` (its `type`, or parsed from the candidate line). */
export function candidateType(
  candidate: Pick<RTCIceCandidate, 'type' | 'candidate'>,
): IceCandidateType | undefined {
  const type = candidate.type ?? / typ (host|srflx|prflx|relay)\b/.exec(candidate.candidate)?.[1];
  return type === 'host' || type === 'srflx' || type === 'prflx' || type === 'relay' ? type : undefined;
}

/** What to do with an SDP that waits for its candidates. */
export type GatheringVerdict = 'send' | 'wait' | 'give-up';

/**
 * Whether the SDP may go now with the candidates gathered so far in its round.
 * - `send` when each transport has a candidate that can carry its media
 *   ({@link everyTransportHasCandidate}) and either the servers had their chance
 *   ({@link enoughCandidates}), the browser has finished gathering, or {@link ICE_GATHERING_CAP_MS} is
 *   over;
 * - once gathering has finished, or {@link MEDIA_CANDIDATE_WAIT_MS} more has passed: `send` with any
 *   candidate at all (an ICE-TCP one, or audio's without video's, may still carry a call), `give-up`
 *   with none;
 * - `wait` otherwise.
 *
 * @param msWaited time since the SDP was set and began waiting.
 * @param gatheringComplete the browser finished gathering this round: no candidate will follow.
 */
export function gatheringVerdict(
  plan: IceGatheringPlan,
  round: readonly GatheredCandidate[],
  transports: readonly (readonly string[])[],
  msServersHadToAnswer: number | undefined,
  msWaited: number,
  gatheringComplete: boolean,
): GatheringVerdict {
  const types = round.map((candidate) => candidate.type);
  if (everyTransportHasCandidate(transports, round, plan.policy)) {
    const serversHeard = enoughCandidates(plan, types, msServersHadToAnswer);
    if (serversHeard || gatheringComplete || msWaited >= ICE_GATHERING_CAP_MS) return 'send';
  }
  if (gatheringComplete || msWaited >= ICE_GATHERING_CAP_MS + MEDIA_CANDIDATE_WAIT_MS) {
    const usable = plan.policy === 'relay' ? types.includes('relay') : types.length > 0;
    return usable ? 'send' : 'give-up';
  }
  return 'wait';
}
