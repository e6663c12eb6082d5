// A real server on a free port over a fresh database, for integration tests.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../server/app.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { TEST_ATTACHMENTS_DIR } from './attachments-dir.ts';
import { type FreshDatabase, freshDatabase } from './database.ts';
import { LOAD_LIMITS } from './limits.ts';

export interface TestServer extends RunningServer {
  database: FreshDatabase;
  /** Stops the server and drops its database. */
  dispose: () => Promise<void>;
}

export interface TestServerOptions {
  label?: string;
  redisUrl?: string;
  /** Reuse a database (a second instance, or a restart); it is then not dropped. */
  database?: FreshDatabase;
  env?: Record<string, string>;
  port?: number;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await freshDatabase(options.label));
  const config = parseConfig({
    ATTACHMENTS_DIR: TEST_ATTACHMENTS_DIR,
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SCRYPT_COST: '1024',
    // Test files run two at a time, some with two servers: stay well under max_connections.
    DB_POOL_SIZE: '8',
    ...LOAD_LIMITS,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  });
  const server = await startServer(
    { ...config, DATABASE_URL: database.url },
    createLogger(config.LOG_LEVEL),
  );
  const ownsDatabase = !options.database;
  return {
    ...server,
    database,
    async dispose() {
      await server.close();
      if (ownsDatabase) {
        await database.drop();
        await rm(join(config.ATTACHMENTS_DIR, database.address.database), {
          recursive: true,
          force: true,
        });
      }
    },
  };
}
