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
 *
 * It also keeps the final answer of each subscription's un-SUBSCRIBE, which SIP.js sends without
 * listening for one: a phone that stops waits for it ({@link unsubscribeAnswered}), so that the retry
 * after a challenge leaves before the user agent closes its transactions and its connection.
 */
import { Core } from 'sip.js';

/** The part of SIP.js's request client this reaches: protected in its typings only. */
interface ChallengeGuard {
  authenticationGuard(message: Core.IncomingResponseMessage, dialog?: Core.Dialog): boolean;
}

const following = new WeakSet<Core.SubscriptionDialog>();
/** Each followed dialog's last un-SUBSCRIBE: settles at its final answer (a timeout is SIP.js's 408). */
const unsubscribes = new WeakMap<Core.SubscriptionDialog, Promise<void>>();

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
    if (options?.extraHeaders?.includes('Expires: 0')) {
      const caller = delegate;
      const answered = new Promise<void>((resolve) => {
        delegate = {
          ...caller,
          onAccept: (response) => {
            caller?.onAccept?.(response);
            resolve();
          },
          onRedirect: (response) => {
            caller?.onRedirect?.(response);
            resolve();
          },
          onReject: (response) => {
            caller?.onReject?.(response);
            resolve();
          },
        };
      });
      unsubscribes.set(dialog, answered);
    }
    const request = subscribe(delegate, options);
    const client = request as unknown as ChallengeGuard;
    const guard = client.authenticationGuard.bind(client);
    client.authenticationGuard = (message) => guard(message, dialog);
    return request;
  };
}

/**
 * Settles when the un-SUBSCRIBE sent in `subscription`'s dialog has its final answer (after any
 * challenge), or at once when none was sent through {@link keepCSeqThroughChallenges}.
 */
export function unsubscribeAnswered(subscription: Core.Subscription | undefined): Promise<void> {
  return (
    (subscription instanceof Core.SubscriptionDialog && unsubscribes.get(subscription)) || Promise.resolve()
  );
}
