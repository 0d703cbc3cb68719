/**
 * The one typed contract between Electron main, the preload bridge and the renderer.
 *
 * Main implements {@link RinglineApi}, preload exposes it as `window.ringline`, and the renderer's
 * Electron host calls it. The zod schemas are the runtime side of the same types: main validates
 * every argument that crosses IPC with them, because the renderer is treated as untrusted.
 *
 * This file must stay free of Electron and Node imports: the renderer bundles it.
 */
import { z } from 'zod';

const MAX_TEXT = 256;

/** A SIP or SIPS URI with a user part, e.g. `sip:1001@pbx.example.com`. */
export const sipUriSchema = z
  .string()
  .trim()
  .max(MAX_TEXT)
  .regex(/^sips?:[^\s@:;?]+@[^\s@;?]+$/i, 'expected sip:user@host');

/** WebSocket signalling server (RFC 7118). Only `wss:` is accepted: credentials never travel in clear. */
export const wssUrlSchema = z
  .string()
  .trim()
  .max(MAX_TEXT)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'wss:' && url.hostname.length > 0 && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'expected wss://host[:port][/path]');

export const accountIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid account id');

/** What the account form submits. The password is optional on edit: absent means "keep the stored one". */
export const accountInputSchema = z
  .object({
    id: accountIdSchema.optional(),
    displayName: z.string().trim().max(MAX_TEXT),
    sipUri: sipUriSchema,
    authUser: z.string().trim().max(MAX_TEXT),
    password: z.string().max(MAX_TEXT).optional(),
    wssUrl: wssUrlSchema,
    outboundProxy: z.union([sipUriSchema, z.literal('')]).optional(),
    realm: z.string().trim().max(MAX_TEXT).optional(),
  })
  .strict();

export type AccountInput = z.infer<typeof accountInputSchema>;

/** An account as the renderer sees it; the password is fetched separately and only when registering. */
export interface Account {
  id: string;
  displayName: string;
  sipUri: string;
  authUser: string;
  wssUrl: string;
  outboundProxy?: string;
  realm?: string;
  /** False when no password is stored or remembered for this session: the UI must ask for one. */
  hasPassword: boolean;
}

/**
 * How passwords are kept.
 * - `encrypted`: the OS keyring encrypts them (Electron `safeStorage`).
 * - `session-only`: no secure store is available (Linux without a keyring, or a browser); the password
 *   is held in memory until the app quits and is never written in clear text.
 */
export type SecretStorage = 'encrypted' | 'session-only';

/** A storage file that could not be read. It was moved aside, never deleted, and the user is told. */
export interface StorageProblem {
  file: 'accounts' | 'settings';
  backupPath: string;
  detail: string;
}

export interface AccountsSnapshot {
  accounts: Account[];
  secretStorage: SecretStorage;
  problems: StorageProblem[];
}

export const languageSchema = z.enum(['system', 'en', 'zh-CN']);
export type LanguageSetting = z.infer<typeof languageSchema>;

export const settingsSchema = z
  .object({
    language: languageSchema,
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = { language: 'system' };

export interface SettingsSnapshot {
  settings: Settings;
  problems: StorageProblem[];
}

export const incomingCallNoticeSchema = z
  .object({
    callId: z.string().min(1).max(MAX_TEXT),
    displayName: z.string().max(MAX_TEXT),
    number: z.string().max(MAX_TEXT),
  })
  .strict();

export type IncomingCallNotice = z.infer<typeof incomingCallNoticeSchema>;

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  host: 'electron' | 'web';
}

/** What a user can do from outside the renderer (a clicked link now; notification actions later). */
export type DialRequest = { kind: 'dial'; target: string };

/** The API that preload exposes as `window.ringline`. Verbs, not channels. */
export interface RinglineApi {
  accounts: {
    list(): Promise<AccountsSnapshot>;
    save(input: AccountInput): Promise<Account>;
    remove(id: string): Promise<void>;
    /** The stored password for registering, or null when none is available. */
    password(id: string): Promise<string | null>;
  };
  settings: {
    get(): Promise<SettingsSnapshot>;
    update(patch: SettingsPatch): Promise<Settings>;
  };
  notifications: {
    incomingCall(notice: IncomingCallNotice): Promise<void>;
    dismiss(callId: string): Promise<void>;
  };
  links: {
    /** Subscribe to dial requests; returns an unsubscribe function. */
    onDialRequest(listener: (request: DialRequest) => void): () => void;
    /** The renderer is ready: main flushes links queued before the window existed. */
    rendererReady(): void;
  };
  app: {
    info(): Promise<AppInfo>;
  };
}

export { IPC, type IpcChannel } from './ipc-channels';
