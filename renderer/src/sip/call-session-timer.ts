import { Core, type Session } from 'sip.js';
import {
  decideAsUas,
  minSEHeader,
  negotiatedByAnswer,
  parseMinSE,
  sessionExpiresHeader,
  SessionTimer,
  type NegotiatedSessionTimer,
  type RefreshOutcome,
  type TimerClock,
  type TimerHeaders,
} from './session-timer';

/** The session timer headers of a SIP.js message (`Supported` may be spread over several lines). */
export function timerHeadersOf(message: Core.IncomingMessage): TimerHeaders {
  const sessionExpires = message.getHeader('Session-Expires');
  const minSE = message.getHeader('Min-SE');
  return {
    ...(sessionExpires === undefined ? {} : { sessionExpires }),
    ...(minSE === undefined ? {} : { minSE }),
    supported: message.getHeaders('Supported').flatMap((line) => line.split(',')),
  };
}

/** Whether a peer's `Allow` (in its INVITE or 2xx) lists UPDATE (RFC 3311). */
function allowsUpdate(message: Core.IncomingMessage): boolean {
  return message
    .getHeaders('Allow')
    .flatMap((line) => line.split(','))
    .some((method) => method.trim() === 'UPDATE');
}

/** What the refresh outcome of a final non-2xx response is (RFC 4028 §7.4, §10). */
export function outcomeOfRejection(response: Core.IncomingResponseMessage): RefreshOutcome {
  const statusCode = response.statusCode ?? 0;
  if (statusCode === 422) {
    const minSE = parseMinSE(response.getHeader('Min-SE'));
    if (minSE !== undefined) return { kind: 'too-small', minSE };
  }
  if (statusCode === 408 || statusCode === 481) return { kind: 'gone' };
  return { kind: 'failed' };
}

/** What a {@link CallSessionTimer} needs from its call. */
export interface CallSessionTimerHooks {
  /**
   * Sends a re-INVITE as the call would for a hold, keeping the media as they are, and resolves with
   * the final response (undefined when none could be sent, e.g. during a hold change).
   */
  reinvite(): Promise<Core.IncomingResponseMessage | undefined>;
  /** Ends the call with BYE: the session expired (RFC 4028 §10). */
  bye(): void;
  note(message: string): void;
}

/**
 * RFC 4028 session timers on one SIP.js session. SIP.js has no support for them
 * (https://github.com/onsip/SIP.js/issues/18), so:
 * - our initial INVITE carries `Session-Expires`/`Min-SE` (see `Phone.dial`) and a 422 is retried
 *   inside SIP.js's INVITE client (`session-timer-invite-client.ts`);
 * - every later re-INVITE SIP.js sends for this dialog (hold, video, reconnect, our refresh) carries
 *   the current interval, and its 2xx re-arms the timer: SIP.js's `SessionDialog.invite` is wrapped,
 *   the one place all of them pass;
 * - a re-INVITE from the far end is answered with the negotiated `Session-Expires` (or 422): SIP.js
 *   builds that 2xx in `Session.onInviteRequest` with no way to add headers, so the dialog's
 *   `onInvite` delegate is wrapped to add them to the response it sends;
 * - our refreshes use UPDATE without a body when the far end allows it (RFC 4028 §7.4 recommends
 *   it: no offer/answer), else a re-INVITE. We do not list UPDATE in our own Allow (SIP.js answers an
 *   UPDATE with 501), so a far end following RFC 4028 refreshes towards us with re-INVITE.
 */
export class CallSessionTimer {
  private readonly timer: SessionTimer;
  private farEndAllowsUpdate = false;
  private installed = false;

  constructor(
    private readonly session: Session,
    private readonly hooks: CallSessionTimerHooks,
    clock?: TimerClock,
  ) {
    this.timer = new SessionTimer(
      {
        refresh: (headers) => this.refresh(headers),
        expire: () => hooks.bye(),
        note: (message) => hooks.note(message),
      },
      clock,
    );
  }

  /** What is in force; undefined when no timer runs. */
  get negotiated(): NegotiatedSessionTimer | undefined {
    return this.timer.negotiated;
  }

  /** We called: the 2xx to our INVITE says whether a timer runs and who refreshes (RFC 4028 §7.2). */
  answered(response: Core.IncomingResponseMessage): void {
    this.farEndAllowsUpdate = allowsUpdate(response);
    this.install();
    this.timer.arm(negotiatedByAnswer(timerHeadersOf(response)));
  }

  /** We were called and answered with `negotiated` (see `decideAsUas`); the dialog is confirmed. */
  established(request: Core.IncomingRequestMessage, negotiated: NegotiatedSessionTimer | undefined): void {
    this.farEndAllowsUpdate = allowsUpdate(request);
    this.install();
    this.timer.arm(negotiated);
  }

  stop(): void {
    this.timer.stop();
  }

  private install(): void {
    const dialog = this.session.dialog;
    if (this.installed || !dialog) return;
    this.installed = true;

    const invite = dialog.invite.bind(dialog);
    dialog.invite = (delegate, options) => {
      const current = this.timer.negotiated;
      const extraHeaders = (options?.extraHeaders ?? []).filter(
        (header) => !/^(session-expires|x|min-se)\s*:/i.test(header),
      );
      if (current) extraHeaders.push(...this.timer.requestHeaders());
      return invite(
        {
          ...delegate,
          onAccept: (response) => {
            this.farEndAllowsUpdate = allowsUpdate(response.message) || this.farEndAllowsUpdate;
            if (current) this.timer.arm(negotiatedByAnswer(timerHeadersOf(response.message)));
            delegate?.onAccept?.(response);
          },
          onReject: (response) => {
            const outcome = outcomeOfRejection(response.message);
            if (outcome.kind === 'too-small') this.timer.raiseMinimum(outcome.minSE);
            delegate?.onReject?.(response);
          },
        },
        { ...options, extraHeaders },
      );
    };

    const delegate = dialog.delegate;
    dialog.delegate = {
      ...delegate,
      onInvite: (request) => this.onIncomingReinvite(request, (r) => delegate?.onInvite?.(r)),
    };
  }

  /** RFC 4028 §9 for a re-INVITE from the far end: 422 below our Min-SE, else our 2xx says the timer. */
  private onIncomingReinvite(
    request: Core.IncomingInviteRequest,
    deliver: (request: Core.IncomingInviteRequest) => void,
  ): void {
    const decision = decideAsUas(timerHeadersOf(request.message), this.timer.minimum);
    if (decision.kind === 'too-small') {
      request.reject({ statusCode: 422, extraHeaders: [minSEHeader(decision.minSE)] });
      return;
    }
    let headers: string[] = [];
    let negotiated: NegotiatedSessionTimer | undefined;
    if (decision.kind === 'use') {
      headers = decision.headers;
      negotiated = decision.timer;
    } else if (this.timer.negotiated) {
      // A re-INVITE without Session-Expires would turn the timer off (RFC 4028 §9); a UAS may put
      // one in its 2xx and refresh itself, which keeps the call protected.
      const seconds = this.timer.negotiated.seconds;
      headers = [sessionExpiresHeader(seconds, 'uas')];
      negotiated = { seconds, weRefresh: true };
    }
    const accept = request.accept.bind(request);
    request.accept = (options) => {
      const response = accept({
        statusCode: 200,
        ...options,
        extraHeaders: [...(options?.extraHeaders ?? []), ...headers],
      });
      this.timer.arm(negotiated);
      return response;
    };
    deliver(request);
  }

  private async refresh(headers: string[]): Promise<RefreshOutcome> {
    if (this.farEndAllowsUpdate) return this.sendUpdate(headers);
    const response = await this.hooks.reinvite();
    if (!response) return { kind: 'failed' };
    const statusCode = response.statusCode ?? 0;
    if (statusCode >= 200 && statusCode < 300)
      return { kind: 'accepted', timer: negotiatedByAnswer(timerHeadersOf(response)) };
    return outcomeOfRejection(response);
  }

  /** A session refresh by UPDATE without a body (RFC 3311; RFC 4028 §7.4). */
  private sendUpdate(headers: string[]): Promise<RefreshOutcome> {
    const dialog = this.session.dialog;
    if (!(dialog instanceof Core.SessionDialog)) return Promise.resolve({ kind: 'gone' });
    // UPDATE is a target refresh request, so it carries our Contact (RFC 3311 §5.1).
    const message = dialog.createOutgoingRequestMessage('UPDATE', {
      extraHeaders: [`Contact: ${this.session.userAgent.contact.toString()}`, ...headers],
    });
    return new Promise<RefreshOutcome>((resolve) => {
      new Core.UserAgentClient(Core.NonInviteClientTransaction, dialog.userAgentCore, message, {
        onAccept: (response) =>
          resolve({ kind: 'accepted', timer: negotiatedByAnswer(timerHeadersOf(response.message)) }),
        onReject: (response) => resolve(outcomeOfRejection(response.message)),
      });
    });
  }
}
