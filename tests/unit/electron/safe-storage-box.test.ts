import { describe, expect, it } from 'vitest';
import {
  SafeStorageSecretBox,
  chooseSecretStorage,
  createSecretBox,
  type SafeStorageApi,
} from '../../../electron/main/safe-storage-box';

type Backend = ReturnType<SafeStorageApi['getSelectedStorageBackend']>;

function keyring(available: boolean, backend: Backend): SafeStorageApi {
  return {
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: async (text) => Buffer.from(`enc(${text})`),
    decryptStringAsync: async () => {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    },
  };
}

describe('chooseSecretStorage', () => {
  it('trusts the keyring on macOS and Windows when encryption is available', () => {
    expect(chooseSecretStorage('darwin', null, true)).toBe('encrypted');
    expect(chooseSecretStorage('win32', null, true)).toBe('encrypted');
  });

  it('trusts libsecret and KWallet on Linux', () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) {
      expect(chooseSecretStorage('linux', backend, true), backend).toBe('encrypted');
    }
  });

  it('does not trust basic_text (a key hard-coded in Chromium) or an unknown backend', () => {
    expect(chooseSecretStorage('linux', 'basic_text', true)).toBe('session-only');
    expect(chooseSecretStorage('linux', 'unknown', true)).toBe('session-only');
    expect(chooseSecretStorage('linux', null, true)).toBe('session-only');
  });

  it('falls back to session-only when encryption is unavailable', () => {
    expect(chooseSecretStorage('darwin', null, false)).toBe('session-only');
    expect(chooseSecretStorage('linux', 'gnome_libsecret', false)).toBe('session-only');
  });
});

describe('createSecretBox', () => {
  it('returns the safeStorage box only for a real keyring', async () => {
    expect((await createSecretBox(keyring(true, 'kwallet5'), 'linux')).storage).toBe('encrypted');
    expect((await createSecretBox(keyring(true, 'basic_text'), 'linux')).storage).toBe('session-only');
    expect((await createSecretBox(keyring(false, 'gnome_libsecret'), 'linux')).storage).toBe('session-only');
  });

  it('does not ask for a Linux backend on other platforms', async () => {
    const api = keyring(true, 'unknown');
    api.getSelectedStorageBackend = () => {
      throw new Error('not available on this platform');
    };
    expect((await createSecretBox(api, 'darwin')).storage).toBe('encrypted');
  });

  it('treats a failing availability check as no keyring', async () => {
    const api = keyring(true, 'gnome_libsecret');
    api.isAsyncEncryptionAvailable = () => Promise.reject(new Error('portal timeout'));
    expect((await createSecretBox(api, 'linux')).storage).toBe('session-only');
  });
});

describe('SafeStorageSecretBox', () => {
  it('seals to base64 ciphertext', async () => {
    const box = new SafeStorageSecretBox(keyring(true, 'gnome_libsecret'));
    expect(await box.seal('id', 'pw')).toBe(Buffer.from('enc(pw)').toString('base64'));
  });

  it('opens to null when decryption fails or nothing is stored', async () => {
    const box = new SafeStorageSecretBox(keyring(true, 'gnome_libsecret'));
    expect(await box.open('id', 'AAAA')).toBeNull();
    expect(await box.open('id', null)).toBeNull();
    expect(box.has('id', null)).toBe(false);
    expect(box.has('id', 'AAAA')).toBe(true);
  });
});
