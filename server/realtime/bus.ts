// The poke bus (DESIGN §3.9): "something changed for these users". In-process by default;
// over Redis pub/sub when REDIS_URL is set, so a change made through one server instance
// pokes devices connected to another. Pokes carry no data: receivers pull.
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export type PokeListener = () => void;

export interface PokeBus {
  publish(userIds: Iterable<number>): void;
  subscribe(userId: number, listener: PokeListener): () => void;
  close(): Promise<void>;
}

function createLocalFanout() {
  const listeners = new Map<number, Set<PokeListener>>();
  return {
    deliver(userIds: Iterable<number>) {
      for (const id of userIds) {
        for (const listener of listeners.get(id) ?? []) listener();
      }
    },
    subscribe(userId: number, listener: PokeListener) {
      const set = listeners.get(userId) ?? new Set<PokeListener>();
      listeners.set(userId, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(userId);
      };
    },
  };
}

export function createInProcessBus(): PokeBus {
  const fanout = createLocalFanout();
  return {
    publish: (userIds) => fanout.deliver([...userIds]),
    subscribe: fanout.subscribe,
    close: async () => {},
  };
}

/** `channel` is per database (`timenest:pokes:<database>`): instances that share a
 * database share pokes, and unrelated deployments on one Redis stay apart. */
export async function createRedisBus(url: string, channel: string, log: Logger): Promise<PokeBus> {
  const fanout = createLocalFanout();
  const publisher = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  const subscriber = new Redis(url, { lazyConnect: true });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  subscriber.on('message', (from: string, payload: string) => {
    if (from !== channel) return;
    try {
      const ids = JSON.parse(payload) as unknown;
      if (Array.isArray(ids))
        fanout.deliver(ids.filter((id): id is number => Number.isInteger(id)));
    } catch {
      log.warn('ignored a malformed poke on the bus');
    }
  });
  await subscriber.subscribe(channel);
  return {
    publish(userIds) {
      publisher.publish(channel, JSON.stringify([...userIds])).catch((err: unknown) => {
        log.error({ err }, 'could not publish a poke');
      });
    },
    subscribe: fanout.subscribe,
    async close() {
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
