/**
 * RFC 4235 dialog-info documents: what a BLF key shows. The server (Kamailio's presence_dialoginfo,
 * Asterisk's hints, FreeSWITCH's mod_sofia) NOTIFYs one document per change, listing the watched
 * user's dialogs; `state="partial"` documents carry only the dialogs that changed.
 */
import { attribute, childElements, childText, firstChild, parseXml } from './xml-document';

/** RFC 4235 §3.7.1 dialog states. */
export type DialogState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';

/** One end of a dialog (`<local>` or `<remote>`). */
export interface DialogParticipant {
  identity?: string;
  displayName?: string;
  /** The participant's contact (`<target uri>`): where a pickup INVITE can go. */
  target?: string;
}

/** One `<dialog>` of the watched user. Tags are from the watched user's side (local = theirs). */
export interface DialogInfoDialog {
  id: string;
  state: DialogState;
  direction?: 'initiator' | 'recipient';
  callId?: string;
  localTag?: string;
  remoteTag?: string;
  local?: DialogParticipant;
  remote?: DialogParticipant;
}

export interface DialogInfoDocument {
  /** Increases with every NOTIFY of the subscription; an older or equal one is stale. */
  version: number;
  /** `full`: these are all the dialogs; `partial`: only changed ones (merge by id). */
  fullState: boolean;
  entity?: string;
  dialogs: DialogInfoDialog[];
}

const STATES: readonly DialogState[] = ['trying', 'proceeding', 'early', 'confirmed', 'terminated'];

function participant(element: Element | undefined): DialogParticipant | undefined {
  if (!element) return undefined;
  const identity = firstChild(element, 'identity');
  const target = firstChild(element, 'target');
  const result: DialogParticipant = {};
  const identityText = identity?.textContent?.trim();
  if (identityText) result.identity = identityText;
  const display = identity && attribute(identity, 'display');
  if (display) result.displayName = display;
  const targetUri = target && attribute(target, 'uri');
  if (targetUri) result.target = targetUri;
  return Object.keys(result).length > 0 ? result : undefined;
}

function dialog(element: Element): DialogInfoDialog | undefined {
  const id = attribute(element, 'id');
  const stateText = childText(element, 'state')?.toLowerCase();
  // A dialog without id or with an unknown state cannot be placed; skip it rather than fail the rest.
  if (!id || !stateText || !STATES.includes(stateText as DialogState)) return undefined;
  const direction = attribute(element, 'direction');
  const local = participant(firstChild(element, 'local'));
  const remote = participant(firstChild(element, 'remote'));
  const callId = attribute(element, 'call-id');
  const localTag = attribute(element, 'local-tag');
  const remoteTag = attribute(element, 'remote-tag');
  return {
    id,
    state: stateText as DialogState,
    ...(direction === 'initiator' || direction === 'recipient' ? { direction } : {}),
    ...(callId ? { callId } : {}),
    ...(localTag ? { localTag } : {}),
    ...(remoteTag ? { remoteTag } : {}),
    ...(local ? { local } : {}),
    ...(remote ? { remote } : {}),
  };
}

/** Parses an `application/dialog-info+xml` body. Throws {@link PresenceParseError} when unreadable. */
export function parseDialogInfo(text: string): DialogInfoDocument {
  const root = parseXml(text, 'dialog-info');
  const version = Number(attribute(root, 'version') ?? '0');
  const entity = attribute(root, 'entity');
  return {
    version: Number.isFinite(version) ? version : 0,
    fullState: attribute(root, 'state') !== 'partial',
    ...(entity ? { entity } : {}),
    dialogs: childElements(root, 'dialog')
      .map(dialog)
      .filter((d): d is DialogInfoDialog => d !== undefined),
  };
}

/** Dialogs after applying `update` to `known` (RFC 4235 §4.1: partial documents change only their dialogs). */
export function mergeDialogs(
  known: readonly DialogInfoDialog[],
  update: DialogInfoDocument,
): DialogInfoDialog[] {
  const byId = new Map(update.fullState ? [] : known.map((d) => [d.id, d] as const));
  for (const changed of update.dialogs) byId.set(changed.id, changed);
  return [...byId.values()].filter((d) => d.state !== 'terminated');
}

/** What a BLF key shows. */
export type LineState = 'idle' | 'ringing' | 'in-call' | 'offline';

/**
 * The line's state from its live dialogs: in a call when one is confirmed, ringing when a call is
 * coming in (early/proceeding as recipient), else idle. An outgoing call still ringing out counts as
 * in call, as desk phones show it (the line is busy).
 */
export function lineState(dialogs: readonly DialogInfoDialog[]): LineState {
  if (dialogs.some((d) => d.state === 'confirmed')) return 'in-call';
  const ringingIn = dialogs.some(
    (d) =>
      (d.state === 'early' || d.state === 'proceeding' || d.state === 'trying') &&
      d.direction === 'recipient',
  );
  if (ringingIn) return 'ringing';
  if (dialogs.length > 0) return 'in-call';
  return 'idle';
}

/** The dialog ringing at the watched user, if any: the one a pickup would take. */
export function ringingDialog(dialogs: readonly DialogInfoDialog[]): DialogInfoDialog | undefined {
  return dialogs.find(
    (d) => d.direction === 'recipient' && (d.state === 'early' || d.state === 'proceeding'),
  );
}
