import { Core, type UserAgent } from 'sip.js';
import { minSEHeader, parseMinSE, parseSessionExpires, sessionExpiresHeader } from './session-timer';

const TIMER_HEADER = /^\s*(session-expires|x|min-se)\s*:/i;

/**
 * SIP.js's INVITE client, plus RFC 4028 §7.4 for the initial INVITE: a 422 (Session Interval Too
 * Small) is retried once with `Session-Expires` and `Min-SE` raised to the 422's Min-SE. SIP.js would
 * end the call with the 422 instead. The retry is a new transaction of the same INVITE (same Call-ID
 * and tags, CSeq one higher: RFC 3261 §8.1.3.5), made exactly as SIP.js retries after a digest
 * challenge, so the Inviter and our call never notice.
 */
export class SessionTimerInviteClient extends Core.InviteUserAgentClient {
  private retriedInterval = false;

  protected override authenticationGuard(
    message: Core.IncomingResponseMessage,
    dialog?: Core.Dialog,
  ): boolean {
    if (message.statusCode !== 422 || this.retriedInterval) return super.authenticationGuard(message, dialog);
    const minSE = parseMinSE(message.getHeader('Min-SE'));
    const asked = parseSessionExpires(this.message.getHeader('Session-Expires'));
    if (minSE === undefined || !asked) return super.authenticationGuard(message, dialog);
    this.retriedInterval = true;
    const seconds = Math.max(asked.seconds, minSE);
    this.message.extraHeaders = [
      ...this.message.extraHeaders.filter((header) => !TIMER_HEADER.test(header)),
      sessionExpiresHeader(seconds, asked.refresher),
      minSEHeader(minSE),
    ];
    this.message.cseq += 1;
    this.message.setHeader('cseq', `${this.message.cseq} ${this.message.method}`);
    // What SIP.js's own authenticationGuard does after a 401/407: a fresh client transaction
    // (new branch) for the changed request. `init` is private in SIP.js's typings only.
    (this as unknown as { init(): void }).init();
    return false;
  }
}

/** Makes `userAgent` send its INVITEs through {@link SessionTimerInviteClient}. */
export function retryInvitesAfter422(userAgent: UserAgent): void {
  const core = userAgent.userAgentCore;
  core.invite = (request, delegate) => new SessionTimerInviteClient(core, request, delegate);
}
