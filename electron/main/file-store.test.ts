import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createNodeFileStore, readJsonFile, writeJsonFile } from './file-store.ts';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'timenest-file-store-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('createNodeFileStore', () => {
  it('reads a missing file as null', async () => {
    expect(await createNodeFileStore().read(join(folder, 'missing.json'))).toBeNull();
  });

  it('creates the folder, writes the file and leaves no temporary file behind', async () => {
    const path = join(folder, 'nested', 'state.json');
    await createNodeFileStore().write(path, Buffer.from('{"a":1}'));
    expect(await readFile(path, 'utf8')).toBe('{"a":1}');
    expect(await readdir(join(folder, 'nested'))).toEqual(['state.json']);
  });

  it.skipIf(process.platform === 'win32')('makes the file readable by its owner only', async () => {
    const path = join(folder, 'token.bin');
    await createNodeFileStore().write(path, Buffer.from('secret'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('removes a file, and removing a missing one is not an error', async () => {
    const files = createNodeFileStore();
    const path = join(folder, 'x');
    await files.write(path, Buffer.from('x'));
    await files.remove(path);
    await files.remove(path);
    expect(await files.read(path)).toBeNull();
  });
});

describe('readJsonFile', () => {
  const schema = z.object({ width: z.number() });

  it('round-trips what writeJsonFile wrote', async () => {
    const files = createNodeFileStore();
    const path = join(folder, 'a.json');
    await writeJsonFile(files, path, { width: 800 });
    expect(await readJsonFile(files, path, schema)).toEqual({ width: 800 });
  });

  it('returns null for a file that is not JSON', async () => {
    const path = join(folder, 'broken.json');
    await writeFile(path, '{"width": 8');
    expect(await readJsonFile(createNodeFileStore(), path, schema)).toBeNull();
  });

  it('returns null for JSON of the wrong shape', async () => {
    const path = join(folder, 'wrong.json');
    await writeFile(path, '{"width": "wide"}');
    expect(await readJsonFile(createNodeFileStore(), path, schema)).toBeNull();
  });
});
