// Reads and pokes a test server's database directly: row counts before and after a
// request, values no API exposes (token hashes, expiry), and lock holding for drain tests.
import { createConnection } from 'mariadb';
import { connectionConfig, type DatabaseAddress } from '../../../server/db/connection.ts';

export const COUNTED_TABLES = ['users', 'sessions', 'conversations', 'messages'] as const;
export type RowCounts = Record<(typeof COUNTED_TABLES)[number], number>;

export interface SqlProbe {
  query: <T = Record<string, unknown>>(sql: string, values?: unknown[]) => Promise<T[]>;
  execute: (sql: string, values?: unknown[]) => Promise<void>;
  rowCounts: () => Promise<RowCounts>;
  close: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

export async function openSqlProbe(address: DatabaseAddress): Promise<SqlProbe> {
  const conn = await createConnection({
    ...connectionConfig(address),
    bigIntAsNumber: true,
    insertIdAsNumber: true,
    decimalAsNumber: true,
  });
  const query = <T>(sql: string, values: unknown[] = []) => conn.query<T[]>(sql, values);
  const close = () => conn.end();
  return {
    query,
    async execute(sql, values = []) {
      await conn.query(sql, values);
    },
    async rowCounts() {
      const [row] = await query<RowCounts>(
        `SELECT ${COUNTED_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`).join(', ')}`,
      );
      if (!row) throw new Error('row counts query answered nothing');
      return row;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
