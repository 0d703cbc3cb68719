import { RecordReader, WEB_STORAGE_NAME } from './record-reader';

/**
 * The browser build's records, with the two the first screen waits for (the accounts, the settings)
 * already being read. Opening IndexedDB takes tens of ms, more on a first start (when it finds no
 * database), so main.ts imports this module first: the reads run while the rest of the app's code is
 * evaluated and the host is chosen, not after. The desktop app (preload bridge present) reads them
 * from main instead, and nothing is read here.
 */
export const aheadRecords: RecordReader | undefined =
  window.ringline === undefined
    ? new RecordReader(WEB_STORAGE_NAME).readAhead('accounts').readAhead('settings', 'settings')
    : undefined;
