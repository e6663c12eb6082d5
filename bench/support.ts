// Shared pieces of the benchmarks: a server in its own process over a fresh database,
// users, timing and the results table.
import { randomUUID } from 'node:crypto';
import { createConnection } from 'mariadb';
import { connectionConfig, formatDatabaseUrl } from '../server/db/connection.ts';
import { createUser, rest, type TestUser } from '../tests/support/clients.ts';
import { type FreshDatabase, freshDatabase } from '../tests/support/database.ts';
import { type ProcessServer, startProcessServer } from '../tests/support/process-server.ts';
import { type SqlCounter, startSqlCounter } from './sql-counter.ts';

export interface BenchServer {
  url: string;
  database: FreshDatabase;
  process: ProcessServer;
  dispose: () => Promise<void>;
}

export async function startBenchServer(
  label: string,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<BenchServer> {
  const database = await freshDatabase(`bench${label}`);
  const proc = await startProcessServer(
    { DATABASE_URL: database.url, LOG_LEVEL: 'error', ...env },
    [...nodeArgs, ...profileArgs()],
  );
  return {
    url: proc.url,
    database,
    process: proc,
    async dispose() {
      await proc.stop();
      await database.drop();
    },
  };
}

/** A bench server that reaches MariaDB through a counter of the statements it sends
 * (bench/sql-counter.ts). */
export async function startCountedBenchServer(
  label: string,
  env: Record<string, string> = {},
): Promise<BenchServer & { counter: SqlCounter }> {
  const database = await freshDatabase(`bench${label}`);
  const counter = await startSqlCounter(database.address);
  const proc = await startProcessServer(
    {
      DATABASE_URL: formatDatabaseUrl({
        ...database.address,
        host: '127.0.0.1',
        port: counter.port,
      }),
      LOG_LEVEL: 'error',
      ...env,
    },
    profileArgs(),
  );
  return {
    url: proc.url,
    database,
    process: proc,
    counter,
    async dispose() {
      await proc.stop();
      await counter.close();
      await database.drop();
    },
  };
}

/** BENCH_PROFILE_DIR=dir writes a CPU profile of the server process there when it stops. */
function profileArgs(): string[] {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  return profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
}

export async function pairWithConversation(url: string) {
  const [a, b] = await Promise.all([createUser(url, 'Bench A'), createUser(url, 'Bench B')]);
  const created = await rest<{ conversation_id: number }>(
    url,
    'POST',
    '/api/v1/chat/conversations',
    {
      token: a.token,
      body: { other_user_id: b.user.userId },
    },
  );
  return { a, b, conversationId: created.body.conversation_id };
}

export type { TestUser };

export const messageText = (i: number) => `benchmark message ${i} — ${'lorem ipsum '.repeat(4)}`;

/** Runs `task` `total` times with at most `concurrency` in flight; returns per-second rate. */
export async function ratePerSecond(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** Raw multi-row INSERTs into `messages`, the floor any send path is compared with. */
export async function rawInsertRowsPerSecond(
  database: FreshDatabase,
  conversationId: number,
  senderId: number,
  rows: number,
  batch = 500,
): Promise<number> {
  const conn = await createConnection(connectionConfig(database.address));
  try {
    const started = performance.now();
    for (let done = 0; done < rows; done += batch) {
      const n = Math.min(batch, rows - done);
      const values: unknown[] = [];
      for (let i = 0; i < n; i++) {
        values.push(
          conversationId,
          senderId,
          'text',
          messageText(done + i),
          randomUUID(),
          1,
          'sent',
        );
      }
      await conn.query(
        `INSERT INTO messages (conversation_id, sender_id, message_type, content, client_msg_id, change_epoch, status) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        values,
      );
    }
    return rows / ((performance.now() - started) / 1000);
  } finally {
    await conn.end();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export type BenchResults = Record<string, number>;
