/**
 * The call model: our own states, independent of SIP.js, with the transitions written down.
 *
 * ```
 *  outgoing:  dialing ──180──▶ ringing ──183+SDP──▶ early-media ──200──▶ active ──BYE──▶ ended
 *                │                │                     │                   ▲
 *                └──────2xx───────┴─────────────────────┴───────────────────┘
 *  incoming:  incoming ───────────200 OK sent───────────▶ active ──BYE──▶ ended
 *                └──answer slow──▶ answering ──200 OK sent──▲   ("answering": see Call.answer)
 *  any state ─────────────────────────────────────────────────────────────▶ ended
 * ```
 *
 * Hold is not a state of its own but two flags on an `active` call, because either side can hold
 * independently and a call can be held by both at once (RFC 3264 §8.4, RFC 6337 §5.3):
 *
 * ```
 *  held:        false ──re-INVITE a=sendonly/inactive──▶ (holdPending) ──2xx──▶ true
 *                 ▲                                            │
 *                 └──────────────── non-2xx / timeout: rolled back ◀┘   (and the same for resume)
 *  remoteHeld:  set while the far end's latest offer or answer says a=sendonly or a=inactive
 * ```
 *
 * Only an `active` call can be (un)held; `ended` clears everything.
 */
import type { CallQualitySummary } from './call-quality-summary';

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
  /** Redirected with 302 to another number before it was answered. */
  | 'forwarded'
  /** We handed the call to someone else (REFER) and left it. */
  | 'transferred'
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
  incoming: ['answering', 'active', 'ended'],
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
  // The call-control fields below are optional so that snapshots made before them (stored history,
  // tests) stay valid; absent means false / empty / the account's default.
  /** We put the call on hold and the far end accepted the re-INVITE. */
  held?: boolean;
  /** The far end holds us (its SDP says `a=sendonly` or `a=inactive`). */
  remoteHeld?: boolean;
  /** A hold or resume re-INVITE is in flight; the UI disables the button meanwhile. */
  holdPending?: 'hold' | 'resume';
  /**
   * We asked to end the call (BYE, or CANCEL while it rings out) and the far end has not finished it
   * yet: a CANCEL waits for the 487, a BYE from the callee waits for the ACK (RFC 3261 §15).
   */
  ending?: boolean;
  /** How digits typed during the call are sent. */
  dtmfMode?: DtmfMode;
  /** Digits sent so far in this call, for the display. */
  dtmfSent?: string;
  /** Progress of a transfer we asked the far end to make (REFER, RFC 3515). */
  transfer?: TransferProgress;
  /** Id shared by the calls merged into one local conference. */
  conferenceId?: string;
  /** The call is being recorded locally. */
  recording?: boolean;
  /** The caller asked for the call to be answered automatically (intercom/paging), after this many seconds. */
  autoAnswerAfter?: number;
  /** The most recent thing the user should be told about this call (e.g. a failed hold). */
  notice?: CallNotice;
  /** Set on the ended snapshot of a call that carried audio: what its quality was. */
  quality?: CallQualitySummary;
  /** Video on the call; absent while the call is audio only and no video was offered. */
  video?: CallVideoState;
}

/** What we send as video: the camera, a shared screen or window, or nothing. */
export type VideoSource = 'camera' | 'screen' | 'none';

/**
 * Video on a call. A video stream is added or removed by re-INVITE (RFC 3264 §8.2, §8.3); switching
 * between camera, screen and nothing only swaps the track we send, with no signalling.
 */
export interface CallVideoState {
  /** An incoming call whose offer includes video (so it can be answered with or without camera). */
  offered: boolean;
  /** A video stream is part of the negotiated session. */
  active: boolean;
  sending: VideoSource;
  /** The negotiated session lets the far end's video reach us. */
  receiving: boolean;
  /** A re-INVITE adding or removing video is in flight. */
  pending?: 'adding' | 'removing';
}

/**
 * RFC 4733 telephone-events in the RTP stream, or SIP INFO with `application/dtmf-relay` (`info`) or
 * `application/dtmf` (`info-dtmf`), whichever the far end's PBX understands.
 */
export type DtmfMode = 'rfc4733' | 'info' | 'info-dtmf';

export type TransferState = 'requested' | 'trying' | 'ringing' | 'succeeded' | 'failed';

export interface TransferProgress {
  kind: 'blind' | 'attended';
  target: string;
  state: TransferState;
  /** Status code of the REFER's final response or of the NOTIFY sipfrag (RFC 3515 §2.4.5). */
  statusCode?: number;
}

export type CallNoticeKind =
  | 'hold-failed'
  | 'resume-failed'
  | 'transfer-failed'
  | 'dtmf-failed'
  /** The far end refused our re-INVITE adding video, or answered with the video stream declined. */
  | 'video-refused'
  | 'camera-failed'
  | 'screen-share-failed';

export interface CallNotice {
  kind: CallNoticeKind;
  statusCode?: number;
  at: number;
}

/** Call duration in whole seconds: from answer to end (or to `now` while the call is up). */
export function callDurationSeconds(call: Pick<CallSnapshot, 'answeredAt' | 'endedAt'>, now: number): number {
  if (call.answeredAt === undefined) return 0;
  return Math.max(0, Math.floor(((call.endedAt ?? now) - call.answeredAt) / 1000));
}
