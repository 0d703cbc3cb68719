/**
 * One piece of event state we keep on the server with PUBLISH (RFC 3903), e.g. our PIDF presence:
 * published, refreshed before it expires, changed and removed, one PUBLISH at a time.
 *
 * SIP.js has a Publisher, but it builds every PUBLISH afresh, so each one leaves without credentials,
 * is challenged (401/407) and only then sent again with them. The removal sent while the page closes
 * (pagehide) never gets that second try, and the server kept a closed app's status until it expired.
 * This keeps one request for all of them, as SIP.js's Registerer does for REGISTER: the Authorization
 * or Proxy-Authorization that SIP.js puts on it when it answers a challenge goes out again with every
 * later PUBLISH, so the removal is accepted at its first try. (A server that no longer takes that nonce
 * challenges again; then the state stays until it expires, as before.)
 */
import type { UserAgent } from 'sip.js';
import type { IncomingResponse, OutgoingRequestMessage, URI } from 'sip.js/lib/core';

export interface PublicationOptions {
  userAgent: UserAgent;
  /** Whose state this is: our own address of record. */
  target: URI;
  /** Event package, e.g. `presence`. */
  event: string;
  contentType: string;
  /** What we ask for; the server may grant less (its 2xx says), or ask for more (423). */
  expires: number;
}

/** A refresh goes out at this share of the granted time, as SIP.js does for its own refreshes. */
const REFRESH_AT = 0.9;

export class Publication {
  private readonly request: OutgoingRequestMessage;
  /** The entity tag of the state the server holds for us (RFC 3903 §4.1); undefined when none. */
  private etag: string | undefined;
  private expires: number;
  /** What the server should hold; undefined once removed. */
  private document: string | undefined;
  /** A PUBLISH is waiting for its final answer (RFC 3903 §4.1 allows one at a time). */
  private inFlight = false;
  /** `document` changed while a PUBLISH was in flight: it goes out on that one's answer. */
  private changed = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** PUBLISHes without their final answer yet: a removal may leave while another one waits. */
  private unanswered = 0;
  /** Waiting for {@link remove} to be done. */
  private settledWaiters: (() => void)[] = [];

  constructor(private readonly options: PublicationOptions) {
    this.expires = options.expires;
    const core = options.userAgent.userAgentCore;
    this.request = core.makeOutgoingRequestMessage(
      'PUBLISH',
      options.target,
      core.configuration.aor,
      options.target,
      {},
    );
  }

  /** Publishes `document`, or changes what the server holds to it. */
  publish(document: string): void {
    this.document = document;
    if (this.inFlight) this.changed = true;
    else this.send(document);
  }

  /**
   * Removes our state from the server (Expires: 0 with SIP-If-Match, RFC 3903 §4.5). It leaves now,
   * in this turn, even while an earlier PUBLISH waits for its answer: a page that is closing gets no
   * later turn. Without an entity tag the server holds nothing of ours yet; should the PUBLISH in
   * flight create something, its answer brings the tag and the removal follows.
   *
   * Resolves when no PUBLISH of ours waits for an answer any more: a phone that is stopping waits
   * for it, so that a removal challenged by the server (a stale nonce) is sent again with fresh
   * credentials before the user agent closes.
   */
  remove(): Promise<void> {
    this.document = undefined;
    this.changed = false;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    if (this.etag !== undefined) this.send(undefined);
    if (this.unanswered === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** `document` to publish or change, undefined to refresh (with an entity tag) or to remove. */
  private send(document: string | undefined, refresh = false): void {
    const removing = document === undefined && !refresh;
    const request = this.request;
    request.cseq += 1;
    request.setHeader('cseq', `${request.cseq} PUBLISH`);
    request.extraHeaders = [
      `Event: ${this.options.event}`,
      `Expires: ${removing ? 0 : this.expires}`,
      ...(this.etag === undefined ? [] : [`SIP-If-Match: ${this.etag}`]),
    ];
    request.body =
      document === undefined ? undefined : { body: document, contentType: this.options.contentType };
    this.inFlight = true;
    this.unanswered += 1;
    this.options.userAgent.userAgentCore.publish(request, {
      onAccept: (response) => this.answered(() => this.onAccepted(response, removing)),
      onRedirect: (response) => this.answered(() => this.onRefused(response, removing)),
      onReject: (response) => this.answered(() => this.onRefused(response, removing)),
    });
  }

  private answered(handle: () => void): void {
    this.unanswered -= 1;
    handle();
    if (this.unanswered > 0) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private onAccepted(response: IncomingResponse, removal: boolean): void {
    this.inFlight = false;
    if (removal) {
      this.etag = undefined;
    } else {
      this.etag = response.message.getHeader('SIP-ETag') ?? this.etag;
      const granted = Number(response.message.getHeader('Expires'));
      if (Number.isInteger(granted) && granted > 0 && granted <= this.expires) this.expires = granted;
      // Removed while this was on its way: the state it set (under a new tag) goes too.
      if (this.document === undefined) this.changed = true;
    }
    this.next();
  }

  private onRefused(response: IncomingResponse, removal: boolean): void {
    this.inFlight = false;
    const status = response.message.statusCode ?? 0;
    const minimum = Number(response.message.getHeader('Min-Expires'));
    if (status === 412 && !removal && this.document !== undefined) {
      // The server no longer has the state our tag names (it expired): publish it anew (§4.1).
      this.etag = undefined;
      this.changed = true;
    } else if (
      status === 423 &&
      !removal &&
      this.document !== undefined &&
      Number.isInteger(minimum) &&
      minimum > this.expires
    ) {
      // Interval Too Brief (§4.2): ask again for the server's minimum.
      this.expires = minimum;
      this.changed = true;
    } else {
      // Refused for good (a removal: the state is gone already): nothing of ours is known to be held.
      this.etag = undefined;
      if (!removal) this.document = undefined;
    }
    this.next();
  }

  /** After a final answer: what changed meanwhile goes out, else the state is refreshed in time. */
  private next(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    if (this.changed) {
      this.changed = false;
      if (this.document !== undefined) this.send(this.document);
      else if (this.etag !== undefined) this.send(undefined);
      return;
    }
    if (this.document === undefined || this.etag === undefined) return;
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = undefined;
        if (!this.inFlight) this.send(undefined, true);
      },
      this.expires * 1000 * REFRESH_AT,
    );
  }
}
