// The runtime Prisma client over the mariadb driver adapter (no engine binary needed).
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaClient } from '../generated/prisma/client.ts';
import { type DatabaseAddress, poolConfig } from './connection.ts';

export type Db = PrismaClient;

export function createPrisma(address: DatabaseAddress, connectionLimit = 20): Db {
  // The text protocol sends one round trip per statement; the binary protocol would
  // prepare, execute and close each multi-row INSERT (thousands of parameters) anew.
  const adapter = new PrismaMariaDb(poolConfig(address, connectionLimit), {
    database: address.database,
    useTextProtocol: true,
  });
  return new PrismaClient({ adapter });
}
