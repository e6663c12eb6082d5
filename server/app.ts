// Builds and starts one server instance: migrations, database client, poke bus, HTTP.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAttachments } from './attachments/attachments.ts';
import { createDiskBlobStore } from './attachments/blob-store.ts';
import { createS3BlobStore } from './attachments/s3-blob-store.ts';
import { createHashGate } from './auth/hash-gate.ts';
import type { ServerConfig } from './config.ts';
import { parseDatabaseUrl } from './db/connection.ts';
import { ensureDatabase, migrate } from './db/migrator.ts';
import { createDatabaseClients } from './db/prisma.ts';
import { createHttpServer, type HttpServer } from './http/server.ts';
import { createAddressResolver } from './limits/client-address.ts';
import { createMemoryLimiter, createRedisLimiter } from './limits/limiter.ts';
import {
  guardNewConversations,
  limitRules,
  type RateLimits,
  refundConversation,
} from './limits/policies.ts';
import { createStreamSlots } from './limits/stream-slots.ts';
import { createLogger, type Logger } from './logger.ts';
import { attachPresence } from './presence/presence-server.ts';
import { createInProcessBus, createRedisBus } from './realtime/bus.ts';
import {
  createInProcessOnlineRegistry,
  createRedisOnlineRegistry,
  introduceMembers,
  introducePartners,
} from './realtime/online.ts';
import { startScheduledDelivery } from './scheduled/delivery.ts';
import type { Services } from './services.ts';
import { publishChanges } from './sync/apply.ts';
import { createSyncClock } from './sync/clock.ts';
import type { SyncContext } from './sync/context.ts';
import { openConversation } from './sync/ops/create-conversation.ts';
import { createParticipants } from './sync/participants.ts';
import { createSendQueue } from './sync/send-queue.ts';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  http: HttpServer;
  close: () => Promise<void>;
}

export async function startServer(
  config: ServerConfig & { DATABASE_URL: string },
  log: Logger = createLogger(config.LOG_LEVEL),
): Promise<RunningServer> {
  const address = parseDatabaseUrl(config.DATABASE_URL);
  await ensureDatabase(address);
  await migrate(address, log);
  const clients = createDatabaseClients(address, config.DB_POOL_SIZE);
  const { db, sql } = clients;
  const bus = config.REDIS_URL
    ? await createRedisBus(config.REDIS_URL, `timenest:events:${address.database}`, log)
    : createInProcessBus();
  const clock = await createSyncClock(address, sql, log);
  const [autoinc] = await sql.rows<{ mode: number }>('SELECT @@innodb_autoinc_lock_mode AS mode');
  const online = config.REDIS_URL
    ? await createRedisOnlineRegistry(
        config.REDIS_URL,
        `timenest:online:${address.database}`,
        db,
        bus,
        log,
        config.ONLINE_LEASE_MS,
      )
    : createInProcessOnlineRegistry(db, bus, log);
  // Shared by every instance of this deployment (per database, like the bus).
  const limiter = config.REDIS_URL
    ? await createRedisLimiter(config.REDIS_URL, `timenest:limits:${address.database}`, log)
    : createMemoryLimiter();
  const limits: RateLimits = { limiter, rules: limitRules(config) };
  const context: SyncContext = {
    sql,
    log,
    participants: createParticipants(sql),
    hasConsecutiveInsertIds: (autoinc?.mode ?? 2) < 2,
  };
  // One object, so a hook a test sets on `services.sync` is seen by the send queue too.
  const sync = Object.assign(context, {
    clock,
    bus,
    sends: createSendQueue(context),
    onConversationCreated: (a: number, b: number) =>
      void introducePartners(online, bus, a, b).catch((err: unknown) =>
        log.warn({ err }, 'could not introduce new partners'),
      ),
    onMembersJoined: (joined: readonly number[], others: readonly number[]) =>
      void introduceMembers(online, bus, joined, others).catch((err: unknown) =>
        log.warn({ err }, 'could not introduce new group members'),
      ),
    onScheduledSoon: () => scheduled.wake(),
  });
  // Every instance delivers scheduled messages; their claims keep them from sending one
  // twice.
  const scheduled = startScheduledDelivery(sync);
  const attachmentsDir = join(config.ATTACHMENTS_DIR, address.database);
  const attachments = createAttachments(
    { db, sql, config },
    attachmentsDir,
    log,
    config.S3_BUCKET
      ? createS3BlobStore({
          bucket: config.S3_BUCKET,
          prefix: `${address.database}/`,
          client: {
            region: config.S3_REGION,
            forcePathStyle: config.S3_FORCE_PATH_STYLE,
            ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
          },
        })
      : createDiskBlobStore(join(attachmentsDir, 'blobs')),
  );
  sync.releaseUpload = attachments.release;
  const services: Services = {
    attachments,
    config,
    db,
    log,
    bus,
    online,
    auth: {
      db,
      sessionTtlDays: config.SESSION_TTL_DAYS,
      sessionIdleDays: config.SESSION_IDLE_DAYS,
      maxSessionsPerUser: config.MAX_SESSIONS_PER_USER,
      scryptCost: config.SCRYPT_COST,
      limits,
      // Two hashes at a time (two cores); more wait while the line is under 5 s.
      hashing: createHashGate(2, 5_000),
    },
    sql,
    sync,
    addresses: createAddressResolver(config.TRUSTED_PROXIES),
    limits,
    // A device holds one live stream; a few spare for tabs taking over as leader.
    streamSlots: createStreamSlots(config.MAX_SESSIONS_PER_USER * 2),
    async openConversation(callerId, key, clientAddress) {
      let charged = false;
      const admitNew = async () => {
        if (clientAddress === null) return;
        await guardNewConversations(limits, callerId, clientAddress, 1);
        charged = true;
      };
      const refund = async () => {
        if (charged && clientAddress !== null) {
          await refundConversation(limits, callerId, clientAddress);
        }
      };
      const opened = await openConversation(services.sync, callerId, key, admitNew).catch(
        async (error: unknown) => {
          await refund();
          throw error;
        },
      );
      // Another request created it first.
      if (!opened.created) await refund();
      await publishChanges(bus, opened.publications);
      if (opened.created) sync.onConversationCreated(callerId, key.otherUserId);
      return opened;
    },
  };
  const http = createHttpServer(services);
  const presence = attachPresence(http, services);
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.PORT, config.HOST, () => resolve());
  });
  await db.$queryRaw`SELECT 1`;
  http.setReady(true);
  const port = (http.server.address() as AddressInfo).port;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  log.info({ port, host: config.HOST, redis: Boolean(config.REDIS_URL) }, 'server listening');
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    services,
    http,
    close() {
      closing ??= (async () => {
        http.setReady(false);
        if (config.DRAIN_DELAY_MS > 0) {
          log.info({ ms: config.DRAIN_DELAY_MS }, 'draining: unready, still serving');
          await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_MS));
        }
        presence.close();
        await scheduled.stop();
        attachments.close();
        await http.drain();
        await online.close();
        await bus.close();
        await limiter.close();
        await clock.close();
        await clients.close();
        log.info('server stopped');
      })();
      return closing;
    },
  };
}
