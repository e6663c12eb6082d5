// A database of its own for each test file: created fresh, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mariadb';
import {
  type DatabaseAddress,
  formatDatabaseUrl,
  parseDatabaseUrl,
} from '../../server/db/connection.ts';

/** Where test databases live: TEST_DATABASE_URL's server, else local root. */
export function testServerAddress(): Omit<DatabaseAddress, 'database'> {
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const { database: _unused, ...rest } = parseDatabaseUrl(base);
    return rest;
  }
  return { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
}

export interface FreshDatabase {
  url: string;
  address: DatabaseAddress;
  drop: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

export async function freshDatabase(label = 'test'): Promise<FreshDatabase> {
  const server = testServerAddress();
  const name = `tn_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const conn = await createConnection({ ...server });
  try {
    await conn.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
  const address = { ...server, database: name };
  const drop = async () => {
    const c = await createConnection({ ...server });
    try {
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await c.end();
    }
  };
  return { url: formatDatabaseUrl(address), address, drop, [Symbol.asyncDispose]: drop };
}
