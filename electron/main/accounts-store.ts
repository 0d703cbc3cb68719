/**
 * SIP accounts, owned by main and kept in `<userData>/accounts.json`.
 *
 * Passwords never reach the file in clear: they go through a {@link SecretBox}, and the file holds
 * only what the box returns (base64 ciphertext, or nothing in session-only mode). The renderer gets
 * accounts without passwords plus `hasPassword`, and asks for a password only when registering.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  accountConnectionProblem,
  accountIdSchema,
  accountInputSchema,
  type Account,
  type AccountInput,
  type AccountsSnapshot,
  type StorageProblem,
  type TrustedCertificate,
  trustedCertificateSchema,
} from '../common/contract';
import { keptCredentials, turnSecretKey } from '../common/turn-credentials';
import type { JsonFile } from './json-file';
import type { SecretBox } from './secret-box';

const sealedSchema = z
  .string()
  .max(8192)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

/** What the account form sends, less the secrets: those are stored sealed, below. */
const storedInputSchema = accountInputSchema.omit({ id: true, password: true, turnCredentials: true });

const storedAccountSchema = storedInputSchema.extend({
  id: accountIdSchema,
  /** What the secret box returned for the password: base64 ciphertext. Absent when nothing is stored. */
  sealedPassword: z
    .string()
    .max(8192)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64')
    .optional(),
  /** Set only by {@link AccountsStore.pinCertificate}: the renderer's account form cannot carry it. */
  trustedCertificate: trustedCertificateSchema.optional(),
  /**
   * TURN credentials as the box returned them, by index into `media.iceServers` (null: none stored, or
   * kept in memory only by a session-only box).
   */
  sealedTurnCredentials: z.array(sealedSchema.nullable()).max(8).optional(),
});

export type StoredAccount = z.infer<typeof storedAccountSchema>;

/** Schema of `accounts.json`. `version` lets a later release migrate the format instead of discarding it. */
export const accountsFileSchema = z
  .object({
    version: z.literal(1),
    accounts: z
      .array(storedAccountSchema)
      .max(100)
      .refine(
        (accounts) => new Set(accounts.map((a) => a.id)).size === accounts.length,
        'duplicate account id',
      ),
  })
  .strict();

export type AccountsFile = z.infer<typeof accountsFileSchema>;

export interface AccountsStoreOptions {
  file: JsonFile<AccountsFile>;
  box: SecretBox;
  /** Id for a new account; `crypto.randomUUID()` (36 characters of hex and `-`, fits `accountIdSchema`). */
  newId?: () => string;
  /**
   * Told about every password that passes through: saved by the user or handed out to register.
   * Main's log redaction uses it (see `log-redaction.ts` `KnownSecrets`).
   */
  onSecret?: (password: string) => void;
  /** Called after every successful save or removal (link parsing follows the first account's country). */
  onChange?: (accounts: Account[]) => void;
}

/** Implements the contract's `accounts` verbs; arguments are already validated by `ipc.ts`. */
export class AccountsStore {
  readonly #file: JsonFile<AccountsFile>;
  readonly #box: SecretBox;
  readonly #newId: () => string;
  readonly #onSecret: (password: string) => void;
  readonly #onChange: (accounts: Account[]) => void;
  #loaded: Promise<{ accounts: StoredAccount[]; problems: StorageProblem[] }> | null = null;
  /** Mutations run one at a time: each is read-modify-write of the whole file. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: AccountsStoreOptions) {
    this.#file = options.file;
    this.#box = options.box;
    this.#newId = options.newId ?? randomUUID;
    this.#onSecret = options.onSecret ?? (() => undefined);
    this.#onChange = options.onChange ?? (() => undefined);
  }

  async list(): Promise<AccountsSnapshot> {
    const { accounts, problems } = await this.#load();
    return {
      accounts: accounts.map((stored) => this.#toAccount(stored)),
      secretStorage: this.#box.storage,
      problems: [...problems],
    };
  }

  /**
   * Creates (no `id`) or updates an account. An absent or empty `password` keeps the stored one, so the
   * edit form does not have to show or resend it. Rejects for an unknown `id` or when saving fails.
   */
  save(input: AccountInput): Promise<Account> {
    return this.#exclusive(async () => {
      const state = await this.#load();
      const existing = input.id === undefined ? undefined : state.accounts.find((a) => a.id === input.id);
      if (input.id !== undefined && existing === undefined) {
        throw new Error(`No account with id ${input.id}`);
      }
      const connection = accountConnectionProblem(input);
      if (connection !== null) throw new Error(`Account not saved: ${connection}`);
      const id = existing?.id ?? this.#newId();
      if (input.password !== undefined && input.password !== '') this.#onSecret(input.password);
      const sealed =
        input.password === undefined || input.password === ''
          ? (existing?.sealedPassword ?? null)
          : await this.#box.seal(id, input.password);
      // Like the password, absent media settings mean "keep" (call-handling edits do not carry them).
      const media = input.media ?? existing?.media;
      const sealedTurn = await this.#sealTurnCredentials(id, input, media?.iceServers.length ?? 0, existing);

      const stored: StoredAccount = {
        id,
        displayName: input.displayName,
        sipUri: input.sipUri,
        authUser: input.authUser,
        ...(input.transport !== undefined && input.transport !== 'wss' ? { transport: input.transport } : {}),
        wssUrl: input.wssUrl,
        ...(input.fallbackWssUrls?.length ? { fallbackWssUrls: input.fallbackWssUrls } : {}),
        ...(input.sipServer ? { sipServer: input.sipServer } : {}),
        ...(input.fallbackSipServers?.length ? { fallbackSipServers: input.fallbackSipServers } : {}),
        ...(input.outboundProxy ? { outboundProxy: input.outboundProxy } : {}),
        ...(input.realm ? { realm: input.realm } : {}),
        ...(input.defaultCountry ? { defaultCountry: input.defaultCountry } : {}),
        // Like the password, absent means "keep": the account form does not carry call handling.
        ...((input.callHandling ?? existing?.callHandling)
          ? { callHandling: input.callHandling ?? existing?.callHandling }
          : {}),
        ...((input.presence ?? existing?.presence) ? { presence: input.presence ?? existing?.presence } : {}),
        ...(media ? { media } : {}),
        ...(input.connectionSuggestions?.length
          ? { connectionSuggestions: input.connectionSuggestions }
          : {}),
        ...(sealed === null ? {} : { sealedPassword: sealed }),
        ...(sealedTurn.some((entry) => entry !== null) ? { sealedTurnCredentials: sealedTurn } : {}),
        // Kept across edits; it only applies while the WebSocket server's host:port is the pinned one.
        ...(existing?.trustedCertificate ? { trustedCertificate: existing.trustedCertificate } : {}),
      };
      const accounts =
        existing === undefined
          ? [...state.accounts, stored]
          : state.accounts.map((account) => (account.id === id ? stored : account));
      await this.#file.write({ version: 1, accounts });
      state.accounts = accounts;
      this.#changed(accounts);
      return this.#toAccount(stored);
    });
  }

  /** Pins the server certificate the user trusted for an account (see `certificate-trust.ts`). */
  pinCertificate(id: string, pin: TrustedCertificate): Promise<Account> {
    return this.#exclusive(async () => {
      const state = await this.#load();
      const existing = state.accounts.find((account) => account.id === id);
      if (existing === undefined) throw new Error(`No account with id ${id}`);
      const stored: StoredAccount = { ...existing, trustedCertificate: pin };
      const accounts = state.accounts.map((account) => (account.id === id ? stored : account));
      await this.#file.write({ version: 1, accounts });
      state.accounts = accounts;
      this.#changed(accounts);
      return this.#toAccount(stored);
    });
  }

  /** Removes an account and its password. Removing an unknown id does nothing. */
  remove(id: string): Promise<void> {
    return this.#exclusive(async () => {
      const state = await this.#load();
      const accounts = state.accounts.filter((account) => account.id !== id);
      if (accounts.length !== state.accounts.length) {
        await this.#file.write({ version: 1, accounts });
        state.accounts = accounts;
        this.#changed(accounts);
      }
      this.#box.forget(id);
      for (let index = 0; index < 8; index++) this.#box.forget(turnSecretKey(id, index));
    });
  }

  /** The password to register with, or null when none is stored or it cannot be decrypted. */
  async password(id: string): Promise<string | null> {
    const { accounts } = await this.#load();
    const stored = accounts.find((account) => account.id === id);
    if (stored === undefined) return null;
    const password = await this.#box.open(id, stored.sealedPassword ?? null);
    if (password !== null && password !== '') this.#onSecret(password);
    return password;
  }

  /** The TURN credentials to register with, by index into the account's `media.iceServers`. */
  async turnCredentials(id: string): Promise<(string | null)[]> {
    const { accounts } = await this.#load();
    const stored = accounts.find((account) => account.id === id);
    const servers = stored?.media?.iceServers.length ?? 0;
    const credentials: (string | null)[] = [];
    for (let index = 0; index < servers; index++) {
      const sealed = stored?.sealedTurnCredentials?.[index] ?? null;
      const credential = await this.#box.open(turnSecretKey(id, index), sealed);
      if (credential) this.#onSecret(credential);
      credentials.push(credential || null);
    }
    return credentials;
  }

  /** Seals new TURN credentials; an absent or empty one keeps what is stored at its index. */
  async #sealTurnCredentials(
    id: string,
    input: AccountInput,
    servers: number,
    existing: StoredAccount | undefined,
  ): Promise<(string | null)[]> {
    const fresh: (string | null | undefined)[] = [];
    for (let index = 0; index < servers; index++) {
      const credential = input.turnCredentials?.[index];
      if (!credential) {
        fresh.push(undefined);
        continue;
      }
      this.#onSecret(credential);
      // A session-only box keeps it in memory and returns null: nothing goes to disk.
      fresh.push(await this.#box.seal(turnSecretKey(id, index), credential));
    }
    return keptCredentials(existing?.sealedTurnCredentials ?? [], fresh, servers);
  }

  #changed(accounts: StoredAccount[]): void {
    this.#onChange(accounts.map((stored) => this.#toAccount(stored)));
  }

  #toAccount(stored: StoredAccount): Account {
    const { sealedPassword, sealedTurnCredentials: _turn, ...visible } = stored;
    return { ...visible, hasPassword: this.#box.has(stored.id, sealedPassword ?? null) };
  }

  /** Reads the file once per session; a bad file is moved aside and the session starts empty. */
  #load(): Promise<{ accounts: StoredAccount[]; problems: StorageProblem[] }> {
    this.#loaded ??= this.#file.read().then((result) => {
      switch (result.kind) {
        case 'ok':
          return { accounts: result.value.accounts, problems: [] };
        case 'missing':
          return { accounts: [], problems: [] };
        case 'moved-aside':
          return { accounts: [], problems: [result.problem] };
      }
    });
    return this.#loaded;
  }

  #exclusive<R>(task: () => Promise<R>): Promise<R> {
    const run = this.#tail.then(task, task);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
