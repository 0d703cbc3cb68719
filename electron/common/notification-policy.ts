/**
 * Which call notifications to show or take down, decided from two consecutive phone states.
 *
 * Pure: the desktop host applies the actions with native notifications (or its incoming-call window),
 * the web host with Web Notifications. The rules:
 * - a call that starts ringing gets an incoming-call notice, unless do-not-disturb is on;
 * - a notice goes away when its call stops ringing for any reason (answered here or on another device,
 *   declined, cancelled by the caller, timed out), and when do-not-disturb is switched on;
 * - switching do-not-disturb off while a call still rings shows its notice;
 * - when `missedCalls` goes up, a missed-call notice for `lastMissed` replaces the previous one (not
 *   while do-not-disturb is on);
 * - when `missedCalls` drops to 0 (the user has seen them), the missed-call notice goes away.
 *
 * Do-not-disturb counts as on when either the reported status or the settings say so: the tray can
 * switch it before the renderer has reported the change.
 */
import type { PhoneStatus, RingingCall } from './contract';

/** The caller of a missed call, as reported in `PhoneStatus.lastMissed`. */
export type MissedCall = NonNullable<PhoneStatus['lastMissed']>;

export type NotificationAction =
  | { kind: 'show-incoming'; call: RingingCall }
  | { kind: 'dismiss-incoming'; callId: string }
  /** `count` is the number of unseen missed calls, for "3 missed calls". */
  | { kind: 'show-missed'; call: MissedCall; count: number }
  | { kind: 'dismiss-missed' };

/** One side of the comparison: what the renderer reported, and the do-not-disturb setting at that time. */
export interface NotificationInput {
  status: PhoneStatus;
  /** `Settings.doNotDisturb`. */
  doNotDisturb: boolean;
}

function quiet(input: NotificationInput): boolean {
  return input.doNotDisturb || input.status.doNotDisturb;
}

/** Calls that should have a notice on screen in this state. */
function noticed(input: NotificationInput): RingingCall[] {
  return quiet(input) ? [] : input.status.ringing;
}

/**
 * The actions that take the screen from `previous` to `next`. Dismissals come first, so a call that
 * stops ringing and becomes a missed call loses its incoming notice before the missed one appears.
 */
export function notificationActions(
  previous: NotificationInput,
  next: NotificationInput,
): NotificationAction[] {
  const actions: NotificationAction[] = [];
  const before = noticed(previous);
  const after = noticed(next);
  const afterIds = new Set(after.map((call) => call.callId));
  const beforeIds = new Set(before.map((call) => call.callId));

  for (const call of before) {
    if (!afterIds.has(call.callId)) actions.push({ kind: 'dismiss-incoming', callId: call.callId });
  }
  if (previous.status.missedCalls > 0 && next.status.missedCalls === 0) {
    actions.push({ kind: 'dismiss-missed' });
  }
  for (const call of after) {
    if (!beforeIds.has(call.callId)) actions.push({ kind: 'show-incoming', call });
  }
  const missed = next.status.lastMissed;
  if (next.status.missedCalls > previous.status.missedCalls && missed !== undefined && !quiet(next)) {
    actions.push({ kind: 'show-missed', call: missed, count: next.status.missedCalls });
  }
  return actions;
}

/**
 * {@link notificationActions} with the previous state remembered: feed it every status report (and
 * every do-not-disturb change) and apply what it returns.
 */
export class NotificationPlanner {
  #previous: NotificationInput;

  constructor(initial: NotificationInput) {
    this.#previous = initial;
  }

  /** The last state passed in. */
  get current(): NotificationInput {
    return this.#previous;
  }

  update(next: NotificationInput): NotificationAction[] {
    const actions = notificationActions(this.#previous, next);
    this.#previous = next;
    return actions;
  }
}
