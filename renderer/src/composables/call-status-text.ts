import { useI18n } from 'vue-i18n';
import type { CallEnd, CallSnapshot } from '../sip/call-state';
import { callStatus, endSummary } from '../sip/call-status';

/** The words for a call's status and for how a call ended, in the active language. */
export function useCallStatusText() {
  const { t } = useI18n();

  function endText(end: Pick<CallEnd, 'reason' | 'statusCode'> | undefined): string {
    const { reason, statusCode } = endSummary(end);
    const text = t(`call.ended.${reason}`);
    return statusCode === undefined ? text : t('call.endedWithCode', { reason: text, code: statusCode });
  }

  /** `who`: the far end as the user knows it (contact name, display name or number). */
  function statusText(call: CallSnapshot, who: string): string {
    const status = callStatus(call);
    return status === 'ended' ? endText(call.end) : t(`call.status.${status}`, { who });
  }

  return { statusText, endText };
}
