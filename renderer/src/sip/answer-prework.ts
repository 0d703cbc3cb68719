import { SessionState, type Invitation } from 'sip.js';
import type { RinglineSessionDescriptionHandlerFactory } from './session-description-handler';

/**
 * Does, while an incoming call rings, everything answering it needs that does not need the user's
 * consent: the call's peer connection is made, the caller's offer is applied and our answer is
 * created. Answering then only sets the answer (gathering starts there: see the handler's note on the
 * candidate pool), captures and sends 200 OK; the microphone stays off until then, and nothing
 * reaches the caller (a remote description alone starts no ICE checks, RFC 8445 §6.1.2 needs both
 * sides' credentials).
 *
 * SIP.js takes the prepared handler when the call is answered and closes it with the session. A
 * call that ends while it rings (declined, cancelled, forwarded, refused) never gets that far: its
 * handler is closed here, so no peer connection, socket or timer outlives it.
 *
 * @param offer the INVITE's SDP offer; undefined when the INVITE left the offer to our answer.
 */
export function prepareAnswer(
  handlers: RinglineSessionDescriptionHandlerFactory,
  invitation: Invitation,
  offer: string | undefined,
): void {
  if (invitation.state !== SessionState.Initial) return;
  const handler = handlers.prepare(invitation);
  // A failure shows again, with its reason, when the answer applies the offer itself.
  if (offer !== undefined) handler.prepareRemoteOffer(offer).catch(() => undefined);
  const onState = (state: SessionState): void => {
    if (state !== SessionState.Established && state !== SessionState.Terminated) return;
    invitation.stateChange.removeListener(onState);
    handlers.discard(invitation);
  };
  invitation.stateChange.addListener(onState);
}
