/**
 * When to stop waiting for ICE candidates before sending an offer or answer.
 *
 * SIP.js does not trickle ICE: it sends the SDP once gathering is "complete". Chromium finishes
 * gathering only when every configured STUN/TURN server has answered or timed out, which takes
 * about 40 s for an unreachable one, so without this rule every call would wait for a timeout.
 * The candidates that matter are in much sooner: host candidates within milliseconds, a STUN
 * server's reflexive address or a TURN allocation within one round trip.
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
 * How long to wait for the servers once host candidates are in. A STUN round trip or a TURN
 * allocation (even over TLS) takes well under this on working networks; an unreachable server
 * costs the call only this much.
 */
export const SERVER_CANDIDATE_WAIT_MS = 500;

/** The overall cap, whatever happens (e.g. no candidate at all arrives). */
export const ICE_GATHERING_CAP_MS = 1500;

export function iceGatheringPlan(
  servers: readonly RTCIceServer[],
  policy: RTCIceTransportPolicy = 'all',
): IceGatheringPlan {
  const urls = servers.flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]));
  const relay = urls.some((url) => /^turns?:/i.test(url));
  const reflexive = relay || urls.some((url) => /^stuns?:/i.test(url));
  return { reflexive, relay, policy };
}

/**
 * Whether the candidates gathered so far are enough to send the SDP.
 * - No servers: the first host candidate.
 * - STUN: a host and a server-reflexive (or relay) candidate, or the host candidates alone once the
 *   servers had {@link SERVER_CANDIDATE_WAIT_MS} to answer.
 * - TURN: as STUN, but waiting for a relay candidate.
 * - Relay only: the first relay candidate (the cap applies when the TURN server never answers).
 *
 * @param msSinceFirstHost time since the first host candidate arrived; undefined before that.
 */
export function enoughCandidates(
  plan: IceGatheringPlan,
  types: readonly IceCandidateType[],
  msSinceFirstHost: number | undefined,
): boolean {
  const hasRelay = types.includes('relay');
  if (plan.policy === 'relay') return hasRelay;
  if (!types.includes('host')) return false;
  if (!plan.reflexive) return true;
  const serverAnswered = plan.relay ? hasRelay : hasRelay || types.includes('srflx');
  return serverAnswered || (msSinceFirstHost ?? 0) >= SERVER_CANDIDATE_WAIT_MS;
}

/** The candidate type from an `RTCIceCandidate` (its `type`, or parsed from the candidate line). */
export function candidateType(
  candidate: Pick<RTCIceCandidate, 'type' | 'candidate'>,
): IceCandidateType | undefined {
  const type = candidate.type ?? / typ (host|srflx|prflx|relay)\b/.exec(candidate.candidate)?.[1];
  return type === 'host' || type === 'srflx' || type === 'prflx' || type === 'relay' ? type : undefined;
}
