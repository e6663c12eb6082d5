// Small files in the user-data folder, behind an interface so that settings, window
// state and the token store are tested without touching the disk.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

export interface FileStore {
  /** The file's bytes, or null when it does not exist. */
  read(path: string): Promise<Uint8Array | null>;
  /** Replaces the file whole: a crash mid-write leaves the old file, never half of one. */
  write(path: string, bytes: Uint8Array): Promise<void>;
  remove(path: string): Promise<void>;
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

export function createNodeFileStore(): FileStore {
  return {
    async read(path) {
      try {
        return await readFile(path);
      } catch (error) {
        if (isMissingFile(error)) return null;
        throw error;
      }
    },
    async write(path, bytes) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      // Owner-only: these files hold the user's settings and (encrypted) session token.
      await writeFile(temporary, bytes, { mode: 0o600 });
      await rename(temporary, path);
    },
    async remove(path) {
      await rm(path, { force: true });
    },
  };
}

/** Reads and validates a JSON file; null when it is missing, unreadable or invalid. */
export async function readJsonFile<S extends z.ZodType>(
  files: FileStore,
  path: string,
  schema: S,
): Promise<z.output<S> | null> {
  let bytes: Uint8Array | null;
  try {
    bytes = await files.read(path);
  } catch {
    return null;
  }
  if (bytes === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export async function writeJsonFile(files: FileStore, path: string, value: unknown): Promise<void> {
  await files.write(path, Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'));
}
