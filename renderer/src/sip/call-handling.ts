import type { CallHandling } from '@common/contract';
import type { CallSnapshot } from './call-state';

/** What to do with a new incoming call, decided without side effects so it can be tested alone. */
export type IncomingAction =
  | { kind: 'ring' }
  | { kind: 'forward'; target: string; afterSeconds: number }
  | { kind: 'answer'; afterSeconds: number; intercom: boolean };

/**
 * The answering policy for one new incoming call (do-not-disturb is applied before this).
 * `busy` means another call is already connected; auto-answer never takes a second line.
 */
export function incomingAction(call: CallSnapshot, handling: CallHandling, busy: boolean): IncomingAction[] {
  const target = handling.forwardTarget.trim();
  if (target && handling.forward === 'always') return [{ kind: 'forward', target, afterSeconds: 0 }];
  if (target && handling.forward === 'busy' && busy) return [{ kind: 'forward', target, afterSeconds: 0 }];
  const actions: IncomingAction[] = [];
  if (!busy && handling.allowIntercom && call.autoAnswerAfter !== undefined) {
    actions.push({ kind: 'answer', afterSeconds: call.autoAnswerAfter, intercom: true });
  } else if (!busy && handling.autoAnswer) {
    actions.push({
      kind: 'answer',
      afterSeconds: Math.max(0, handling.autoAnswerDelaySeconds),
      intercom: false,
    });
  }
  if (target && handling.forward === 'no-answer') {
    actions.push({ kind: 'forward', target, afterSeconds: Math.max(0, handling.forwardAfterSeconds) });
  }
  return actions.length > 0 ? actions : [{ kind: 'ring' }];
}
