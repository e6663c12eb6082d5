// The event bus (DESIGN §3.11): the rows that changed for some users, and "this partner
// came online / went offline". In-process by default; over Redis pub/sub when REDIS_URL
// is set, so a change made through one instance reaches devices connected to another.
// Pub/sub loses what is published while a subscriber is reconnecting: when the Redis
// subscriber comes back, every local listener is told to catch up (DESIGN §3.4).
import { Redis } from 'ioredis';
import { z } from 'zod';
import { type ChangeSet, changeSetSchema } from '../../shared/sync/protocol.ts';
import type { Logger } from '../logger.ts';

/** `originSessionId`: the device session whose push made the change. It has the rows in
 * its push answer, so its own stream skips them (its other devices do not). */
export type BusEvent =
  | { kind: 'changes'; changes: ChangeSet; originSessionId?: number }
  | { kind: 'presence'; userId: number; online: boolean }
  /** Events for these users may have been lost: their devices should pull. */
  | { kind: 'catchUp'; originSessionId?: number }
  /** A device signed out: what it has open ends now. */
  | { kind: 'sessionEnded'; sessionId: number };
export type BusListener = (event: BusEvent) => void;

export interface EventBus {
  /** Resolves once the bus has the event (Redis acknowledged it); never rejects. */
  publish(userIds: Iterable<number>, event: BusEvent): Promise<void>;
  subscribe(userId: number, listener: BusListener): () => void;
  close(): Promise<void>;
}

const recipientsSchema = z.object({ to: z.array(z.number().int()) });

const wireSchema = z.object({
  to: z.array(z.number().int()),
  event: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('changes'),
      changes: changeSetSchema,
      originSessionId: z.number().int().optional(),
    }),
    z.object({ kind: z.literal('presence'), userId: z.number().int(), online: z.boolean() }),
    z.object({ kind: z.literal('catchUp'), originSessionId: z.number().int().optional() }),
    z.object({ kind: z.literal('sessionEnded'), sessionId: z.number().int() }),
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
    deliverToAll(event: BusEvent) {
      for (const set of listeners.values()) for (const listener of set) listener(event);
    },
    isListening(userId: number): boolean {
      return listeners.has(userId);
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

export function createInProcessBus(): EventBus {
  const fanout = createLocalFanout();
  return {
    async publish(userIds, event) {
      fanout.deliver([...userIds], event);
    },
    subscribe: fanout.subscribe,
    close: async () => {},
  };
}

/** `channel` is per database (`timenest:events:<database>`): instances that share a
 * database share events, and unrelated deployments on one Redis stay apart. */
export async function createRedisBus(url: string, channel: string, log: Logger): Promise<EventBus> {
  const fanout = createLocalFanout();
  const publisher = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  // Named, so an operator (or a test) can find and cut this instance's subscriber.
  const subscriber = new Redis(url, { lazyConnect: true, connectionName: `${channel}:subscriber` });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  subscriber.on('message', (from: string, payload: string) => {
    if (from !== channel) return;
    let parsed: z.infer<typeof wireSchema>;
    try {
      const wire: unknown = JSON.parse(payload);
      // Every instance hears every event: only those for users listening here are
      // validated in full.
      const { to } = recipientsSchema.parse(wire);
      if (!to.some((id) => fanout.isListening(id))) return;
      parsed = wireSchema.parse(wire);
    } catch {
      log.warn('ignored a malformed event on the bus');
      return;
    }
    fanout.deliver(parsed.to, parsed.event);
  });
  let wasDisconnected = false;
  subscriber.on('close', () => {
    wasDisconnected = true;
  });
  subscriber.on('ready', () => {
    if (!wasDisconnected) return;
    wasDisconnected = false;
    // Subscribed again (the reply proves it) before anyone is told to catch up, so
    // nothing published after the catch-up's pull can be lost as well.
    subscriber.subscribe(channel).then(
      () => {
        log.info('bus subscriber reconnected; local streams catch up');
        fanout.deliverToAll({ kind: 'catchUp' });
      },
      (err: unknown) => log.warn({ err }, 'could not resubscribe to the bus'),
    );
  });
  subscriber.on('error', (err: unknown) => log.warn({ err }, 'bus subscriber error'));
  publisher.on('error', (err: unknown) => log.warn({ err }, 'bus publisher error'));
  await subscriber.subscribe(channel);
  return {
    async publish(userIds, event) {
      try {
        await publisher.publish(channel, JSON.stringify({ to: [...userIds], event }));
      } catch (err) {
        // The change is committed; devices that miss the event catch up by their cursor.
        log.error({ err }, 'could not publish on the bus');
      }
    },
    subscribe: fanout.subscribe,
    async close() {
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
