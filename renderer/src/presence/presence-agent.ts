/**
 * Presence for one account: BLF lines (RFC 4235 `dialog` subscriptions, plus PIDF `presence` where
 * the server offers it), the own mailbox (RFC 3842 `message-summary`) and, when enabled, our own
 * status PUBLISHed as PIDF (RFC 3903). Owns its SIP.js subscriptions and its publication; reports plain
 * snapshots through {@link PresenceAgentDelegate}.
 */
import { UserAgent } from 'sip.js';
import {
  lineState,
  mergeDialogs,
  parseDialogInfo,
  ringingDialog,
  type DialogInfoDialog,
  type LineState,
} from './dialog-info';
import { parseMessageSummary, type MessageCounts } from './message-summary';
import { buildPidf, parsePidf, type PresenceDocument, type PresenceStatus } from './pidf';
import { EventSubscription } from './event-subscription';
import { Publication } from './publication';
import { settleWithin } from './settle-within';
import { PresenceParseError } from './xml-document';

/** What a BLF key shows for one watched address. */
export interface LineSnapshot {
  accountId: string;
  uri: string;
  state: LineState;
  /** The call ringing there (for "Pick up"); only while `state` is `ringing`. */
  ringing?: DialogInfoDialog;
  /** From PIDF, when the server provides presence for this address. */
  presence?: PresenceStatus;
  note?: string;
}

/** The account's mailbox as the voicemail system last reported it. */
export interface MailboxSnapshot extends MessageCounts {
  accountId: string;
  waiting: boolean;
}

export type PresenceEvent =
  | { kind: 'line'; line: LineSnapshot }
  | { kind: 'mailbox'; mailbox: MailboxSnapshot }
  /** The account now watches exactly these lines, in this order. */
  | { kind: 'watching'; accountId: string; uris: string[] }
  /** A NOTIFY body we could not read: logged, the last good state stays on screen. */
  | { kind: 'unreadable'; uri: string; event: string; detail: string };

export type PresenceAgentDelegate = (event: PresenceEvent) => void;

/** Our own status as published; `offline` means "withdraw what we published". */
export type OwnStatus = Exclude<PresenceStatus, 'offline'>;

const PUBLISH_EXPIRES_SECONDS = 600;
/** How long {@link PresenceAgent.stop} waits for the removal PUBLISH's answer; SIP.js would wait 32 s. */
const REMOVAL_ANSWER_WAIT_MS = 5_000;

interface WatchedLine {
  dialogs: DialogInfoDialog[];
  lastVersion: number;
  snapshot: LineSnapshot;
  subscriptions: EventSubscription[];
}

export class PresenceAgent {
  private readonly lines = new Map<string, WatchedLine>();
  private mailbox: EventSubscription | undefined;
  private publication: Publication | undefined;

  constructor(
    private readonly userAgent: UserAgent,
    private readonly accountId: string,
    private readonly aor: string,
    private readonly report: PresenceAgentDelegate,
  ) {}

  /** Watches exactly `uris` (SIP URIs): new ones are subscribed, dropped ones unsubscribed. */
  watchLines(uris: readonly string[]): void {
    const wanted = new Set(uris);
    for (const [uri, line] of this.lines) {
      if (wanted.has(uri)) continue;
      this.lines.delete(uri);
      void Promise.allSettled(line.subscriptions.map((s) => s.stop()));
    }
    this.report({ kind: 'watching', accountId: this.accountId, uris: [...wanted] });
    for (const uri of wanted) if (!this.lines.has(uri)) this.startLine(uri);
  }

  /** Subscribes to our own mailbox's message summary. */
  watchMailbox(): void {
    if (this.mailbox) return;
    this.mailbox = new EventSubscription({
      userAgent: this.userAgent,
      target: this.aor,
      event: 'message-summary',
      accept: 'application/simple-message-summary',
      onNotify: (_type, body) => this.onMailboxBody(body),
      onStatus: () => undefined,
    });
    this.mailbox.start();
  }

  /** PUBLISHes our status (PIDF), kept up (refreshed) until {@link unpublish} or {@link stop}. */
  publish(status: OwnStatus, note = ''): void {
    const target = UserAgent.makeURI(this.aor);
    if (!target) return;
    this.publication ??= new Publication({
      userAgent: this.userAgent,
      target,
      event: 'presence',
      contentType: 'application/pidf+xml',
      expires: PUBLISH_EXPIRES_SECONDS,
    });
    this.publication.publish(buildPidf(this.aor, status, note));
  }

  /**
   * Withdraws our published status; the PUBLISH leaves in this turn (see {@link Publication.remove}).
   * Resolves at its final answer.
   */
  unpublish(): Promise<void> {
    const removed = this.publication?.remove() ?? Promise.resolve();
    this.publication = undefined;
    return removed;
  }

  /** The live dialog ringing at `uri`, for a pickup. */
  ringingAt(uri: string): DialogInfoDialog | undefined {
    return this.lines.get(uri)?.snapshot.ringing;
  }

  /**
   * Ends every subscription (SUBSCRIBE with Expires: 0, RFC 6665 §4.1.2.3) and withdraws our
   * published status. Every request is handed to the transport in this turn, so a page that is closing
   * can call it without waiting (`Phone.leave`); only a subscription still waiting for its first NOTIFY
   * is ended when that NOTIFY comes (see {@link EventSubscription.stop}). It resolves once those
   * requests have their final answers (each within a limit), so a phone that stops its user agent
   * afterwards lets the retries of challenged ones leave first.
   */
  async stop(): Promise<void> {
    const subscriptions = [...this.lines.values()].flatMap((line) => line.subscriptions);
    this.lines.clear();
    if (this.mailbox) subscriptions.push(this.mailbox);
    this.mailbox = undefined;
    await Promise.allSettled([
      settleWithin(this.unpublish(), REMOVAL_ANSWER_WAIT_MS),
      ...subscriptions.map((s) => s.stop()),
    ]);
  }

  private startLine(uri: string): void {
    const line: WatchedLine = {
      dialogs: [],
      lastVersion: -1,
      snapshot: { accountId: this.accountId, uri, state: 'offline' },
      subscriptions: [],
    };
    this.lines.set(uri, line);
    this.report({ kind: 'line', line: line.snapshot });
    const dialog = new EventSubscription({
      userAgent: this.userAgent,
      target: uri,
      event: 'dialog',
      accept: 'application/dialog-info+xml',
      onNotify: (_type, body) => this.onDialogBody(line, body),
      onStatus: (status) => {
        if (status === 'ended') {
          line.dialogs = [];
          line.lastVersion = -1;
          this.updateLine(line, { state: 'offline' });
        } else if (line.snapshot.state === 'offline' && line.lastVersion < 0) {
          this.updateLine(line, { state: 'idle' });
        }
      },
    });
    const presence = new EventSubscription({
      userAgent: this.userAgent,
      target: uri,
      event: 'presence',
      accept: 'application/pidf+xml',
      onNotify: (_type, body) => this.onPresenceBody(line, body),
      // Presence is extra: a server without it leaves the BLF key's call state as it is. A
      // subscription that ends (refused, timed out, terminated by the server) leaves no status known.
      onStatus: (status) => {
        if (status === 'ended') this.forgetPresence(line);
      },
    });
    line.subscriptions.push(dialog, presence);
    dialog.start();
    presence.start();
  }

  private onDialogBody(line: WatchedLine, body: string): void {
    if (!this.lines.has(line.snapshot.uri)) return;
    // An empty NOTIFY: the server has no dialog state for this user, i.e. no calls.
    if (body.trim() === '') {
      line.dialogs = [];
      this.updateLine(line, { state: 'idle' });
      return;
    }
    try {
      const document = parseDialogInfo(body);
      // Versions count per subscription; a late, older document must not undo a newer one.
      if (document.version <= line.lastVersion && !document.fullState) return;
      line.lastVersion = document.version;
      line.dialogs = mergeDialogs(line.dialogs, document);
      this.updateLine(line, { state: lineState(line.dialogs) });
    } catch (error) {
      this.unreadable(line.snapshot.uri, 'dialog', error);
    }
  }

  private onPresenceBody(line: WatchedLine, body: string): void {
    if (!this.lines.has(line.snapshot.uri)) return;
    // An empty NOTIFY: the server holds no status for this user (none published, or one withdrawn
    // and reported without a document), so the key shows none rather than the last one it had.
    const document = body.trim() === '' ? undefined : this.readPidf(line, body);
    if (document === null) return;
    const next = withoutStatus(line.snapshot);
    if (document) next.presence = document.status;
    if (document?.note) next.note = document.note;
    this.showLine(line, next);
  }

  private forgetPresence(line: WatchedLine): void {
    if (!this.lines.has(line.snapshot.uri) || line.snapshot.presence === undefined) return;
    this.showLine(line, withoutStatus(line.snapshot));
  }

  /** The document, or null when it cannot be read (reported; the last good status stays). */
  private readPidf(line: WatchedLine, body: string): PresenceDocument | null {
    try {
      return parsePidf(body);
    } catch (error) {
      this.unreadable(line.snapshot.uri, 'presence', error);
      return null;
    }
  }

  private onMailboxBody(body: string): void {
    if (body.trim() === '') return;
    try {
      const summary = parseMessageSummary(body);
      const counts = summary.voice ?? { newMessages: 0, oldMessages: 0, urgentNew: 0, urgentOld: 0 };
      this.report({
        kind: 'mailbox',
        mailbox: { accountId: this.accountId, waiting: summary.waiting, ...counts },
      });
    } catch (error) {
      this.unreadable(this.aor, 'message-summary', error);
    }
  }

  private updateLine(line: WatchedLine, change: Partial<LineSnapshot>): void {
    this.showLine(line, { ...line.snapshot, ...change });
  }

  /** Makes `next` the line's snapshot, with the ringing dialog when it rings, and reports it. */
  private showLine(line: WatchedLine, next: LineSnapshot): void {
    const ringing = next.state === 'ringing' ? ringingDialog(line.dialogs) : undefined;
    if (ringing) next.ringing = ringing;
    else delete next.ringing;
    line.snapshot = next;
    this.report({ kind: 'line', line: next });
  }

  private unreadable(uri: string, event: string, error: unknown): void {
    const detail = error instanceof PresenceParseError ? error.detail : String(error);
    this.report({ kind: 'unreadable', uri, event, detail });
  }
}

/** The line with no published status (nor its note). */
function withoutStatus({ presence: _status, note: _note, ...line }: LineSnapshot): LineSnapshot {
  return line;
}
