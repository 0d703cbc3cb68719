import type {
  Account,
  AccountInput,
  AccountsSnapshot,
  CertificateProblem,
  Settings,
  StorageProblem,
} from '@common/contract';
import { DEFAULT_SETTINGS } from '@common/contract-defaults';
import { redact } from '@common/log-redaction';
import { fetchProvisioningText } from '@common/provisioning-fetch';
import { keptCredentials } from '@common/turn-credentials';
import { downloadFile } from './download';
import type { Host } from './host';
import { createWebGateway } from './web-gateway';
import { WebCommands } from './web-commands';
import { WebLinks } from './web-links';
import { WebMessageNotifications } from './web-message-notifications';
import { WebNotifications } from './web-notifications';
import { afterFirstPaint } from '../composables/first-paint';
import { whenIdle } from '../composables/when-idle';
import { RecordReader, WEB_STORAGE_NAME } from './record-reader';
import type { FirstRead } from './first-read';
import type * as WebHostChecks from './web-host-checks';
import type { StoredAccount } from './web-host-checks';
import type { WebStorage } from './web-storage';

type Checks = typeof WebHostChecks;

/**
 * The browser host. A browser offers no OS keyring, so passwords live only in memory for this page's
 * life (`session-only`) and are never written to IndexedDB; the UI says so.
 *
 * `firstRead`, begun by the page's entry, answers the first list of the accounts and the first read
 * of the settings; every later one reads again.
 */
export function createWebHost(storage?: WebStorage, firstRead?: FirstRead): Host {
  const records = firstRead?.records ?? new RecordReader(storage?.name ?? WEB_STORAGE_NAME);
  const storedAccounts = firstThenFresh(firstRead?.accounts, () => records.all('accounts'));
  const storedSettings = firstThenFresh(firstRead?.settings, () => records.get('settings', 'settings'));
  let writer: Promise<WebStorage> | undefined = storage && Promise.resolve(storage);
  /**
   * Dexie, for writes and for moving a bad record aside: loaded with the first of those, or in the
   * background once the first screen has its records, so that the first save does not wait for it.
   */
  const writable = (): Promise<WebStorage> =>
    (writer ??= import('./web-storage').then(({ WebStorage }) => new WebStorage()));
  const loadWriterInBackground = (firstAccountNext: boolean): void => {
    if (!firstAccountNext) {
      whenIdle(() => void writable().catch(() => undefined), 1_000, 200);
      return;
    }
    // With no account yet, the next write is the first account's save: it would otherwise load Dexie
    // and create the database (a few hundred ms on a busy machine) between the user's submit and the
    // REGISTER. So both start as soon as the first screen is painted, beside the account form's chunks:
    // an idle callback came too late, as a first start keeps the page busy (it often ran after the
    // submit, once the SIP stack's chunks were in).
    void afterFirstPaint()
      .then(writable)
      .then((store) => store.open())
      .catch(() => undefined);
  };
  /**
   * zod's checks: loaded by the first record there is to check or the first write, else once the first
   * screen (painted right after the accounts are read) is on screen. The phone's status, reported from
   * the start, waits for that rather than bring zod in ahead of the first screen.
   */
  let checks: Promise<Checks> | undefined;
  let checksRequested: (loaded: Promise<Checks>) => void = () => undefined;
  const checksForReports = new Promise<Checks>((resolve) => (checksRequested = resolve));
  const loadChecks = (): Promise<Checks> => {
    if (!checks) {
      checks = import('./web-host-checks');
      checksRequested(checks);
    }
    return checks;
  };
  const passwords = new Map<string, string>();
  /** TURN credentials by account, like passwords: in memory only. */
  const turnCredentials = new Map<string, (string | null)[]>();
  const problems: StorageProblem[] = [];
  /** Certificates the local gateway refused, per account: the only ones `certificates.trust` may pin. */
  const certificateProblems = new Map<string, CertificateProblem>();
  const certificateListeners = new Set<(problem: CertificateProblem) => void>();
  // Before WebLinks, which clears a `#dial=` fragment: the gateway's port and secret are in the fragment too.
  const gateway = createWebGateway({
    hash: window.location.hash,
    pinOf: async (accountId) => {
      const { storedAccountSchema } = await loadChecks();
      const stored = storedAccountSchema.safeParse((await records.get('accounts', accountId))?.value);
      return stored.success ? stored.data.trustedCertificate : undefined;
    },
    onCertificateProblem: (problem) => {
      certificateProblems.set(problem.accountId, problem);
      for (const listener of certificateListeners) listener(problem);
    },
  });
  const links = new WebLinks(window.location);
  const commands = new WebCommands();
  const notifications = new WebNotifications((command) => commands.emit(command));
  const messageNotifications = new WebMessageNotifications((command) => commands.emit(command));
  // Settings edits run one after another: two quick edits must not both start from the old record.
  let settingsTail: Promise<unknown> = Promise.resolve();

  async function readAccounts(): Promise<StoredAccount[]> {
    const accounts: StoredAccount[] = [];
    const stored = await storedAccounts();
    if (stored.length === 0) return accounts;
    const { storedAccountSchema } = await loadChecks();
    for (const record of stored) {
      const parsed = storedAccountSchema.safeParse(record.value);
      if (parsed.success) accounts.push(parsed.data);
      else {
        const store = await writable();
        problems.push(await store.quarantineRecord('accounts', store.accounts, record, parsed.error.message));
      }
    }
    return accounts;
  }

  function toAccount(stored: StoredAccount): Account {
    return { ...stored, hasPassword: passwords.has(stored.id) };
  }

  return {
    accounts: {
      async list(): Promise<AccountsSnapshot> {
        const accounts = (await readAccounts()).map(toAccount);
        if (!writer) loadWriterInBackground(accounts.length === 0);
        // A chunk that cannot be fetched fails the reports and writes that need it, each on its own.
        void afterFirstPaint()
          .then(loadChecks)
          .catch(() => undefined);
        return { accounts, secretStorage: 'session-only', problems: [...problems] };
      },
      async save(input: AccountInput): Promise<Account> {
        const { accountInputSchema, accountConnectionProblem, storedAccountSchema } = await loadChecks();
        const { password, turnCredentials: credentials, ...fields } = accountInputSchema.parse(input);
        const connection = accountConnectionProblem(fields);
        if (connection !== null) throw new Error(`Account not saved: ${connection}`);
        const id = fields.id ?? crypto.randomUUID();
        // Like the password, absent call handling means "keep": the account form does not carry it.
        // A new account (an id made just now) has nothing earlier to read back.
        const store = await writable();
        const earlier = storedAccountSchema.safeParse(
          fields.id === undefined ? undefined : (await store.accounts.get(id))?.value,
        );
        const callHandling = fields.callHandling ?? (earlier.success ? earlier.data.callHandling : undefined);
        const media = fields.media ?? (earlier.success ? earlier.data.media : undefined);
        // Kept across edits, as on the desktop: it only applies while the server's host:port is the pinned one.
        const pin = earlier.success ? earlier.data.trustedCertificate : undefined;
        const stored: StoredAccount = {
          ...fields,
          id,
          ...(callHandling ? { callHandling } : {}),
          ...(media ? { media } : {}),
          ...(pin ? { trustedCertificate: pin } : {}),
        };
        await store.accounts.put({ key: stored.id, value: stored });
        if (password) passwords.set(stored.id, password);
        turnCredentials.set(
          stored.id,
          keptCredentials(
            turnCredentials.get(stored.id) ?? [],
            credentials,
            stored.media?.iceServers.length ?? 0,
          ),
        );
        return toAccount(stored);
      },
      async remove(id: string): Promise<void> {
        const { accountIdSchema } = await loadChecks();
        await (await writable()).accounts.delete(accountIdSchema.parse(id));
        passwords.delete(id);
        turnCredentials.delete(id);
      },
      async password(id: string): Promise<string | null> {
        return passwords.get(id) ?? null;
      },
      async turnCredentials(id: string): Promise<(string | null)[]> {
        return turnCredentials.get(id) ?? [];
      },
    },
    settings: {
      async get() {
        const record = await storedSettings();
        if (!record) return { settings: DEFAULT_SETTINGS, problems: [] };
        const { settingsSchema } = await loadChecks();
        const parsed = settingsSchema.safeParse(record.value);
        if (parsed.success) return { settings: parsed.data, problems: [] };
        const store = await writable();
        const problem = await store.quarantineRecord(
          'settings',
          store.settings,
          record,
          parsed.error.message,
        );
        return { settings: DEFAULT_SETTINGS, problems: [problem] };
      },
      update(patch): Promise<Settings> {
        const run = settingsTail.then(async () => {
          const current = await this.get();
          const { applySettingsPatch } = await loadChecks();
          const next = applySettingsPatch(current.settings, patch);
          await (await writable()).settings.put({ key: 'settings', value: next });
          return next;
        });
        settingsTail = run.catch(() => undefined);
        return run;
      },
    },
    phone: {
      async reportStatus(status) {
        const { phoneStatusSchema } = await checksForReports;
        notifications.update(phoneStatusSchema.parse(status));
      },
      onCommand: (listener) => commands.subscribe(listener),
      // A browser tab's close cannot be held, so the page never gets `sign-out` (pagehide leaves).
      signedOut: async () => undefined,
    },
    links: {
      onLink: (listener) => links.onLink(listener),
      rendererReady: () => links.rendererReady(),
    },
    incoming: {
      async act() {
        throw new Error('The browser build has no separate incoming-call window');
      },
    },
    recordings: {
      async save(recording) {
        const { recordingSchema } = await loadChecks();
        const { fileName, bytes } = recordingSchema.parse(recording);
        downloadFile(new Blob([bytes], { type: 'audio/webm' }), fileName);
        return { location: fileName };
      },
      async chooseFolder() {
        return null;
      },
    },
    messages: {
      async notify(notice) {
        const { messageNoticeSchema } = await loadChecks();
        messageNotifications.notify(messageNoticeSchema.parse(notice));
      },
    },
    log: {
      write(entry) {
        // In order (one promise, continuations in call order); nothing logs before the first screen.
        void loadChecks().then(({ logEntrySchema }) => {
          const { level, scope, message } = logEntrySchema.parse(entry);
          // The browser's console is this host's log: the same redaction as the desktop log file.
          console[level === 'debug' ? 'debug' : level](`[${scope}] ${redact(message)}`);
        });
      },
    },
    app: {
      async info() {
        return { name: 'Ringline', version: __APP_VERSION__, platform: navigator.platform, host: 'web' };
      },
    },
    certificates: {
      // A page never learns why a WebSocket failed, let alone which certificate was presented; the
      // local gateway (TLS accounts) does, and reports it here.
      onProblem: (listener) => {
        certificateListeners.add(listener);
        return () => certificateListeners.delete(listener);
      },
      async trust(request) {
        const problem = certificateProblems.get(request.accountId);
        if (problem === undefined || problem.sha256 !== request.sha256)
          throw new Error('In a browser, the browser decides which server certificates to trust');
        const { storedAccountSchema } = await loadChecks();
        const stored = storedAccountSchema.parse(
          (await (await writable()).accounts.get(request.accountId))?.value,
        );
        const pinned: StoredAccount = {
          ...stored,
          trustedCertificate: { host: problem.host, sha256: problem.sha256 },
        };
        await (await writable()).accounts.put({ key: pinned.id, value: pinned });
        certificateProblems.delete(request.accountId);
        return toAccount(pinned);
      },
    },
    screenShare: {
      // The browser's getDisplayMedia() shows its own picker of screens, windows and tabs.
      async sources() {
        return null;
      },
      async choose() {
        throw new Error('In the browser, getDisplayMedia() lets the user choose what to share');
      },
    },
    gateway,
    // The page fetches it itself: the server must allow this origin (CORS), or the browser refuses.
    provisioning: { fetch: (link) => fetchProvisioningText(link, (url, init) => window.fetch(url, init)) },
  };
}

/** `first` for the first call (a read begun earlier), `read()` for every later one. */
function firstThenFresh<T>(first: Promise<T> | undefined, read: () => Promise<T>): () => Promise<T> {
  let pending = first;
  return () => {
    const result = pending ?? read();
    pending = undefined;
    return result;
  };
}
