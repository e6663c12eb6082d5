// Interactive transactions that retry when the database reports a deadlock or a lock
// wait timeout (Prisma's P2034, or the driver's 1213/1205 inside raw queries): under
// concurrency these are expected and the whole transaction is safe to run again.
import type { Db } from './prisma.ts';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

const RETRYABLE_DRIVER_CODES = new Set([1213, 1205, 1020]);

export function isRetryableTransactionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      code?: unknown;
      errno?: unknown;
      meta?: { code?: unknown };
      cause?: unknown;
    };
    if (e.code === 'P2034') return true;
    if (typeof e.errno === 'number' && RETRYABLE_DRIVER_CODES.has(e.errno)) return true;
    const metaCode = Number(e.meta?.code);
    if (RETRYABLE_DRIVER_CODES.has(metaCode)) return true;
    if (e.code === 'ER_LOCK_DEADLOCK' || e.code === 'ER_LOCK_WAIT_TIMEOUT') return true;
    current = e.cause;
  }
  const text = String(error);
  return /deadlock|lock wait timeout|write conflict/i.test(text);
}
