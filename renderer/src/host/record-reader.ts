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

  constructor(private readonly name: string) {}

  async all(store: string): Promise<StoredRecord[]> {
    return (await this.request(store, (objects) => objects.getAll())) ?? [];
  }

  get(store: string, key: string): Promise<StoredRecord | undefined> {
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
