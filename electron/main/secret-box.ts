/**
 * Where account passwords are kept.
 *
 * The accounts store never sees how: it hands a password to a {@link SecretBox} and persists only what
 * the box returns. With an OS keyring that is ciphertext (see `safe-storage-box.ts`); without one it is
 * nothing at all, and the password lives in this process's memory until the app quits.
 */
import type { SecretStorage } from '../common/contract';

export interface SecretBox {
  /** Reported to the UI, which tells the user when passwords will be forgotten on quit. */
  readonly storage: SecretStorage;
  /**
   * Takes a password for an account. Resolves what to write to disk (base64 ciphertext), or `null`
   * when this box must not put anything on disk. Rejects when encryption fails.
   */
  seal(accountId: string, password: string): Promise<string | null>;
  /**
   * The password for an account, from what was written to disk (`sealed`, or null) or from memory.
   * Resolves null when it cannot be recovered (no keyring now, key changed, never entered this session).
   */
  open(accountId: string, sealed: string | null): Promise<string | null>;
  /** Whether {@link open} can be expected to succeed, without decrypting (which may prompt on macOS). */
  has(accountId: string, sealed: string | null): boolean;
  /** Drops anything held for the account (it was removed). */
  forget(accountId: string): void;
}

/**
 * The box used when no secure OS store exists: passwords are kept in memory for this session only and
 * never written anywhere. Ciphertext from an earlier session with a keyring is ignored (it cannot be
 * decrypted without that keyring), so the user is asked for the password again.
 */
export class SessionOnlySecretBox implements SecretBox {
  readonly storage = 'session-only' satisfies SecretStorage;
  readonly #passwords = new Map<string, string>();

  async seal(accountId: string, password: string): Promise<null> {
    this.#passwords.set(accountId, password);
    return null;
  }

  async open(accountId: string): Promise<string | null> {
    return this.#passwords.get(accountId) ?? null;
  }

  has(accountId: string): boolean {
    return this.#passwords.has(accountId);
  }

  forget(accountId: string): void {
    this.#passwords.delete(accountId);
  }
}
