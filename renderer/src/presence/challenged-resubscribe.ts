/**
 * Keeps a subscription's CSeq numbers in order when the notifier challenges its refreshes and
 * un-SUBSCRIBEs (401/407), as Asterisk, FreeSWITCH and many hosted PBXes do.
 *
 * SIP.js 0.21 answers such a challenge by sending the SUBSCRIBE again with credentials and the next
 * CSeq, but its re-SUBSCRIBE client does not tell the dialog (it calls `authenticationGuard` without
 * it, where its re-INVITE client passes its dialog). The dialog's next request then reuses that CSeq,
 * where RFC 3261 §12.2.1.1 asks for a higher one: a notifier that orders its dialog's requests (pjsip's
 * dialog layer in Asterisk, Kamailio's presence module) refuses it with 500 or 400, SIP.js keeps
 * waiting, and the subscription runs out at its expiry; the BLF key loses its line until a new
 * subscription is made.
 */
import { Core } from 'sip.js';

/** The part of SIP.js's request client this reaches: protected in its typings only. */
interface ChallengeGuard {
  authenticationGuard(message: Core.IncomingResponseMessage, dialog?: Core.Dialog): boolean;
}

const following = new WeakSet<Core.SubscriptionDialog>();

/**
 * Makes every later in-dialog SUBSCRIBE of `subscription` (refresh or un-SUBSCRIBE) answer a challenge
 * within its dialog, as SIP.js does for a re-INVITE: the dialog's CSeq moves on with the re-sent
 * request's. Idempotent: call it whenever the subscription's dialog may be new.
 */
export function keepCSeqThroughChallenges(subscription: Core.Subscription | undefined): void {
  if (!(subscription instanceof Core.SubscriptionDialog) || following.has(subscription)) return;
  following.add(subscription);
  const dialog = subscription;
  const subscribe = dialog.subscribe.bind(dialog);
  // SIP.js's refresh() and unsubscribe() both send through the dialog's own subscribe().
  dialog.subscribe = (delegate, options) => {
    const request = subscribe(delegate, options);
    const client = request as unknown as ChallengeGuard;
    const guard = client.authenticationGuard.bind(client);
    client.authenticationGuard = (message) => guard(message, dialog);
    return request;
  };
}
