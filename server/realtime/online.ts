// Who is online: a user with at least one live sync subscription (any device, any
// instance). Transitions are announced on the bus to the user's conversation partners.
// In-process by default; with Redis, each instance keeps a sorted-set entry per online
// user whose score is an expiry it renews, and a heartbeat of its own: when an instance
// crashes, its users fall offline within the lease, and a surviving instance announces it.
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

/** Everyone the user shares a conversation with now: they hear when the user comes and
 * goes. */
export async function partnersOf(db: Db, userId: number): Promise<number[]> {
  const rows = await db.$queryRaw<{ partner: number }[]>`
    SELECT DISTINCT o.user_id AS partner
      FROM conversation_members me
      JOIN conversation_members o ON o.conversation_id = me.conversation_id
           AND o.user_id <> me.user_id AND o.left_at IS NULL
     WHERE me.user_id = ${userId} AND me.left_at IS NULL`;
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

type Announce = (userId: number, online: boolean) => Promise<void>;

function announcer(db: Db, bus: EventBus, log: Logger): Announce {
  return (userId, online) =>
    partnersOf(db, userId)
      .then((partners) => bus.publish(partners, { kind: 'presence', userId, online }))
      .catch((err: unknown) => log.warn({ err }, 'could not announce presence'));
}

function createRegistry(store: Store, announce: Announce): OnlineRegistry {
  const local = new Map<number, number>();
  const inFlight = new Set<Promise<unknown>>();
  // Once closing, connections that end (the server is stopping) touch neither the store
  // nor the database: the database client may already be gone.
  let isClosed = false;
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  };
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
    announcer(db, bus, log),
  );
}

/** The reply of the last command of a pipeline, as a number. */
function lastNumber(replies: [Error | null, unknown][] | null): number {
  const [error, value] = replies?.at(-1) ?? [new Error('no reply'), null];
  if (error) throw error;
  return Number(value);
}

/**
 * Keys, under `prefix`:
 * - `:<userId>`: sorted set of the instances the user is connected to, scored by lease expiry;
 * - `:instances`: sorted set of instances, scored by heartbeat expiry;
 * - `:instance:<id>`: the users connected to an instance, so that when its heartbeat runs
 *   out (it died without a word) a survivor can take them offline.
 * Each change writes first and counts after, in one pipeline (Redis runs its commands in
 * order), so a user connecting to one instance while a survivor sweeps a dead one is
 * announced by exactly one of them.
 */
export async function createRedisOnlineRegistry(
  url: string,
  prefix: string,
  db: Db,
  bus: EventBus,
  log: Logger,
  leaseMs = 90_000,
): Promise<OnlineRegistry> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  redis.on('error', (err: unknown) => log.warn({ err }, 'online registry store error'));
  await redis.connect();
  const instance = randomUUID();
  const mine = new Set<number>();
  const key = (userId: number) => `${prefix}:${userId}`;
  const instancesKey = `${prefix}:instances`;
  const usersOf = (id: string) => `${prefix}:instance:${id}`;
  // Outlives the leases by far, so a survivor still finds it when it sweeps.
  const usersOfTtlMs = leaseMs * 10;
  const announce = announcer(db, bus, log);

  const renew = async () => {
    const until = Date.now() + leaseMs;
    const pipeline = redis.pipeline().zadd(instancesKey, until, instance);
    for (const userId of mine) {
      pipeline.zadd(key(userId), until, instance).pexpire(key(userId), leaseMs);
    }
    await pipeline.pexpire(usersOf(instance), usersOfTtlMs).exec();
  };

  const sweep = async () => {
    const dead = await redis.zrangebyscore(instancesKey, '-inf', Date.now());
    for (const id of dead) {
      // Only the survivor that removes it takes its users offline.
      if (id === instance || (await redis.zrem(instancesKey, id)) === 0) continue;
      const users = (await redis.smembers(usersOf(id))).map(Number);
      for (const userId of users) {
        const replies = await redis
          .pipeline()
          .zrem(key(userId), id)
          .zcount(key(userId), Date.now(), '+inf')
          .exec();
        if (lastNumber(replies) === 0) await announce(userId, false);
      }
      await redis.del(usersOf(id));
      log.info(
        { instance: id, users: users.length },
        'took the users of a silent instance offline',
      );
    }
  };

  let beat: Promise<void> = renew();
  await beat;
  const timer = setInterval(
    () => {
      beat = beat
        .then(renew)
        .then(sweep)
        .catch((err: unknown) => log.warn({ err }, 'could not renew or sweep presence leases'));
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  timer.unref();

  return createRegistry(
    {
      async add(userId) {
        mine.add(userId);
        const replies = await redis
          .pipeline()
          .zadd(key(userId), Date.now() + leaseMs, instance)
          .pexpire(key(userId), leaseMs)
          .sadd(usersOf(instance), userId)
          .pexpire(usersOf(instance), usersOfTtlMs)
          .zcount(key(userId), Date.now(), '+inf')
          .exec();
        return lastNumber(replies) === 1;
      },
      async remove(userId) {
        mine.delete(userId);
        const replies = await redis
          .pipeline()
          .zrem(key(userId), instance)
          .srem(usersOf(instance), userId)
          .zcount(key(userId), Date.now(), '+inf')
          .exec();
        return lastNumber(replies) === 0;
      },
      async onlineAmong(userIds) {
        if (userIds.length === 0) return new Set();
        const pipeline = redis.pipeline();
        for (const id of userIds) pipeline.zcount(key(id), Date.now(), '+inf');
        const counts = (await pipeline.exec()) ?? [];
        return new Set(userIds.filter((_, i) => Number(counts[i]?.[1] ?? 0) > 0));
      },
      async close() {
        clearInterval(timer);
        await beat;
        const pipeline = redis.pipeline();
        for (const userId of mine) pipeline.zrem(key(userId), instance);
        pipeline.del(usersOf(instance)).zrem(instancesKey, instance);
        await pipeline.exec().catch(() => undefined);
        await redis.quit().catch(() => undefined);
      },
    },
    announce,
  );
}

/** A new conversation makes two users partners: tell each whether the other is online. */
export function introducePartners(
  online: OnlineRegistry,
  bus: EventBus,
  a: number,
  b: number,
): Promise<void> {
  return introduceMembers(online, bus, [a], [b]);
}

/** Users who joined a group meet each other and its other members: tell each side who
 * of the other is online. */
export async function introduceMembers(
  online: OnlineRegistry,
  bus: EventBus,
  joined: readonly number[],
  others: readonly number[],
): Promise<void> {
  const everyone = [...new Set([...joined, ...others])];
  const present = await online.onlineAmong(everyone);
  const isNew = new Set(joined);
  await Promise.all(
    [...present].map((userId) =>
      bus.publish(
        (isNew.has(userId) ? everyone : joined).filter((id) => id !== userId),
        { kind: 'presence', userId, online: true },
      ),
    ),
  );
}
