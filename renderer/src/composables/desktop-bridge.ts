import { computed, onScopeDispose, watch, type Ref } from 'vue';
import type { PhoneCommand, PhoneStatus } from '@common/contract';
import { useHost } from '../host';
import { useAccountsStore } from '../stores/accounts';
import { useCallsStore } from '../stores/calls';
import { useContactsStore } from '../stores/contacts';
import { useHistoryStore } from '../stores/history';
import { useLinksStore } from '../stores/links';
import { useMessagesStore } from '../stores/messages';
import { usePhoneStore } from '../stores/phone';
import { usePresenceStore } from '../stores/presence';
import { useRegistrationStore } from '../stores/registration';
import { useSettingsStore } from '../stores/settings';

export type AppView = 'phone' | 'history' | 'messages' | 'contacts' | 'settings';

/**
 * The renderer's side of the desktop: reports the phone's state (main turns it into the tray and
 * notifications), obeys commands from the tray, notifications, shortcuts and power events, and takes
 * clicked links. The browser host implements the same verbs with web APIs.
 */
export function useDesktopBridge(view: Ref<AppView>): void {
  const host = useHost();
  const accounts = useAccountsStore();
  const registration = useRegistrationStore();
  const calls = useCallsStore();
  const history = useHistoryStore();
  const settings = useSettingsStore();
  const phone = usePhoneStore();
  const links = useLinksStore();
  const contacts = useContactsStore();
  const messages = useMessagesStore();
  const presence = usePresenceStore();

  const status = computed<PhoneStatus>(() => {
    const answered = calls.current;
    const missed = history.lastMissed;
    return {
      accounts: accounts.accounts.map((a) => ({
        id: a.id,
        name: a.displayName || a.sipUri,
        state: registration.byAccount[a.id]?.state ?? 'offline',
      })),
      ringing: calls.incoming
        .filter((c) => !calls.silenced.includes(c.id))
        // Caller ID: a saved contact's name wins over the name the caller sent.
        .map((c) => ({
          callId: c.id,
          displayName: contacts.nameFor(c.remoteUri) ?? c.remoteDisplayName,
          number: c.remoteNumber,
        })),
      activeCalls: answered.length,
      muted: answered.some((c) => c.muted),
      missedCalls: history.unseenMissed,
      ...(missed
        ? {
            lastMissed: {
              callId: missed.id,
              displayName: contacts.nameFor(missed.remoteUri) ?? missed.remoteDisplayName,
              number: missed.remoteNumber,
            },
          }
        : {}),
      doNotDisturb: settings.settings.doNotDisturb,
      ...(presence.voicemailTotal ? { voicemail: presence.voicemailTotal } : {}),
    };
  });

  watch(status, (next) => void host.phone.reportStatus(next).catch(() => undefined), { immediate: true });

  function oldestRinging(callId?: string): string | undefined {
    return callId ?? calls.incoming[0]?.id;
  }

  function handle(command: PhoneCommand): void {
    switch (command.kind) {
      case 'answer': {
        const id = oldestRinging(command.callId);
        if (id) void phone.answer(id);
        view.value = 'phone';
        return;
      }
      case 'decline': {
        const id = oldestRinging(command.callId);
        if (id) void phone.decline(id, command.statusCode ?? 603);
        return;
      }
      case 'hangup':
        calls.current.forEach((c) => void phone.hangup(c.id));
        return;
      case 'toggle-mute':
        calls.current.filter((c) => c.state === 'active').forEach((c) => phone.setMuted(c.id, !c.muted));
        return;
      case 'set-do-not-disturb':
        void settings.update({ doNotDisturb: command.on });
        return;
      case 'show':
        view.value = command.view;
        return;
      case 'system':
        if (command.event === 'resume' || command.event === 'online') void phone.reconnectIdle();
        return;
      case 'open-conversation':
        view.value = 'messages';
        void messages.openConversation(command.conversation);
        return;
      case 'sign-out':
        void phone
          .shutdown()
          .finally(() => host.phone.signedOut())
          .catch(() => undefined);
        return;
    }
  }

  const stopCommands = host.phone.onCommand(handle);
  const stopLinks = host.links.onLink((request) => links.receive(request));
  host.links.rendererReady();
  watch(view, (current) => {
    if (current === 'history') void history.markSeen();
  });
  onScopeDispose(() => {
    stopCommands();
    stopLinks();
  });
}
