import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { conversationKey, type ChatMessage, type ConversationSummary } from '../messages/chat-message';
import { deliveryFor } from '../messages/delivery-state';
import type { MessageStore } from '../messages/message-store';
import type { DialTargetError } from '../sip/dial-target';
import type { IncomingTextMessage } from '../sip/text-messages';
import { MAX_OUTGOING_MESSAGE_BYTES, utf8Bytes } from '../sip/text-size';
import { useHost } from '../host';
import { useContactsStore } from './contacts';
import { usePhoneStore } from './phone';
import { useSettingsStore } from './settings';

/** Why a text was not sent from the compose box (nothing was stored or sent then). */
export type ComposeError =
  | { kind: 'empty' }
  | { kind: 'too-long'; used: number }
  | { kind: 'target'; error: DialTargetError | 'no-account' };

/** Characters of a text shown in a notification. */
const PREVIEW_CHARS = 120;

/**
 * Text messages (SIP MESSAGE): the conversation list with unread counts, the open thread, sending
 * with delivery state, and a notification for a text that arrives while the window is not in front.
 * The SIP engine hands received texts here (through the phone store); they are stored before the
 * sender is answered 200.
 */
export const useMessagesStore = defineStore('messages', () => {
  const host = useHost();
  const phone = usePhoneStore();
  const contacts = useContactsStore();
  const settings = useSettingsStore();
  let opened: Promise<MessageStore> | undefined;
  /** The message database is loaded with its first use, not with the first screen. */
  const database = (): Promise<MessageStore> =>
    (opened ??= import('../messages/message-store').then(({ MessageStore }) => new MessageStore()));

  const conversations = shallowRef<ConversationSummary[]>([]);
  const thread = shallowRef<ChatMessage[]>([]);
  const openKey = ref<string | undefined>();
  /** Where the open conversation goes when it has no stored message yet. */
  const newTarget = ref<{ accountId: string; peerUri: string } | undefined>();
  /** The messages view is on screen: texts arriving in the open conversation are read at once. */
  const viewing = ref(false);
  const composeError = ref<ComposeError | undefined>();

  const unreadTotal = computed(() => conversations.value.reduce((total, c) => total + c.unread, 0));
  const open = computed(() => conversations.value.find((c) => c.conversation === openKey.value));
  /** Account and address the compose box sends to. */
  const target = computed(() => open.value ?? newTarget.value);

  /** The contact's name when the address matches one, else the name the peer sent, else the address. */
  function nameOf(peer: { peerUri: string; peerName?: string; peer?: string }): string {
    return contacts.nameFor(peer.peerUri) ?? (peer.peerName || peer.peer || peer.peerUri);
  }

  async function refresh(): Promise<void> {
    const db = await database();
    conversations.value = await db.list();
    thread.value = openKey.value ? await db.thread(openKey.value) : [];
  }

  function reading(conversation: string): boolean {
    return viewing.value && openKey.value === conversation && document.visibilityState === 'visible';
  }

  async function receive(incoming: IncomingTextMessage): Promise<void> {
    const { added, message } = await (await database()).addIncoming(incoming);
    // Stored: from here on a failure must not turn into a 500 for a text we kept.
    if (added) void afterReceive(message).catch(() => undefined);
  }

  async function afterReceive(message: ChatMessage): Promise<void> {
    if (reading(message.conversation)) await (await database()).markRead(message.conversation);
    await refresh();
    if (document.hasFocus() || settings.settings.doNotDisturb) return;
    const preview =
      message.text.length > PREVIEW_CHARS ? `${message.text.slice(0, PREVIEW_CHARS)}…` : message.text;
    await host.messages.notify({
      conversation: message.conversation,
      sender: nameOf(message).slice(0, 256),
      preview,
    });
  }
  phone.setMessageHandler(receive);

  /** Startup: texts left `sending` by an earlier run are marked failed, then the list is read. */
  async function load(): Promise<void> {
    await (await database()).failInterrupted();
    await refresh();
  }

  async function markOpenRead(): Promise<void> {
    const key = openKey.value;
    if (!key || !reading(key) || !open.value?.unread) return;
    await (await database()).markRead(key);
    await refresh();
  }

  async function openConversation(conversation: string): Promise<void> {
    openKey.value = conversation;
    newTarget.value = undefined;
    composeError.value = undefined;
    await refresh();
    await markOpenRead();
  }

  /** Opens the conversation with a number or address (typed, a contact's, a caller's) on an account. */
  async function openWith(accountId: string, input: string): Promise<boolean> {
    const resolved = phone.resolveTarget(accountId, input);
    if (!resolved.ok) {
      composeError.value = { kind: 'target', error: resolved.error };
      return false;
    }
    const key = conversationKey(accountId, resolved.uri);
    if (conversations.value.some((c) => c.conversation === key)) {
      await openConversation(key);
      return true;
    }
    openKey.value = key;
    newTarget.value = { accountId, peerUri: resolved.uri };
    composeError.value = undefined;
    thread.value = [];
    return true;
  }

  function closeConversation(): void {
    openKey.value = undefined;
    newTarget.value = undefined;
    thread.value = [];
  }

  async function setViewing(on: boolean): Promise<void> {
    viewing.value = on;
    await markOpenRead();
  }

  /** Sends `text` in the open conversation; false (with {@link composeError}) when it was not sent. */
  async function send(text: string): Promise<boolean> {
    const to = target.value;
    if (!to) return false;
    if (text.trim() === '') {
      composeError.value = { kind: 'empty' };
      return false;
    }
    const used = utf8Bytes(text);
    if (used > MAX_OUTGOING_MESSAGE_BYTES) {
      composeError.value = { kind: 'too-long', used };
      return false;
    }
    composeError.value = undefined;
    const db = await database();
    const message = await db.addOutgoing({
      accountId: to.accountId,
      peerUri: to.peerUri,
      peerName: open.value?.peerName ?? '',
      text,
    });
    newTarget.value = undefined;
    await refresh();
    phone.sendMessage(to.accountId, to.peerUri, text, (outcome) => {
      void db
        .setDelivery(message.id, deliveryFor(outcome))
        .then(refresh)
        .catch(() => undefined);
    });
    return true;
  }

  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', () => void markOpenRead());
    window.addEventListener('focus', () => void markOpenRead());
  }

  return {
    conversations,
    thread,
    openKey,
    open,
    target,
    unreadTotal,
    composeError,
    nameOf,
    load,
    openConversation,
    openWith,
    closeConversation,
    setViewing,
    send,
  };
});
