import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createRunningHashes, type RunningHashes } from './running-hashes.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Writes `bytes` at `offset` the way the file store does: reads the tapped stream out. */
async function write(hashes: RunningHashes, id: string, offset: number, bytes: Buffer) {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(hashes.tap(id, offset, Readable.from([bytes])), sink);
  hashes.settle(id, offset + bytes.length);
}

describe('[§4a] the running hash that names an upload', () => {
  const file = randomBytes(3 * 1024 * 1024);
  const chunks = [
    file.subarray(0, 1_000_000),
    file.subarray(1_000_000, 2_500_000),
    file.subarray(2_500_000),
  ];

  it('names the file when every chunk arrived here in order', async () => {
    const hashes = createRunningHashes();
    let offset = 0;
    for (const chunk of chunks) {
      await write(hashes, 'u1', offset, chunk);
      offset += chunk.length;
    }
    expect(hashes.digest('u1', file.length)).toBe(sha256(file));
  });

  it('gives no name when a chunk went elsewhere or the instance restarted', async () => {
    const hashes = createRunningHashes();
    await write(hashes, 'u2', 0, chunks[0] as Buffer);
    // The second chunk was written by another instance: this one resumes past it.
    await write(hashes, 'u2', 2_500_000, chunks[2] as Buffer);
    expect(hashes.digest('u2', file.length)).toBeNull();

    const restarted = createRunningHashes();
    await write(restarted, 'u3', 1_000_000, file.subarray(1_000_000));
    expect(restarted.digest('u3', file.length)).toBeNull();
  });

  it('gives no name after a write that failed part-way', async () => {
    const hashes = createRunningHashes();
    await write(hashes, 'u4', 0, chunks[0] as Buffer);
    const tapped = hashes.tap('u4', 1_000_000, Readable.from([chunks[1] as Buffer]));
    await pipeline(tapped, new Writable({ write: (_c, _e, done) => done() }));
    hashes.settle('u4', null);
    await write(hashes, 'u4', 1_000_000, chunks[1] as Buffer);
    await write(hashes, 'u4', 2_500_000, chunks[2] as Buffer);
    expect(hashes.digest('u4', file.length)).toBeNull();
  });

  it('gives no name for a file shorter or longer than the bytes it saw', async () => {
    const hashes = createRunningHashes();
    await write(hashes, 'u5', 0, chunks[0] as Buffer);
    expect(hashes.digest('u5', file.length)).toBeNull();
  });
});
