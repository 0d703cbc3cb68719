import type { Invitation } from 'sip.js';
import { timerHeadersOf } from './call-session-timer';
import { offerProblem, sdpOffer } from './offer-check';
import type { RinglineSessionDescriptionHandlerOptions } from './session-description-handler';
import { decideAsUas, minSEHeader, type NegotiatedSessionTimer } from './session-timer';

/** Whether an incoming INVITE may ring, decided before anything is sent beyond 100 Trying. */
export type IncomingDecision =
  | { kind: 'refuse'; statusCode: number; extraHeaders: string[]; why: string }
  | {
      kind: 'ring';
      /** Headers our 2xx will carry (the session timer's, RFC 4028 §9). */
      answerHeaders: string[];
      /** The session timer the 2xx agrees, if any. */
      sessionTimer?: NegotiatedSessionTimer;
    };

/**
 * Decide before 180: a caller that hears ringing expects a call that can be answered. SIP.js sends
 * 180 Ringing the moment an INVITE arrives (`sendInitialProvisionalResponse`, switched off in
 * `Phone`), so a call it then refuses (488, 422) rang at the caller's end for nothing. Here:
 * - a `Session-Expires` below our Min-SE gets 422 with our Min-SE (RFC 4028 §9);
 * - an SDP offer the browser cannot take gets 488 (RFC 3261 §13.3.1.3), tried on a scratch peer
 *   connection (`offer-check.ts`).
 * What SIP.js cannot know about the INVITE's form (version, Require, body type, Accept) was
 * already answered by the inbound guard, before SIP.js saw it.
 */
export async function decideBeforeRinging(invitation: Invitation): Promise<IncomingDecision> {
  const timer = decideAsUas(timerHeadersOf(invitation.request));
  if (timer.kind === 'too-small')
    return {
      kind: 'refuse',
      statusCode: 422,
      extraHeaders: [minSEHeader(timer.minSE)],
      why: `its session interval is below our Min-SE of ${timer.minSE} s`,
    };
  const offer = sdpOffer(invitation.body, invitation.request.getHeader('Content-Type'));
  const problem = offer === undefined ? undefined : await offerProblem(offer);
  if (problem !== undefined)
    return { kind: 'refuse', statusCode: 488, extraHeaders: [], why: `its offer cannot be used: ${problem}` };
  return timer.kind === 'use'
    ? { kind: 'ring', answerHeaders: timer.headers, sessionTimer: timer.timer }
    : { kind: 'ring', answerHeaders: [] };
}

/**
 * Sends 180 Ringing. When the caller requires 100rel (RFC 3262), SIP.js sends it reliably, waits
 * for the PRACK, and puts our SDP answer in it (§5 allows the answer there; for an INVITE without
 * an offer §5 requires our offer there, answered in the PRACK); the 200 then carries no SDP. Its
 * microphone capture starts muted until the user answers (see `captureMuted`).
 */
export function ring(
  invitation: Invitation,
  audioOnly: RinglineSessionDescriptionHandlerOptions,
): Promise<void> {
  // SIP.js reads `Require: 100rel` and then lets a `Supported: 100rel` in the same INVITE override it
  // (invitation.js sets rel100 "required", then "supported"), and would send this 180 unreliably,
  // against RFC 3262 §3 ("the UAS MUST send any non-100 provisional response reliably"). A caller
  // that requires 100rel nearly always lists it in Supported too, so say it explicitly.
  const required = invitation.request
    .getHeaders('Require')
    .some((line) => line.split(',').some((tag) => tag.trim().toLowerCase() === '100rel'));
  return invitation.progress({
    statusCode: 180,
    rel100: required,
    sessionDescriptionHandlerOptions: {
      ...audioOnly,
      captureMuted: true,
    } as RinglineSessionDescriptionHandlerOptions,
  });
}
