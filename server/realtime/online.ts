// Who is online: a user with at least one live sync subscription (any device, any
// instance). Transitions are announced on the bus to the user's conversation partners.
// In-process by default; with Redis, each instance keeps a sorted-set entry per online
// user whose score is an expiry it refreshes, so a crashed instance's users fall offline
// within the lease instead of staying online forever.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Db } from '../db/prisma.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from './bus.ts';

export interface OnlineRegistry {
  /** Counts one live connection of the user; call the returned function when it ends. */
  connect(userId: number): Promise<() => Promise<void>>;
  /** Which of these users are online now. */
  onlineAmong(userIds: number[]): Promise<Set<number>>;
  close(): Promise<void>;
}

export async function partnersOf(db: Db, userId: number): Promise<number[]> {
  const rows = await db.$queryRaw<{ partner: number }[]>`
    SELECT DISTINCT IF(user1_id = ${userId}, user2_id, user1_id) AS partner
    FROM conversations WHERE user1_id = ${userId} OR user2_id = ${userId}`;
  return rows.map((r) => r.partner);
}

interface Store {
  /** Marks the user online on this instance; true when nobody saw them online before. */
  add(userId: number): Promise<boolean>;
  /** Marks the user offline on this instance; true when they are now offline everywhere. */
  remove(userId: number): Promise<boolean>;
  onlineAmong(userIds: number[]): Promise<Set<number>>;
  close(): Promise<void>;
}

function createRegistry(store: Store, db: Db, bus: EventBus, log: Logger): OnlineRegistry {
  const local = new Map<number, number>();
  const inFlight = new Set<Promise<unknown>>();
  // Once closing, connections that end (the server is stopping) touch neither the store
  // nor the database: the database client may already be gone.
  let isClosed = false;
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  };
  const announce = (userId: number, online: boolean) =>
    partnersOf(db, userId).then(
      (partners) => bus.publish(partners, { kind: 'presence', userId, online }),
      (err: unknown) => log.warn({ err }, 'could not announce presence'),
    );
  return {
    async connect(userId) {
      const count = (local.get(userId) ?? 0) + 1;
      local.set(userId, count);
      if (count === 1 && !isClosed) {
        await track(
          (async () => {
            if (await store.add(userId)) await announce(userId, true);
          })(),
        );
      }
      let ended = false;
      return async () => {
        if (ended) return;
        ended = true;
        const left = (local.get(userId) ?? 1) - 1;
        if (left > 0) {
          local.set(userId, left);
          return;
        }
        local.delete(userId);
        if (isClosed) return;
        await track(
          (async () => {
            if (await store.remove(userId)) await announce(userId, false);
          })(),
        );
      };
    },
    onlineAmong: (userIds) => store.onlineAmong(userIds),
    async close() {
      isClosed = true;
      await Promise.allSettled([...inFlight]);
      await store.close();
    },
  };
}

export function createInProcessOnlineRegistry(db: Db, bus: EventBus, log: Logger): OnlineRegistry {
  const online = new Set<number>();
  return createRegistry(
    {
      add: async (userId) => !online.has(userId) && Boolean(online.add(userId)),
      remove: async (userId) => online.delete(userId),
      onlineAmong: async (userIds) => new Set(userIds.filter((id) => online.has(id))),
      close: async () => {},
    },
    db,
    bus,
    log,
  );
}

const LEASE_MS = 90_000;
const REFRESH_MS = 30_000;

export async function createRedisOnlineRegistry(
  url: string,
  prefix: string,
  db: Db,
  bus: EventBus,
  log: Logger,
): Promise<OnlineRegistry> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect();
  const instance = randomUUID();
  const mine = new Set<number>();
  const key = (userId: number) => `${prefix}:${userId}`;
  const live = async (userId: number) => redis.zcount(key(userId), Date.now(), '+inf');
  const refresh = setInterval(() => {
    const pipeline = redis.pipeline();
    for (const userId of mine) {
      pipeline.zadd(key(userId), Date.now() + LEASE_MS, instance).pexpire(key(userId), LEASE_MS);
    }
    pipeline.exec().catch((err: unknown) => log.warn({ err }, 'could not refresh presence leases'));
  }, REFRESH_MS);
  refresh.unref();
  return createRegistry(
    {
      async add(userId) {
        mine.add(userId);
        const before = await live(userId);
        await redis.zadd(key(userId), Date.now() + LEASE_MS, instance);
        await redis.pexpire(key(userId), LEASE_MS);
        return before === 0;
      },
      async remove(userId) {
        mine.delete(userId);
        await redis.zrem(key(userId), instance);
        return (await live(userId)) === 0;
      },
      async onlineAmong(userIds) {
        if (userIds.length === 0) return new Set();
        const pipeline = redis.pipeline();
        for (const id of userIds) pipeline.zcount(key(id), Date.now(), '+inf');
        const counts = (await pipeline.exec()) ?? [];
        return new Set(userIds.filter((_, i) => Number(counts[i]?.[1] ?? 0) > 0));
      },
      async close() {
        clearInterval(refresh);
        const pipeline = redis.pipeline();
        for (const userId of mine) pipeline.zrem(key(userId), instance);
        await pipeline.exec().catch(() => undefined);
        await redis.quit().catch(() => undefined);
      },
    },
    db,
    bus,
    log,
  );
}

/** A new conversation makes two users partners: tell each whether the other is online. */
export async function introducePartners(
  online: OnlineRegistry,
  bus: EventBus,
  a: number,
  b: number,
): Promise<void> {
  const present = await online.onlineAmong([a, b]);
  if (present.has(a)) await bus.publish([b], { kind: 'presence', userId: a, online: true });
  if (present.has(b)) await bus.publish([a], { kind: 'presence', userId: b, online: true });
}
