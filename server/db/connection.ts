// Turns DATABASE_URL into mariadb driver settings, one place for both the Prisma adapter
// and the migrator. Sessions run in UTC so DATETIME columns mean the same everywhere.
import type { ConnectionConfig, PoolConfig } from 'mariadb';

export interface DatabaseAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function parseDatabaseUrl(url: string): DatabaseAddress {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$-]{1,64}$/.test(database)) {
    throw new Error(`DATABASE_URL must name a database (got "${database}")`);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

export function formatDatabaseUrl(address: DatabaseAddress): string {
  const auth = address.password
    ? `${encodeURIComponent(address.user)}:${encodeURIComponent(address.password)}`
    : encodeURIComponent(address.user);
  return `mysql://${auth}@${address.host}:${address.port}/${address.database}`;
}

export function connectionConfig(address: DatabaseAddress): ConnectionConfig {
  return {
    host: address.host,
    port: address.port,
    user: address.user,
    password: address.password,
    database: address.database,
    timezone: 'Z',
    initSql: "SET time_zone = '+00:00'",
    connectTimeout: 5_000,
  };
}

/** The server's pool. READ COMMITTED for every session: the sync's writes take the locks
 * they need themselves (docs/sync.md) and must not hold gap locks for whole statements.
 * A connection used within the last few seconds is not pinged before each use. */
export function poolConfig(address: DatabaseAddress, connectionLimit = 20): PoolConfig {
  return {
    ...connectionConfig(address),
    initSql: ["SET time_zone = '+00:00'", 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'],
    connectionLimit,
    acquireTimeout: 15_000,
    minDelayValidation: 5_000,
  };
}

/** Backtick-quotes an identifier already checked by parseDatabaseUrl. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
