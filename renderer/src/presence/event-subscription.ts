/**
 * One SIP subscription (RFC 6665) kept alive: a SIP.js {@link Subscriber} that refreshes itself, and
 * is re-created a while after the server ends or refuses it, so a watched line comes back after a
 * server restart. Bodies of NOTIFYs are handed over as text; the watcher reads them.
 */
import { Subscriber, SubscriptionState, UserAgent, type Notification } from 'sip.js';
import { keepCSeqThroughChallenges, unsubscribeAnswered } from './challenged-resubscribe';
import { settleWithin } from './settle-within';

export interface EventSubscriptionOptions {
  userAgent: UserAgent;
  target: string;
  /** Event package, e.g. `dialog`, `presence`, `message-summary`. */
  event: string;
  /** Body type we understand, sent as Accept. */
  accept: string;
  /** Every NOTIFY: its Content-Type and body (empty when the server has no state yet). */
  onNotify(contentType: string, body: string): void;
  /** The subscription is up (`active`) or gone (`ended`: refused, timed out or terminated). */
  onStatus(status: 'active' | 'ended'): void;
}

const EXPIRES_SECONDS = 600;
/** How long after a refused or ended subscription we try again. */
const RETRY_MS = 30_000;
/** How long {@link EventSubscription.stop} waits for the first NOTIFY of a subscription it ends. */
const FIRST_NOTIFY_WAIT_MS = 5_000;
/** How long it then waits for the un-SUBSCRIBE's final answer; SIP.js would wait 32 s (Timer F). */
const UNSUBSCRIBE_ANSWER_WAIT_MS = 5_000;

export class EventSubscription {
  private subscriber: Subscriber | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: EventSubscriptionOptions) {}

  start(): void {
    if (this.stopped || this.subscriber) return;
    const uri = UserAgent.makeURI(this.options.target);
    if (!uri) {
      this.options.onStatus('ended');
      return;
    }
    const subscriber = new Subscriber(this.options.userAgent, uri, this.options.event, {
      expires: EXPIRES_SECONDS,
      extraHeaders: [`Accept: ${this.options.accept}`],
      delegate: { onNotify: (notification) => this.onNotify(subscriber, notification) },
    });
    this.subscriber = subscriber;
    subscriber.stateChange.addListener((state) => {
      // A subscription made after stop() (see there) is ended at once and reported to nobody.
      if (state === SubscriptionState.Subscribed && !this.stopped) this.options.onStatus('active');
      if (state === SubscriptionState.Terminated) this.onTerminated(subscriber);
    });
    subscriber.subscribe().catch(() => this.onTerminated(subscriber));
  }

  /**
   * Ends the subscription with a SUBSCRIBE with Expires: 0 in its dialog (RFC 6665 §4.1.2.3), sent
   * in this turn. A subscription still waiting for its first NOTIFY has no dialog on our side yet:
   * SIP.js would only forget it and answer that NOTIFY, if it still reaches us, with 481 (§4.1.3).
   * But the phone is usually stopping (an account saved or removed, the app closing), and then nothing
   * answers: the server keeps the subscription until a NOTIFY fails or it expires. So this waits until
   * the NOTIFY makes it or the server refuses it, and then ends what was made. A notifier NOTIFYs at
   * once (§4.2.1.2); one that has not within {@link FIRST_NOTIFY_WAIT_MS} is left to answer a 481 or
   * time out, so that a server which never answers cannot hold up an account's restart for the 32 s
   * SIP.js would wait (Timer N, Timer F).
   *
   * It resolves once the un-SUBSCRIBE has its final answer, within {@link UNSUBSCRIBE_ANSWER_WAIT_MS}:
   * a notifier that challenges it (Asterisk, FreeSWITCH) gets the retry with credentials only while
   * the user agent still runs, and the phone stops its user agent once this resolves.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    if (subscriber.state === SubscriptionState.NotifyWait) await settled(subscriber, FIRST_NOTIFY_WAIT_MS);
    if (subscriber.state !== SubscriptionState.Terminated) {
      const dialog = subscriber.dialog;
      await subscriber.unsubscribe().catch(() => undefined);
      await settleWithin(unsubscribeAnswered(dialog), UNSUBSCRIBE_ANSWER_WAIT_MS);
    }
  }

  private onNotify(subscriber: Subscriber, notification: Notification): void {
    // The dialog is new at the first NOTIFY, and again when SIP.js re-subscribes by itself after the
    // notifier ended a subscription with reason "timeout" or "deactivated" (RFC 6665 §4.2.2).
    keepCSeqThroughChallenges(subscriber.dialog);
    notification.accept().catch(() => undefined);
    if (this.stopped) return;
    const message = notification.request;
    this.options.onNotify(message.getHeader('Content-Type') ?? '', message.body ?? '');
  }

  private onTerminated(subscriber: Subscriber): void {
    if (this.subscriber !== subscriber) return;
    this.subscriber = undefined;
    this.options.onStatus('ended');
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.start(), RETRY_MS);
  }
}

/**
 * Resolves once `subscriber` is no longer waiting for its first NOTIFY (subscribed, or terminated), or
 * after `timeoutMs`.
 */
function settled(subscriber: Subscriber, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      subscriber.stateChange.removeListener(listener);
      resolve();
    };
    const listener = (state: SubscriptionState) => {
      if (state !== SubscriptionState.NotifyWait) done();
    };
    const timer = setTimeout(done, timeoutMs);
    subscriber.stateChange.addListener(listener);
  });
}
