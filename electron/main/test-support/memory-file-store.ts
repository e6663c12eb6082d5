// An in-memory FileStore for unit tests.
import type { FileStore } from '../file-store.ts';

export interface MemoryFileStore extends FileStore {
  readonly files: Map<string, Uint8Array>;
  text(path: string): string | undefined;
}

export function createMemoryFileStore(initial: Record<string, string> = {}): MemoryFileStore {
  const files = new Map<string, Uint8Array>(
    Object.entries(initial).map(([path, text]) => [path, Buffer.from(text, 'utf8')]),
  );
  return {
    files,
    text: (path) => {
      const bytes = files.get(path);
      return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
    },
    read: async (path) => files.get(path) ?? null,
    write: async (path, bytes) => {
      files.set(path, Uint8Array.from(bytes));
    },
    remove: async (path) => {
      files.delete(path);
    },
  };
}
