// The change epoch (docs/sync.md, "The clock"). Writers stamp rows with the epoch they
// read under a shared lock on sync_clock, inside their own statements; `seal` raises the
// epoch under an exclusive lock, which InnoDB grants only once every writer holding the
// old value has committed or rolled back (and queues new writers behind it). So when
// the clock reads E, every change stamped below E has committed: a pull up to E − 1
// can never miss one, however transactions interleave.
import { type Connection, createConnection } from 'mariadb';
import { connectionConfig, type DatabaseAddress } from '../db/connection.ts';
import type { Sql } from '../db/sql.ts';
import type { Logger } from '../logger.ts';

export interface SyncClock {
  /** Names this database in cursors. */
  readonly serverId: string;
  /** Raises the epoch and returns the new value E: every change stamped below E has
   * committed. Calls made while a seal runs share the next one. When writers hold the
   * lock too long (a stuck transaction), gives up after about a second and returns the
   * current epoch instead, which is still safe, only older. */
  seal(): Promise<number>;
  close(): Promise<void>;
}

// A seal queues every new writer behind it until the writers before it finish: it must
// never wait long. InnoDB counts this in whole seconds.
const SEAL_LOCK_WAIT_SECONDS = 1;
// Back-to-back seals (many devices checking at once) would keep writers waiting.
const MIN_SEAL_GAP_MS = 10;

export async function readServerId(sql: Sql): Promise<string> {
  const [row] = await sql.rows<{ server_id: string }>(
    'SELECT server_id FROM sync_clock WHERE id = 1',
  );
  if (!row) throw new Error('sync_clock has no row: migrations did not run');
  return row.server_id;
}

export async function createSyncClock(
  address: DatabaseAddress,
  sql: Sql,
  log: Logger,
): Promise<SyncClock> {
  const serverId = await readServerId(sql);
  let conn: Connection | null = null;
  let isClosed = false;
  let running: Promise<number> | null = null;
  let next: Promise<number> | null = null;
  let lastSealAt = 0;

  const connection = async (): Promise<Connection> => {
    if (conn?.isValid()) return conn;
    conn = await createConnection({
      ...connectionConfig(address),
      initSql: [
        "SET time_zone = '+00:00'",
        `SET SESSION innodb_lock_wait_timeout = ${SEAL_LOCK_WAIT_SECONDS}`,
      ],
    });
    return conn;
  };

  const sealOnce = async (): Promise<number> => {
    const wait = lastSealAt + MIN_SEAL_GAP_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastSealAt = Date.now();
    const c = await connection();
    try {
      const result = (await c.query({
        sql: 'UPDATE sync_clock SET epoch = LAST_INSERT_ID(epoch + 1) WHERE id = 1',
        insertIdAsNumber: true,
      })) as { insertId: number };
      return result.insertId;
    } catch (error) {
      // A lock wait timeout, or a deadlock InnoDB resolved by choosing the seal: the
      // current epoch is still a safe target (its writers are the ones not yet sealed).
      const errno = (error as { errno?: number }).errno;
      if (errno !== 1205 && errno !== 1213) throw error;
      log.warn('a seal of the sync clock could not take the clock; using the current epoch');
      const [row] = (await c.query({
        sql: 'SELECT epoch FROM sync_clock WHERE id = 1',
        bigIntAsNumber: true,
      })) as { epoch: number }[];
      if (!row) throw new Error('sync_clock has no row');
      return row.epoch;
    }
  };

  const start = (): Promise<number> => {
    running = sealOnce().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    serverId,
    seal() {
      if (isClosed) return Promise.reject(new Error('the sync clock is closed'));
      if (!running) return start();
      // A seal that started before this call may have read the epoch before a change
      // this caller has seen: share the one after it instead.
      next ??= running
        .catch(() => undefined)
        .then(() => {
          next = null;
          return start();
        });
      return next;
    },
    async close() {
      isClosed = true;
      await Promise.allSettled([running, next]);
      await conn?.end().catch(() => undefined);
      conn = null;
    },
  };
}
