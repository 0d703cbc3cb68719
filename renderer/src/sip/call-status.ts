/**
 * The one status a call card announces: everything a person needs to know about where the call
 * stands, in a single phrase. Hold is part of it (a screen reader hears "On hold", not "In call" with
 * a badge beside it); the timer is not (it changes every second and must not be announced).
 *
 * ```
 *  dialing ─▶ calling        incoming ─▶ incoming        answering ─▶ connecting
 *  ringing ─▶ ringing        early-media ─▶ announcement
 *  active  ─▶ in-call | holding | on-hold | resuming | held-by-remote | held-both
 *  (any, while our BYE/CANCEL is on its way) ─▶ ending          ended ─▶ ended
 * ```
 */
import type { CallEnd, CallSnapshot, EndReason } from './call-state';

export type CallStatus =
  | 'calling'
  | 'ringing'
  | 'announcement'
  | 'incoming'
  | 'connecting'
  | 'in-call'
  | 'holding'
  | 'on-hold'
  | 'resuming'
  | 'held-by-remote'
  | 'held-both'
  | 'ending'
  | 'ended';

type StatusFields = Pick<CallSnapshot, 'state' | 'held' | 'remoteHeld' | 'holdPending' | 'ending'>;

export function callStatus(call: StatusFields): CallStatus {
  if (call.state === 'ended') return 'ended';
  if (call.ending) return 'ending';
  switch (call.state) {
    case 'dialing':
      return 'calling';
    case 'ringing':
      return 'ringing';
    case 'early-media':
      return 'announcement';
    case 'incoming':
      return 'incoming';
    case 'answering':
      return 'connecting';
    case 'active':
      if (call.holdPending === 'hold') return 'holding';
      if (call.holdPending === 'resume') return 'resuming';
      if (call.held && call.remoteHeld) return 'held-both';
      if (call.held) return 'on-hold';
      if (call.remoteHeld) return 'held-by-remote';
      return 'in-call';
  }
}

/** Ends that we caused ourselves: saying the SIP code we sent would only confuse. */
const LOCAL_REASONS: ReadonlySet<EndReason> = new Set(['local-hangup', 'declined-locally', 'cancelled']);

/**
 * How a call ended, for the card's last words and the recent-calls list: the reason, and the far end's
 * status code when it explains a failure ("Busy (486)"); our own decline or hang-up carries none.
 */
export function endSummary(end: Pick<CallEnd, 'reason' | 'statusCode'> | undefined): {
  reason: EndReason;
  statusCode?: number;
} {
  const reason = end?.reason ?? 'failed';
  return end?.statusCode !== undefined && !LOCAL_REASONS.has(reason)
    ? { reason, statusCode: end.statusCode }
    : { reason };
}
