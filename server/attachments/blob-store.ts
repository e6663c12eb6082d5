// Where attachment bytes live once their upload is complete, named by their SHA-256 so
// the same bytes are stored once. On disk by default; the interface is what an object
// store implements too (docs/attachments.md).
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

export interface BlobStore {
  /** Takes the file at `path` (a finished upload) as the blob `sha256`; the file is gone
   * afterwards. Answers whether the store held those bytes already. */
  adopt(sha256: string, path: string): Promise<'stored' | 'existed'>;
  /** Bytes `start`..`end` (inclusive) of a blob, or all of it. */
  read(sha256: string, range?: { start: number; end: number }): Readable;
  size(sha256: string): Promise<number | null>;
  remove(sha256: string): Promise<void>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function createDiskBlobStore(root: string): BlobStore {
  const pathOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error('not a sha256');
    return join(root, sha256.slice(0, 2), sha256);
  };
  const size = async (sha256: string) => {
    try {
      return (await stat(pathOf(sha256))).size;
    } catch {
      return null;
    }
  };
  return {
    async adopt(sha256, path) {
      const target = pathOf(sha256);
      if ((await size(sha256)) !== null) {
        await unlink(path);
        return 'existed';
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(path, target);
      return 'stored';
    },
    read(sha256, range) {
      return createReadStream(pathOf(sha256), range ?? {});
    },
    size,
    async remove(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
  };
}
