// `npm start` without DATABASE_URL (issue 2, database bring-up): the standard port is
// pointed at a free one so "nothing answers" is real, while the machine's own MariaDB
// keeps serving the other tests.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mariadb';
import { afterAll, describe, expect, it } from 'vitest';
import { bringUpLocalDatabase, type LocalDatabase } from '../../server/db/bringup.ts';
import { parseDatabaseUrl } from '../../server/db/connection.ts';
import { createLogger } from '../../server/logger.ts';
import { freePort } from '../support/process-server.ts';

const log = createLogger('silent');
const hasMariadbd = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].some(existsSync);
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('local database bring-up', () => {
  it('uses the database that answers on the standard port', async () => {
    const local = await bringUpLocalDatabase(log, { standardPort: 3306 });
    expect(parseDatabaseUrl(local.url)).toMatchObject({ host: '127.0.0.1', port: 3306 });
    expect(parseDatabaseUrl(local.url).database).toBe('timenest');
  });

  it('says exactly what to install when nothing answers and no server binary exists', async () => {
    const attempt = bringUpLocalDatabase(log, {
      standardPort: await freePort(),
      binaryDirs: [join(tmpdir(), 'no-such-dir')],
    });
    await expect(attempt).rejects.toThrow(/apt-get install -y mariadb-server.*DATABASE_URL/);
  });

  // Where no mariadbd is installed (a developer's laptop) there is nothing to start; CI
  // installs MariaDB, so this runs there.
  it.runIf(hasMariadbd)(
    'starts a private instance with its data under the data folder when nothing answers (skipped where no mariadbd is installed)',
    { timeout: 120_000 },
    async () => {
      const dataRoot = await mkdtemp(join(tmpdir(), 'timenest-data-'));
      cleanups.push(() => rm(dataRoot, { recursive: true, force: true }));
      let local: LocalDatabase | undefined;
      cleanups.push(async () => local?.stop());
      const standardPort = await freePort();
      local = await bringUpLocalDatabase(log, { standardPort, dataRoot });
      const address = parseDatabaseUrl(local.url);
      expect(address.port).not.toBe(standardPort);
      expect(existsSync(join(dataRoot, 'mysql', 'mysql'))).toBe(true);
      const conn = await createConnection({ ...address, database: undefined });
      try {
        const [row] = await conn.query<{ v: string }[]>('SELECT VERSION() AS v');
        expect(row?.v).toMatch(/MariaDB|^\d+\./);
      } finally {
        await conn.end();
      }
    },
  );
});
