// Applies prisma/migrations/*/migration.sql in order and records each in Prisma's own
// `_prisma_migrations` table, so this and `prisma migrate deploy` agree. A named lock
// makes two servers starting at once apply each migration exactly once.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection } from 'mariadb';
import type { Logger } from '../logger.ts';
import { connectionConfig, type DatabaseAddress } from './connection.ts';

const LOCK_NAME = 'timenest_migrations';
const LOCK_WAIT_SECONDS = 120;

// Prisma's own DDL for its bookkeeping table (MySQL flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id VARCHAR(36) PRIMARY KEY NOT NULL,
  checksum VARCHAR(64) NOT NULL,
  finished_at DATETIME(3),
  migration_name VARCHAR(255) NOT NULL,
  logs TEXT,
  rolled_back_at DATETIME(3),
  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export const DEFAULT_MIGRATIONS_DIR = new URL('../../prisma/migrations/', import.meta.url).pathname;

export async function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

export async function migrate(
  address: DatabaseAddress,
  log?: Logger,
  dir = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  const conn = await createConnection({ ...connectionConfig(address), multipleStatements: true });
  try {
    const [lock] = await conn.query<{ got: number | null }[]>('SELECT GET_LOCK(?, ?) AS got', [
      LOCK_NAME,
      LOCK_WAIT_SECONDS,
    ]);
    if (lock?.got !== 1) throw new Error('timed out waiting for the migration lock');
    try {
      await conn.query(CREATE_MIGRATIONS_TABLE);
      const rows = await conn.query<
        { migration_name: string; checksum: string; finished_at: Date | null }[]
      >(
        'SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL',
      );
      const done = new Map(rows.map((r) => [r.migration_name, r]));
      const report: MigrationReport = { applied: [], alreadyApplied: [] };
      for (const migration of migrations) {
        const previous = done.get(migration.name);
        if (previous?.finished_at) {
          if (previous.checksum !== migration.checksum) {
            log?.warn({ migration: migration.name }, 'applied migration was modified since');
          }
          report.alreadyApplied.push(migration.name);
          continue;
        }
        if (previous) {
          throw new Error(
            `migration ${migration.name} failed earlier and is unfinished; fix the database and delete its _prisma_migrations row`,
          );
        }
        const id = randomUUID();
        await conn.query(
          'INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, NOW(3), 0)',
          [id, migration.checksum, migration.name],
        );
        try {
          await conn.query(migration.sql);
        } catch (error) {
          await conn.query('UPDATE _prisma_migrations SET logs = ? WHERE id = ?', [
            String(error),
            id,
          ]);
          throw error;
        }
        await conn.query(
          'UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?',
          [id],
        );
        log?.info({ migration: migration.name }, 'migration applied');
        report.applied.push(migration.name);
      }
      return report;
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    }
  } finally {
    await conn.end();
  }
}

/** Creates the database named in the address when it does not exist yet. */
export async function ensureDatabase(address: DatabaseAddress): Promise<void> {
  const conn = await createConnection({ ...connectionConfig(address), database: undefined });
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${address.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}
