import { RecordReader, WEB_STORAGE_NAME } from './record-reader';
import type { StoredRecord } from './web-storage';

/**
 * The browser host's first read of what decides the first screen: the stored accounts (the assistant
 * or the phone) and the settings (the language). The page's entry starts it before the app's start
 * chunk has arrived, so that opening IndexedDB and reading (tens of ms on a busy machine) overlaps
 * that download instead of following it. The host checks the records itself, as any it reads.
 */
export interface FirstRead {
  records: RecordReader;
  accounts: Promise<StoredRecord[]>;
  settings: Promise<StoredRecord | undefined>;
}

export function startFirstRead(name = WEB_STORAGE_NAME): FirstRead {
  const records = new RecordReader(name);
  const read: FirstRead = {
    records,
    accounts: records.all('accounts'),
    settings: records.get('settings', 'settings'),
  };
  // A failed read is the host's to report when it uses it; until then it is not an unhandled rejection.
  read.accounts.catch(() => undefined);
  read.settings.catch(() => undefined);
  // The host checks stored records (zod) before the first screen can show them: when there are any,
  // that chunk is fetched now, beside the start chunk, rather than once the host asks for it.
  void Promise.all([read.accounts, read.settings])
    .then(([accounts, settings]) =>
      accounts.length > 0 || settings ? import('./web-host-checks') : undefined,
    )
    .catch(() => undefined);
  return read;
}
