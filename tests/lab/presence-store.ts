/**
 * The presence server's store: Kamailio's db_text tables (presentity, watchers, pua, ...) copied
 * from the Debian package into this run's folder, so they are writable and no database server is
 * needed. Subscriptions and published state live in memory (`subs_db_mode` 0, `publ_cache` 2); the
 * modules still open these tables at start-up and check their versions.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Where kamailio's Debian package ships the db_text table definitions. */
export const DBTEXT_SCHEMA_DIR = '/usr/share/kamailio/dbtext/kamailio';

/** The tables presence, presence_xml and pua open. `version` lists every table's schema version. */
const PRESENCE_TABLES = ['version', 'presentity', 'active_watchers', 'watchers', 'xcap', 'pua'] as const;

/** Copies the presence tables into `<dir>/dbtext` and returns that folder (for `text://` URLs). */
export async function createPresenceStore(dir: string): Promise<string> {
  const store = join(dir, 'dbtext');
  await mkdir(store, { recursive: true });
  await Promise.all(
    PRESENCE_TABLES.map((table) => copyFile(join(DBTEXT_SCHEMA_DIR, table), join(store, table))),
  );
  return store;
}
