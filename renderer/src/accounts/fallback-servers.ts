import { MAX_FALLBACK_WSS_URLS, sipServerSchema, wssUrlSchema } from '@common/contract';
import { refusedWebSocketPort } from '@common/unsafe-ports';

/** What one "backup servers" field of the account form holds, read. */
export type FallbackServersInput =
  | { ok: true; urls: string[] }
  | { ok: false; problem: 'too-many'; max: number }
  | { ok: false; problem: 'invalid'; value: string }
  | { ok: false; problem: 'unsafe-port'; value: string; port: number };

/**
 * Reads servers typed in one field, separated by spaces, commas or new lines. Each must pass the
 * same check as the primary server; duplicates are dropped, order is kept (it is the failover
 * order). The first bad entry is named so the user can fix it.
 */
function parseServerList(
  text: string,
  problemOf: (entry: string) => { problem: 'invalid' } | { problem: 'unsafe-port'; port: number } | null,
): FallbackServersInput {
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '');
  const urls: string[] = [];
  for (const entry of entries) {
    const problem = problemOf(entry);
    if (problem !== null) return { ok: false, ...problem, value: entry };
    if (!urls.includes(entry)) urls.push(entry);
  }
  if (urls.length > MAX_FALLBACK_WSS_URLS)
    return { ok: false, problem: 'too-many', max: MAX_FALLBACK_WSS_URLS };
  return { ok: true, urls };
}

/** Backup WebSocket servers (`wss://…`); a port browsers refuse is named as such. */
export function parseFallbackServers(text: string): FallbackServersInput {
  return parseServerList(text, (entry) => {
    if (!wssUrlSchema.safeParse(entry).success) return { problem: 'invalid' };
    const port = refusedWebSocketPort(entry);
    return port === null ? null : { problem: 'unsafe-port', port };
  });
}

/** The field's text for stored servers. */
export function formatFallbackServers(urls: readonly string[] | undefined): string {
  return (urls ?? []).join(', ');
}

/** The backup direct SIP servers (`host[:port]`) typed in one field, read like {@link parseFallbackServers}. */
export function parseBackupSipServers(text: string): FallbackServersInput {
  return parseServerList(text, (entry) =>
    sipServerSchema.safeParse(entry).success ? null : { problem: 'invalid' },
  );
}
