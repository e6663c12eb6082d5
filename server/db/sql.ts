// Plain SQL on the mariadb driver, for the sync path: it needs insert ids (LAST_INSERT_ID
// returns the versions the writes take) and as few round trips as the statements
// themselves. The pool is the one Prisma's adapter uses too. Numbers come back as
// numbers: every BIGINT here (epochs, versions) stays far below 2^53.
import type { Pool, PoolConnection, QueryConfig } from 'mariadb';
import { isRetryableTransactionError } from './transaction.ts';

export type SqlValue = string | number | boolean | Date | null;

export interface WriteResult {
  affectedRows: number;
  /** The AUTO_INCREMENT id of the first row inserted, or the value a statement gave
   * LAST_INSERT_ID(expr); 0 when neither happened. */
  insertId: number;
}

export interface SqlRunner {
  rows<T>(sql: string, values?: readonly SqlValue[]): Promise<T[]>;
  write(sql: string, values?: readonly SqlValue[]): Promise<WriteResult>;
}

export interface Sql extends SqlRunner {
  readonly pool: Pool;
  /** Runs `work` in a transaction and commits; rolls back on a throw. Deadlocks and lock
   * wait timeouts run the whole of `work` again (it must be safe to repeat). */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>, attempts?: number): Promise<T>;
  close(): Promise<void>;
}

const OPTIONS: Omit<QueryConfig, 'sql'> = {
  bigIntAsNumber: true,
  insertIdAsNumber: true,
  decimalAsNumber: true,
};

function runner(target: Pool | PoolConnection): SqlRunner {
  return {
    async rows<T>(sql: string, values: readonly SqlValue[] = []) {
      const result: unknown = await target.query({ ...OPTIONS, sql }, [...values]);
      return result as T[];
    },
    async write(sql, values = []) {
      const result = (await target.query({ ...OPTIONS, sql }, [...values])) as {
        affectedRows: number;
        insertId: number | bigint;
      };
      return { affectedRows: result.affectedRows, insertId: Number(result.insertId) };
    },
  };
}

export function wrapPool(pool: Pool): Sql {
  return {
    pool,
    ...runner(pool),
    async transaction(work, attempts = 5) {
      for (let attempt = 1; ; attempt++) {
        const conn = await pool.getConnection();
        try {
          await conn.beginTransaction();
          const result = await work(runner(conn));
          await conn.commit();
          return result;
        } catch (error) {
          await conn.rollback().catch(() => undefined);
          if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
        } finally {
          await conn.release();
        }
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 20));
      }
    },
    close: () => pool.end(),
  };
}

/** `?, ?, ?` for a list of values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
