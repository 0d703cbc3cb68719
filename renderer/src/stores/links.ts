import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { LinkRejection, LinkRequest, LinkTarget } from '@common/contract';
import { useAccountsStore } from './accounts';
import { usePhoneStore } from './phone';
import { useRegistrationStore } from './registration';
import { useSettingsStore } from './settings';

export interface PendingLink {
  link: string;
  target: LinkTarget;
}

/** What a link dials: the number as the dial field would take it, or the SIP URI itself. */
export function dialInputOf(target: LinkTarget): string {
  return target.kind === 'number' ? target.number : target.uri;
}

/**
 * Clicked `tel:`/`sip:` links. A link is never dialled blindly: it waits until an account is
 * registered, then either asks first (the default) or dials on the only registered account. With
 * several registered accounts the user always picks one.
 */
export const useLinksStore = defineStore('links', () => {
  const accounts = useAccountsStore();
  const registration = useRegistrationStore();
  const settings = useSettingsStore();
  const phone = usePhoneStore();
  const pending = ref<PendingLink | undefined>();
  const rejected = ref<{ link: string; reason: LinkRejection } | undefined>();

  const registeredIds = computed(() =>
    accounts.accounts.filter((a) => registration.byAccount[a.id]?.state === 'registered').map((a) => a.id),
  );
  /** Show the confirmation dialog (rather than a "waiting for registration" note or dialling at once). */
  const needsConfirmation = computed(
    () =>
      pending.value !== undefined &&
      registeredIds.value.length > 0 &&
      (settings.settings.askBeforeDialingLink || registeredIds.value.length > 1),
  );

  function receive(request: LinkRequest): void {
    if (request.kind === 'rejected') {
      rejected.value = { link: request.link, reason: request.reason };
      return;
    }
    rejected.value = undefined;
    pending.value = { link: request.link, target: request.target };
  }

  function confirm(accountId: string): void {
    const link = pending.value;
    pending.value = undefined;
    if (link) phone.dial(accountId, dialInputOf(link.target));
  }

  function cancel(): void {
    pending.value = undefined;
  }

  function dismissRejection(): void {
    rejected.value = undefined;
  }

  watch([pending, registeredIds], () => {
    const first = registeredIds.value[0];
    if (pending.value && first && !needsConfirmation.value) confirm(first);
  });

  return { pending, rejected, registeredIds, needsConfirmation, receive, confirm, cancel, dismissRejection };
});
