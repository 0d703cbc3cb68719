import { MAX_FALLBACK_WSS_URLS, sipServerSchema, wssUrlSchema } from '@common/contract';

/** What the account form's one "fallback servers" field holds, read. */
export type FallbackServersInput =
  | { ok: true; urls: string[] }
  | { ok: false; problem: 'too-many'; max: number }
  | { ok: false; problem: 'invalid'; value: string };

/**
 * Reads the fallback WSS servers typed in one field, separated by spaces, commas or new lines.
 * Each must pass the same check as the primary server; duplicates are dropped, order is kept (it is
 * the failover order). The first bad entry is named so the user can fix it.
 */
export function parseFallbackServers(text: string): FallbackServersInput {
  return parseServerList(text, (entry) => wssUrlSchema.safeParse(entry).success);
}

/** The backup direct SIP servers (`host[:port]`) typed in one field, read like {@link parseFallbackServers}. */
export function parseBackupSipServers(text: string): FallbackServersInput {
  return parseServerList(text, (entry) => sipServerSchema.safeParse(entry).success);
}

function parseServerList(text: string, valid: (entry: string) => boolean): FallbackServersInput {
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '');
  const urls: string[] = [];
  for (const entry of entries) {
    if (!valid(entry)) return { ok: false, problem: 'invalid', value: entry };
    if (!urls.includes(entry)) urls.push(entry);
  }
  if (urls.length > MAX_FALLBACK_WSS_URLS)
    return { ok: false, problem: 'too-many', max: MAX_FALLBACK_WSS_URLS };
  return { ok: true, urls };
}

/** The field's text for stored servers. */
export function formatFallbackServers(urls: readonly string[] | undefined): string {
  return (urls ?? []).join(', ');
}
