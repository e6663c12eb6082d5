// The poke bus (DESIGN §3.9): "something changed for these users", and "this partner came
// online / went offline". In-process by default; over Redis pub/sub when REDIS_URL is
// set, so a change made through one server instance reaches devices connected to another.
// Events carry no chat data: receivers pull.
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger.ts';

/** `originSessionId`: the device session whose push made the change. It has the
 * result already, so its own stream is not poked (its other devices are). */
export type BusEvent =
  | { kind: 'change'; originSessionId?: number }
  | { kind: 'presence'; userId: number; online: boolean };
export type BusListener = (event: BusEvent) => void;

export interface PokeBus {
  publish(userIds: Iterable<number>, event?: BusEvent): void;
  subscribe(userId: number, listener: BusListener): () => void;
  close(): Promise<void>;
}

const CHANGE: BusEvent = { kind: 'change' };

const wireSchema = z.object({
  to: z.array(z.number().int()),
  event: z.union([
    z.object({ kind: z.literal('change'), originSessionId: z.number().int().optional() }),
    z.object({ kind: z.literal('presence'), userId: z.number().int(), online: z.boolean() }),
  ]),
});

function createLocalFanout() {
  const listeners = new Map<number, Set<BusListener>>();
  return {
    deliver(userIds: Iterable<number>, event: BusEvent) {
      for (const id of userIds) {
        for (const listener of listeners.get(id) ?? []) listener(event);
      }
    },
    subscribe(userId: number, listener: BusListener) {
      const set = listeners.get(userId) ?? new Set<BusListener>();
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
    publish: (userIds, event = CHANGE) => fanout.deliver([...userIds], event),
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
      const { to, event } = wireSchema.parse(JSON.parse(payload));
      fanout.deliver(to, event);
    } catch {
      log.warn('ignored a malformed event on the bus');
    }
  });
  await subscriber.subscribe(channel);
  return {
    publish(userIds, event = CHANGE) {
      publisher
        .publish(channel, JSON.stringify({ to: [...userIds], event }))
        .catch((err: unknown) => log.error({ err }, 'could not publish on the bus'));
    },
    subscribe: fanout.subscribe,
    async close() {
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
