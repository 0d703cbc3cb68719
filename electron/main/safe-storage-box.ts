/**
 * {@link SecretBox} on Electron's `safeStorage`: the OS keyring encrypts, we store base64 ciphertext.
 *
 * - macOS: Keychain; Windows: DPAPI (bound to the Windows user); Linux: libsecret or KWallet.
 * - Linux without a keyring daemon (many tiling WMs, containers, SSH sessions) falls back to Chromium's
 *   `basic_text` backend, which encrypts with a key hard-coded in Chromium: ciphertext anyone can
 *   decrypt. We do not call that secure and use the session-only box instead.
 *
 * Takes the `safeStorage` object as a parameter (imported for its type only), so nothing here loads
 * Electron and the adapter is tested with a stand-in.
 */
import type { SafeStorage } from 'electron';
import { SessionOnlySecretBox, type SecretBox } from './secret-box';
import type { SecretStorage } from '../common/contract';

/** The part of Electron 45's `safeStorage` we use (the async API; the sync one is deprecated). */
export type SafeStorageApi = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

/** Linux backends that really are a keyring; anything else (`basic_text`, `unknown`) is not. */
const SECURE_LINUX_BACKENDS: ReadonlySet<string> = new Set([
  'gnome_libsecret',
  'kwallet',
  'kwallet5',
  'kwallet6',
]);

/**
 * Decides how passwords can be kept.
 *
 * @param linuxBackend `safeStorage.getSelectedStorageBackend()`; only meaningful on Linux, and `unknown`
 *   before the app's `ready` event, which therefore counts as not secure.
 * @param asyncEncryptionAvailable `await safeStorage.isAsyncEncryptionAvailable()`.
 */
export function chooseSecretStorage(
  platform: NodeJS.Platform,
  linuxBackend: string | null,
  asyncEncryptionAvailable: boolean,
): SecretStorage {
  if (!asyncEncryptionAvailable) return 'session-only';
  if (platform === 'linux' && (linuxBackend === null || !SECURE_LINUX_BACKENDS.has(linuxBackend))) {
    return 'session-only';
  }
  return 'encrypted';
}

/** Passwords encrypted by the OS keyring; the store persists the base64 ciphertext. */
export class SafeStorageSecretBox implements SecretBox {
  readonly storage = 'encrypted' satisfies SecretStorage;
  readonly #safeStorage: SafeStorageApi;

  constructor(safeStorage: SafeStorageApi) {
    this.#safeStorage = safeStorage;
  }

  async seal(_accountId: string, password: string): Promise<string> {
    const encrypted = await this.#safeStorage.encryptStringAsync(password);
    return encrypted.toString('base64');
  }

  /**
   * Decrypts; null when it fails (the keyring was reset, the profile was copied to another machine or
   * user). `shouldReEncrypt` (a newer key exists) is not acted on yet: the result is valid either way,
   * and the next save with a password writes ciphertext under the current key.
   */
  async open(_accountId: string, sealed: string | null): Promise<string | null> {
    if (sealed === null) return null;
    try {
      const { result } = await this.#safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'));
      return result;
    } catch {
      return null;
    }
  }

  has(_accountId: string, sealed: string | null): boolean {
    return sealed !== null;
  }

  /** Nothing to do: the ciphertext lives in the accounts file, which the store rewrites. */
  forget(): void {}
}

/**
 * The box for this session. Call after the app's `ready` event (the Linux backend is chosen then).
 */
export async function createSecretBox(
  safeStorage: SafeStorageApi,
  platform: NodeJS.Platform,
): Promise<SecretBox> {
  const available = await safeStorage.isAsyncEncryptionAvailable().catch(() => false);
  // getSelectedStorageBackend exists on Linux only.
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  return chooseSecretStorage(platform, backend, available) === 'encrypted'
    ? new SafeStorageSecretBox(safeStorage)
    : new SessionOnlySecretBox();
}
