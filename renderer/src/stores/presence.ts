import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LineSnapshot, MailboxSnapshot, PresenceEvent } from '../presence/presence-agent';

/**
 * BLF lines and mailboxes as the SIP engine last reported them (see `PresenceAgent`), per account.
 * An unreadable NOTIFY body changes nothing here: the last good state stays (the phone store logs it).
 */
export const usePresenceStore = defineStore('presence', () => {
  /** Lines by account id, then by watched SIP URI (in the account's order). */
  const lines = ref<Record<string, Record<string, LineSnapshot>>>({});
  const mailboxes = ref<Record<string, MailboxSnapshot>>({});

  function apply(event: PresenceEvent): void {
    if (event.kind === 'line') {
      const { accountId, uri } = event.line;
      lines.value = { ...lines.value, [accountId]: { ...lines.value[accountId], [uri]: event.line } };
    } else if (event.kind === 'watching') {
      const known = lines.value[event.accountId] ?? {};
      const kept = event.uris.flatMap((uri) => (known[uri] ? [[uri, known[uri]] as const] : []));
      lines.value = { ...lines.value, [event.accountId]: Object.fromEntries(kept) };
    } else if (event.kind === 'mailbox') {
      mailboxes.value = { ...mailboxes.value, [event.mailbox.accountId]: event.mailbox };
    }
  }

  /** Forgets an account's lines and mailbox (it was disconnected or removed). */
  function forget(accountId: string): void {
    lines.value = Object.fromEntries(Object.entries(lines.value).filter(([id]) => id !== accountId));
    mailboxes.value = Object.fromEntries(Object.entries(mailboxes.value).filter(([id]) => id !== accountId));
  }

  /** New and old voice messages over every account, for the tray; undefined when none reported. */
  const voicemailTotal = computed(() => {
    const boxes = Object.values(mailboxes.value);
    if (boxes.length === 0) return undefined;
    return {
      newMessages: boxes.reduce((sum, box) => sum + box.newMessages, 0),
      oldMessages: boxes.reduce((sum, box) => sum + box.oldMessages, 0),
    };
  });

  return { lines, mailboxes, apply, forget, voicemailTotal };
});
