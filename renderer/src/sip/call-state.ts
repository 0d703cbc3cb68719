/**
 * The call model: our own states, independent of SIP.js, with the transitions written down.
 *
 * ```
 *  outgoing:  dialing ──180──▶ ringing ──183+SDP──▶ early-media ──200──▶ active ──BYE──▶ ended
 *                │                │                     │                   ▲
 *                └──────2xx───────┴─────────────────────┴───────────────────┘
 *  incoming:  incoming ──answer──▶ answering ──ACK/media──▶ active ──BYE──▶ ended
 *  any state ─────────────────────────────────────────────────────────────▶ ended
 * ```
 */
export type CallState = 'dialing' | 'ringing' | 'early-media' | 'incoming' | 'answering' | 'active' | 'ended';

export type CallDirection = 'outgoing' | 'incoming';

/** Why a call ended, in terms a user understands; the SIP status code is kept beside it. */
export type EndReason =
  | 'local-hangup'
  | 'remote-hangup'
  | 'cancelled'
  | 'declined-locally'
  /** Refused automatically (486) because do-not-disturb was on. */
  | 'do-not-disturb'
  | 'busy'
  | 'declined'
  | 'not-found'
  | 'unavailable'
  | 'no-answer'
  | 'auth-failed'
  | 'media-failed'
  | 'network'
  | 'failed';

export interface CallEnd {
  reason: EndReason;
  statusCode?: number;
  /** The reason phrase the server sent, for the log and the tooltip; not for logic. */
  detail?: string;
}

const TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = {
  dialing: ['ringing', 'early-media', 'active', 'ended'],
  ringing: ['early-media', 'active', 'ended'],
  'early-media': ['ringing', 'active', 'ended'],
  incoming: ['answering', 'ended'],
  answering: ['active', 'ended'],
  active: ['ended'],
  ended: [],
};

export function canTransition(from: CallState, to: CallState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A plain, serialisable picture of a call for stores and the UI. */
export interface CallSnapshot {
  id: string;
  accountId: string;
  direction: CallDirection;
  state: CallState;
  remoteUri: string;
  remoteDisplayName: string;
  /** The user part of the remote URI, which for phone numbers is what people recognise. */
  remoteNumber: string;
  createdAt: number;
  answeredAt?: number;
  endedAt?: number;
  end?: CallEnd;
  muted: boolean;
}

/** Call duration in whole seconds: from answer to end (or to `now` while the call is up). */
export function callDurationSeconds(call: Pick<CallSnapshot, 'answeredAt' | 'endedAt'>, now: number): number {
  if (call.answeredAt === undefined) return 0;
  return Math.max(0, Math.floor(((call.endedAt ?? now) - call.answeredAt) / 1000));
}
