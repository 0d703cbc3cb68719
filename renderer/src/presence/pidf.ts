/**
 * RFC 3863 PIDF presence documents, with the RPID extensions (RFC 4480) phones use to say "busy" or
 * "away": `<rpid:activities>` and `<dm:person>`'s note. Elements are matched by local name, so any
 * prefix works and unknown extensions are skipped.
 */
import { attribute, childElements, childText, firstChild, parseXml } from './xml-document';

/** What the user shows: the statuses Ringline publishes, plus `offline`. */
export type PresenceStatus = 'available' | 'away' | 'busy' | 'dnd' | 'offline';

export interface PresenceDocument {
  entity?: string;
  /** `open` if any tuple is open (RFC 3863 §4.1.4). */
  open: boolean;
  note?: string;
  /** RPID activities found (local names, e.g. `busy`, `away`, `on-the-phone`). */
  activities: string[];
  status: PresenceStatus;
}

function activitiesOf(root: Element): string[] {
  const found: string[] = [];
  const visit = (element: Element): void => {
    if (element.localName === 'activities') {
      for (const child of element.children) {
        if (child.localName === 'note') continue;
        // <rpid:other> carries free text; do-not-disturb has no RPID element of its own.
        const text = child.textContent?.trim();
        found.push(child.localName === 'other' && text ? `other:${text.toLowerCase()}` : child.localName);
      }
      return;
    }
    for (const child of element.children) visit(child);
  };
  visit(root);
  return found;
}

/** The status a person would read from open/closed and the activities. */
function statusOf(open: boolean, activities: readonly string[]): PresenceStatus {
  if (!open) return 'offline';
  if (activities.includes('other:do-not-disturb') || activities.includes('other:dnd')) return 'dnd';
  if (activities.some((a) => a === 'busy' || a === 'on-the-phone' || a === 'meeting')) return 'busy';
  if (activities.some((a) => a === 'away' || a === 'vacation' || a === 'steppingOut' || a === 'sleeping'))
    return 'away';
  return 'available';
}

/** Parses an `application/pidf+xml` body. Throws {@link PresenceParseError} when unreadable. */
export function parsePidf(text: string): PresenceDocument {
  const root = parseXml(text, 'presence');
  const tuples = childElements(root, 'tuple');
  const open = tuples.some((tuple) => {
    const status = firstChild(tuple, 'status');
    return status !== undefined && childText(status, 'basic')?.toLowerCase() === 'open';
  });
  const notes = [
    ...childElements(root, 'note'),
    ...tuples.flatMap((tuple) => childElements(tuple, 'note')),
    ...childElements(root, 'person').flatMap((person) => childElements(person, 'note')),
  ];
  const note = notes.map((element) => element.textContent?.trim() ?? '').find((text) => text !== '');
  const activities = activitiesOf(root);
  const entity = attribute(root, 'entity');
  return {
    ...(entity ? { entity } : {}),
    open,
    ...(note ? { note } : {}),
    activities,
    status: statusOf(open, activities),
  };
}

/** RPID activities for each status we publish (`available` has none). */
const ACTIVITIES: Record<Exclude<PresenceStatus, 'offline'>, string> = {
  available: '',
  away: '<rpid:away/>',
  busy: '<rpid:busy/>',
  // Servers and phones that do not know the free-text activity still read "busy".
  dnd: '<rpid:busy/><rpid:other>do-not-disturb</rpid:other>',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A PIDF document for our own status: one open tuple with our contact, and an RPID person with the
 * activities and a note.
 */
export function buildPidf(entity: string, status: Exclude<PresenceStatus, 'offline'>, note: string): string {
  const activities = ACTIVITIES[status] ? `<rpid:activities>${ACTIVITIES[status]}</rpid:activities>` : '';
  const noteXml = note ? `<dm:note>${escapeXml(note)}</dm:note>` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${escapeXml(entity)}">`,
    `<tuple id="ringline"><status><basic>open</basic></status><contact>${escapeXml(entity)}</contact></tuple>`,
    `<dm:person id="p1">${activities}${noteXml}</dm:person>`,
    '</presence>',
  ].join('');
}
