import Dexie, { type Table } from 'dexie';
import type { StorageProblem } from '@common/contract';
import { WEB_STORAGE_NAME } from './record-reader';

export interface StoredRecord {
  key: string;
  value: unknown;
}

export interface QuarantinedRecord {
  id?: number;
  store: StorageProblem['file'];
  value: unknown;
  detail: string;
  at: number;
}

/**
 * The browser build's storage: IndexedDB through Dexie. Records that fail validation are never
 * dropped: they move to `quarantine`, where a user (or support) can still find them.
 */
export class WebStorage extends Dexie {
  accounts!: Table<StoredRecord, string>;
  settings!: Table<StoredRecord, string>;
  quarantine!: Table<QuarantinedRecord, number>;

  constructor(name = WEB_STORAGE_NAME) {
    super(name);
    this.version(1).stores({ accounts: 'key', settings: 'key', quarantine: '++id, store' });
  }

  /** Moves an unreadable record aside and describes where it went. */
  async quarantineRecord(
    store: StorageProblem['file'],
    table: Table<StoredRecord, string>,
    record: StoredRecord,
    detail: string,
  ): Promise<StorageProblem> {
    const id = await this.transaction('rw', table, this.quarantine, async () => {
      const quarantineId = await this.quarantine.add({ store, value: record.value, detail, at: Date.now() });
      await table.delete(record.key);
      return quarantineId;
    });
    return { file: store, backupPath: `IndexedDB ${this.name}/quarantine/${id}`, detail };
  }
}
