import type { CallSnapshot, DtmfMode } from './call-state';

/**
 * How an account treats incoming calls and sends DTMF: the desk phone's "call handling" menu.
 * Kept per account; absent fields fall back to {@link DEFAULT_CALL_HANDLING}.
 */
export interface CallHandling {
  /** Answer every call automatically (after `autoAnswerDelaySeconds`) when no other call is up. */
  autoAnswer: boolean;
  autoAnswerDelaySeconds: number;
  /** Honour callers' intercom requests (`Call-Info: answer-after=`, `Alert-Info: auto answer`). */
  allowIntercom: boolean;
  /** Forward with 302: never, every call, only while another call is up, or when not answered in time. */
  forward: 'off' | 'always' | 'busy' | 'no-answer';
  forwardTarget: string;
  forwardAfterSeconds: number;
  dtmfMode: DtmfMode;
  /** Record every call on this account from the moment it is answered. */
  recordAll: boolean;
}

export const DEFAULT_CALL_HANDLING: CallHandling = {
  autoAnswer: false,
  autoAnswerDelaySeconds: 0,
  allowIntercom: false,
  forward: 'off',
  forwardTarget: '',
  forwardAfterSeconds: 20,
  dtmfMode: 'rfc4733',
  recordAll: false,
};

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

const STORAGE_KEY = 'ringline.callHandling.v1';

/** Reads the saved per-account call handling (renderer storage); broken data reads as defaults. */
export function loadCallHandling(
  storage: Pick<Storage, 'getItem'> = localStorage,
): Record<string, CallHandling> {
  try {
    const raw: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return {};
    const result: Record<string, CallHandling> = {};
    for (const [accountId, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value === 'object' && value !== null)
        result[accountId] = sanitize(value as Partial<CallHandling>);
    }
    return result;
  } catch {
    return {};
  }
}

export function saveCallHandling(
  all: Record<string, CallHandling>,
  storage: Pick<Storage, 'setItem'> = localStorage,
): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(all));
}

function sanitize(value: Partial<CallHandling>): CallHandling {
  const d = DEFAULT_CALL_HANDLING;
  const seconds = (n: unknown, fallback: number) =>
    typeof n === 'number' && Number.isFinite(n) ? Math.min(600, Math.max(0, Math.round(n))) : fallback;
  return {
    autoAnswer: value.autoAnswer === true,
    autoAnswerDelaySeconds: seconds(value.autoAnswerDelaySeconds, d.autoAnswerDelaySeconds),
    allowIntercom: value.allowIntercom === true,
    forward: ['always', 'busy', 'no-answer'].includes(value.forward ?? '')
      ? (value.forward as CallHandling['forward'])
      : 'off',
    forwardTarget: typeof value.forwardTarget === 'string' ? value.forwardTarget.slice(0, 256) : '',
    forwardAfterSeconds: seconds(value.forwardAfterSeconds, d.forwardAfterSeconds),
    dtmfMode: value.dtmfMode === 'info' || value.dtmfMode === 'info-dtmf' ? value.dtmfMode : 'rfc4733',
    recordAll: value.recordAll === true,
  };
}
