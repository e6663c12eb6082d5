// SHA-256 of each upload taken as its bytes arrive, so a finished upload is not read
// back from disk to be named. A hash only continues from the exact offset it reached:
// after a restart, a failed write or a chunk that went to another instance there is no
// running hash, and the caller hashes the file instead.
import { createHash, type Hash } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';

interface RunningHash {
  hash: Hash;
  hashedTo: number;
}

export interface RunningHashes {
  /** Wraps the bytes of a write at `offset`, hashing them when the hash is at `offset`. */
  tap(uploadId: string, offset: number, bytes: Readable): Readable;
  /** Records that the write ended at `offset` (or failed, with null). */
  settle(uploadId: string, offset: number | null): void;
  /** The digest when every byte of `size` went through this instance, in order. */
  digest(uploadId: string, size: number): string | null;
  forget(uploadId: string): void;
}

export function createRunningHashes(): RunningHashes {
  const running = new Map<string, RunningHash>();
  const counted = new Map<string, number>();

  return {
    tap(uploadId, offset, bytes) {
      let entry = running.get(uploadId);
      if (offset === 0) {
        entry = { hash: createHash('sha256'), hashedTo: 0 };
        running.set(uploadId, entry);
      } else if (entry?.hashedTo !== offset) {
        running.delete(uploadId);
        return bytes;
      }
      const hash = entry.hash;
      let seen = 0;
      counted.set(uploadId, offset);
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          seen += chunk.length;
          counted.set(uploadId, offset + seen);
          done(null, chunk);
        },
      });
      // Errors reach the store's own pipeline through the destroyed transform.
      pipeline(bytes, hashing, () => {});
      return hashing;
    },
    settle(uploadId, offset) {
      const entry = running.get(uploadId);
      const seen = counted.get(uploadId);
      counted.delete(uploadId);
      if (!entry) return;
      // The hash saw exactly the bytes the store wrote, or it is no longer the file's.
      if (offset === null || seen !== offset) running.delete(uploadId);
      else entry.hashedTo = offset;
    },
    digest(uploadId, size) {
      const entry = running.get(uploadId);
      running.delete(uploadId);
      return entry?.hashedTo === size ? entry.hash.digest('hex') : null;
    },
    forget(uploadId) {
      running.delete(uploadId);
      counted.delete(uploadId);
    },
  };
}
