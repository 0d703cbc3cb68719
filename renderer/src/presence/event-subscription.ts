/**
 * One SIP subscription (RFC 6665) kept alive: a SIP.js {@link Subscriber} that refreshes itself, and
 * is re-created a while after the server ends or refuses it, so a watched line comes back after a
 * server restart. Bodies of NOTIFYs are handed over as text; the watcher reads them.
 */
import { Subscriber, SubscriptionState, UserAgent, type Notification } from 'sip.js';
import { keepCSeqThroughChallenges } from './challenged-resubscribe';

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
      if (state === SubscriptionState.Subscribed) this.options.onStatus('active');
      if (state === SubscriptionState.Terminated) this.onTerminated(subscriber);
    });
    subscriber.subscribe().catch(() => this.onTerminated(subscriber));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber && subscriber.state !== SubscriptionState.Terminated) {
      await subscriber.unsubscribe().catch(() => undefined);
    }
  }

  private onNotify(subscriber: Subscriber, notification: Notification): void {
    // The dialog is new at the first NOTIFY, and again when SIP.js re-subscribes by itself after the
    // notifier ended a subscription with reason "timeout" or "deactivated" (RFC 6665 §4.2.2).
    keepCSeqThroughChallenges(subscriber.dialog);
    notification.accept().catch(() => undefined);
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
