import type { StoredRecord } from './web-storage';

/** The browser host's IndexedDB database. */
export const WEB_STORAGE_NAME = 'ringline';

/**
 * Reads the browser host's records (accounts, settings) straight from IndexedDB, without Dexie: the
 * first screen needs them, and Dexie (about 100 kB) is then loaded only for the first write. Writes,
 * the schema and moving bad records aside stay with Dexie (`web-storage.ts`).
 *
 * A database that does not exist yet reads as empty and is not created here: Dexie creates it, with
 * its schema, on the first write.
 */
export class RecordReader {
  private connection: Promise<IDBDatabase | undefined> | undefined;
  /** Reads started by {@link readAhead}, each kept for the first `all` or `get` that asks for it. */
  private readonly aheadAll = new Map<string, Promise<StoredRecord[]>>();
  private readonly aheadGet = new Map<string, Promise<StoredRecord | undefined>>();

  constructor(private readonly name: string) {}

  /**
   * Starts reading a store (or one record of it) now. The first {@link all} (or {@link get}) of it
   * gets this read, whatever happened since; later ones read afresh.
   */
  readAhead(store: string, key?: string): this {
    // A failure is the taker's to report, not an unhandled rejection before anyone asked.
    if (key === undefined) this.aheadAll.set(store, reported(this.all(store)));
    else this.aheadGet.set(recordKey(store, key), reported(this.get(store, key)));
    return this;
  }

  async all(store: string): Promise<StoredRecord[]> {
    const ahead = this.aheadAll.get(store);
    if (ahead) {
      this.aheadAll.delete(store);
      return ahead;
    }
    return (await this.request(store, (objects) => objects.getAll())) ?? [];
  }

  get(store: string, key: string): Promise<StoredRecord | undefined> {
    const ahead = this.aheadGet.get(recordKey(store, key));
    if (ahead) {
      this.aheadGet.delete(recordKey(store, key));
      return ahead;
    }
    return this.request(store, (objects) => objects.get(key));
  }

  private async request<T>(
    store: string,
    make: (objects: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T | undefined> {
    const db = await this.open();
    if (!db?.objectStoreNames.contains(store)) return undefined;
    return new Promise<T>((resolve, reject) => {
      const request = make(db.transaction(store, 'readonly').objectStore(store));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error(`could not read ${store}`));
    });
  }

  private open(): Promise<IDBDatabase | undefined> {
    this.connection ??= new Promise<IDBDatabase | undefined>((resolve) => {
      // Without a version: whatever version Dexie made. Asked for one that does not exist, the browser
      // would create it empty (version 1); the upgrade is aborted instead, so nothing is created.
      const request = indexedDB.open(this.name);
      request.onupgradeneeded = () => request.transaction?.abort();
      request.onerror = () => resolve(undefined);
      request.onsuccess = () => {
        const db = request.result;
        // A newer schema (Dexie upgrading) must not wait for this reader.
        db.onversionchange = () => {
          db.close();
          this.connection = undefined;
        };
        resolve(db);
      };
    }).then((db) => {
      // Not there yet: ask again next time, it may have been created since.
      if (!db) this.connection = undefined;
      return db;
    });
    return this.connection;
  }
}

function recordKey(store: string, key: string): string {
  return JSON.stringify([store, key]);
}

/** The same promise, marked as handled: its rejection still reaches whoever awaits it. */
function reported<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}
