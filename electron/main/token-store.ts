// The session token, kept in the main process and encrypted at rest with safeStorage.
// On Linux without a keyring safeStorage falls back to "basic_text" — a hard-coded
// key, as good as plain text — so there the token lives in memory only (sign in again
// after a restart): the log says so once, and the page asks `storage()` to tell the user.

import type { TokenKeeper } from '../../shared/platform/account-session.ts';
import { type TokenStorage, tokenSchema } from '../../shared/platform/bridge-schemas.ts';
import type { FileStore } from './file-store.ts';

/** The part of Electron's safeStorage the store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend(): string;
}

export type TokenPersistence = { kind: 'encrypted-file' } | { kind: 'memory-only'; reason: string };

export function chooseTokenPersistence(
  platform: NodeJS.Platform,
  safeStorage: SafeStorageLike,
): TokenPersistence {
  if (!safeStorage.isEncryptionAvailable()) {
    return { kind: 'memory-only', reason: 'the system offers no encryption for secrets' };
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return {
        kind: 'memory-only',
        reason: `no keyring is available (safeStorage backend "${backend}")`,
      };
    }
  }
  return { kind: 'encrypted-file' };
}

export interface TokenStore extends TokenKeeper {
  /** Whether the token survives a restart: 'encrypted' on disk, or 'memory-only'. */
  storage(): Exclude<TokenStorage, 'browser'>;
}

export interface TokenStoreOptions {
  safeStorage: SafeStorageLike;
  files: FileStore;
  path: string;
  platform: NodeJS.Platform;
  log: (message: string) => void;
}

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const { safeStorage, files, path, log } = options;
  // Undefined until first read: the file is read at most once per run.
  let cached: string | null | undefined;
  let persistence: TokenPersistence | undefined;

  // Decided on first use, not at construction: Linux reports its backend only after
  // the app is ready.
  function currentPersistence(): TokenPersistence {
    if (persistence === undefined) {
      persistence = chooseTokenPersistence(options.platform, safeStorage);
      if (persistence.kind === 'memory-only') {
        log(
          `Session token kept in memory only: ${persistence.reason}. Sign-in will not survive a restart.`,
        );
      }
    }
    return persistence;
  }

  async function readFromFile(): Promise<string | null> {
    const encrypted = await files.read(path);
    if (encrypted === null) return null;
    try {
      const token = tokenSchema.safeParse(safeStorage.decryptString(Buffer.from(encrypted)));
      if (token.success) return token.data;
    } catch {
      // Encrypted under another key (a restored backup, a new keyring): unusable.
    }
    log('Stored session token could not be decrypted; it was removed.');
    await files.remove(path);
    return null;
  }

  return {
    storage() {
      return currentPersistence().kind === 'encrypted-file' ? 'encrypted' : 'memory-only';
    },
    async get() {
      if (cached !== undefined) return cached;
      cached = currentPersistence().kind === 'encrypted-file' ? await readFromFile() : null;
      return cached;
    },
    async set(token) {
      const valid = tokenSchema.parse(token);
      cached = valid;
      if (currentPersistence().kind === 'encrypted-file') {
        await files.write(path, safeStorage.encryptString(valid));
      }
    },
    async clear() {
      cached = null;
      // Removed whatever the persistence: a file from a run that had a keyring must go too.
      await files.remove(path);
    },
  };
}
