import { describe, expect, it } from 'vitest';
import { createMemoryFileStore } from './test-support/memory-file-store.ts';
import { chooseTokenPersistence, createTokenStore, type SafeStorageLike } from './token-store.ts';

const PATH = '/data/session-token.bin';

/** Reversible but visibly not plain text, like real encryption. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.from(`enc:${Buffer.from(text).toString('base64')}`),
    decryptString: (data) => {
      const text = data.toString();
      if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext');
      return Buffer.from(text.slice(4), 'base64').toString();
    },
    getSelectedStorageBackend: () => backend,
  };
}

function setup(platform: NodeJS.Platform, safeStorage = fakeSafeStorage()) {
  const files = createMemoryFileStore();
  const logs: string[] = [];
  const make = () =>
    createTokenStore({ safeStorage, files, path: PATH, platform, log: (m) => logs.push(m) });
  return { files, logs, make };
}

describe('createTokenStore', () => {
  it('keeps the token across restarts, encrypted on disk', async () => {
    const { files, make } = setup('darwin');
    await make().set('secret-token');
    expect(files.text(PATH)).toBeDefined();
    expect(files.text(PATH)).not.toContain('secret-token');
    expect(await make().get()).toBe('secret-token');
  });

  it('has no token before sign-in', async () => {
    expect(await setup('win32').make().get()).toBeNull();
  });

  it('forgets the token on clear, on disk too', async () => {
    const { files, make } = setup('linux');
    const store = make();
    await store.set('secret-token');
    await store.clear();
    expect(await store.get()).toBeNull();
    expect(files.files.has(PATH)).toBe(false);
    expect(await make().get()).toBeNull();
  });

  it('keeps the token only in memory on Linux with the basic_text backend', async () => {
    const { files, logs, make } = setup('linux', fakeSafeStorage('basic_text'));
    const store = make();
    await store.set('secret-token');
    expect(await store.get()).toBe('secret-token');
    expect(files.files.size).toBe(0);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/memory only.*basic_text/);
  });

  it('says it keeps the token in memory only once, however often it is used', async () => {
    const { logs, make } = setup('linux', fakeSafeStorage('basic_text'));
    const store = make();
    await store.set('a');
    await store.set('b');
    await store.get();
    expect(logs).toHaveLength(1);
  });

  it('does not read an old token file when the keyring has gone', async () => {
    const { files, make } = setup('linux', fakeSafeStorage('basic_text'));
    await files.write(PATH, Buffer.from('enc:c2VjcmV0'));
    expect(await make().get()).toBeNull();
  });

  it('keeps the token in memory when the system cannot encrypt at all', async () => {
    const { files, make } = setup('win32', fakeSafeStorage('unknown', false));
    await make().set('secret-token');
    expect(files.files.size).toBe(0);
  });

  it('removes a token file it cannot decrypt and reports no token', async () => {
    const { files, logs, make } = setup('darwin');
    await files.write(PATH, Buffer.from('garbage written by someone else'));
    expect(await make().get()).toBeNull();
    expect(files.files.has(PATH)).toBe(false);
    expect(logs.join()).toMatch(/could not be decrypted/);
  });

  it('[§6] says the token is kept encrypted where the system can encrypt it', () => {
    expect(setup('darwin').make().storage()).toBe('encrypted');
    expect(setup('linux', fakeSafeStorage('kwallet6')).make().storage()).toBe('encrypted');
  });

  it('[§6] says the token is kept in memory only on Linux with the basic_text backend, for the notice', () => {
    const { logs, make } = setup('linux', fakeSafeStorage('basic_text'));
    const store = make();
    expect(store.storage()).toBe('memory-only');
    expect(store.storage()).toBe('memory-only');
    expect(logs).toHaveLength(1);
  });

  it('says the token is kept in memory only when the system cannot encrypt at all', () => {
    expect(setup('win32', fakeSafeStorage('unknown', false)).make().storage()).toBe('memory-only');
  });

  it('refuses to store an empty token', async () => {
    await expect(setup('darwin').make().set('')).rejects.toThrow();
  });
});

describe('chooseTokenPersistence', () => {
  it('uses the encrypted file with a Linux keyring', () => {
    expect(chooseTokenPersistence('linux', fakeSafeStorage('kwallet6'))).toEqual({
      kind: 'encrypted-file',
    });
  });

  it('does not ask macOS for a Linux storage backend', () => {
    const storage = { ...fakeSafeStorage(), getSelectedStorageBackend: () => 'basic_text' };
    expect(chooseTokenPersistence('darwin', storage).kind).toBe('encrypted-file');
  });
});
