// The database clients of a server: Prisma (over the mariadb driver adapter, no engine
// binary) and plain SQL for the sync path, sharing one pool.
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { createPool } from 'mariadb';
import { PrismaClient } from '../generated/prisma/client.ts';
import { type DatabaseAddress, poolConfig } from './connection.ts';
import { type Sql, wrapPool } from './sql.ts';

export type Db = PrismaClient;

export interface DatabaseClients {
  db: Db;
  sql: Sql;
  close(): Promise<void>;
}

export function createDatabaseClients(
  address: DatabaseAddress,
  connectionLimit = 20,
): DatabaseClients {
  const pool = createPool(poolConfig(address, connectionLimit));
  // The text protocol sends one round trip per statement; the binary protocol would
  // prepare, execute and close each multi-row INSERT (thousands of parameters) anew.
  const db = new PrismaClient({
    adapter: new PrismaMariaDb(pool, { database: address.database, useTextProtocol: true }),
  });
  return {
    db,
    sql: wrapPool(pool),
    async close() {
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

/** A Prisma client with a pool of its own, ended by `$disconnect` (tests and tools). */
export function createPrisma(address: DatabaseAddress, connectionLimit = 20): Db {
  return new PrismaClient({
    adapter: new PrismaMariaDb(poolConfig(address, connectionLimit), {
      database: address.database,
      useTextProtocol: true,
    }),
  });
}
