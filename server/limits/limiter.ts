// Fixed-window rate limits over a counter store. A rule names a budget (`max` in
// `windowMs`); keys say whose budget (an account, an address). Refused work is not
// counted, so a client that waits its Retry-After gets through.
import type { Logger } from '../logger.ts';
import { type CounterStore, createMemoryCounterStore } from './counter-store.ts';
import { createRedisCounterStore } from './redis-counter-store.ts';

export interface LimitRule {
  name: string;
  max: number;
  windowMs: number;
}

export interface Limiter {
  /** Whole seconds until `key` is under the rule again, or 0 when it is now. */
  retryAfter(rule: LimitRule, key: string): Promise<number>;
  /** Counts `cost` when it fits and answers 0; otherwise counts nothing and answers the
   * seconds to wait. */
  take(rule: LimitRule, key: string, cost?: number): Promise<number>;
  /** Counts `cost` whether or not it fits; answers the new count. */
  count(rule: LimitRule, key: string, cost?: number): Promise<number>;
  refund(rule: LimitRule, key: string, cost?: number): Promise<void>;
  clear(rule: LimitRule, key: string): Promise<void>;
  close(): Promise<void>;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function limiterOver(storeFor: (rule: LimitRule) => CounterStore, close: () => Promise<void>) {
  const limiter: Limiter = {
    async retryAfter(rule, key) {
      const { count, remainingMs } = await storeFor(rule).read(key);
      return count >= rule.max ? seconds(remainingMs) : 0;
    },
    async take(rule, key, cost = 1) {
      const store = storeFor(rule);
      const { count, remainingMs } = await store.add(key, cost, rule.windowMs);
      if (count <= rule.max) return 0;
      await store.subtract(key, cost);
      return seconds(remainingMs);
    },
    async count(rule, key, cost = 1) {
      return (await storeFor(rule).add(key, cost, rule.windowMs)).count;
    },
    refund: (rule, key, cost = 1) => storeFor(rule).subtract(key, cost),
    clear: (rule, key) => storeFor(rule).remove(key),
    close,
  };
  return limiter;
}

/** One store per rule, so eviction under a spray of keys knows that rule's limit. */
export function createMemoryLimiter(now?: () => number): Limiter {
  const stores = new Map<string, CounterStore>();
  const storeFor = (rule: LimitRule) => {
    let store = stores.get(rule.name);
    if (!store) {
      store = createMemoryCounterStore({ protectAtOrAbove: rule.max, ...(now ? { now } : {}) });
      stores.set(rule.name, store);
    }
    return store;
  };
  return limiterOver(storeFor, async () => {
    for (const store of stores.values()) await store.close();
  });
}

/** When Redis does not answer, limits let requests through (and say so in the log):
 * a store outage must not sign everyone out of reach. */
export async function createRedisLimiter(
  url: string,
  prefix: string,
  log: Logger,
): Promise<Limiter> {
  const store = await createRedisCounterStore(url, prefix, log);
  const open = { count: 0, remainingMs: 0 };
  const failOpen = <T>(work: Promise<T>, fallback: T): Promise<T> =>
    work.catch((err: unknown) => {
      log.warn({ err }, 'rate-limit store unavailable; request let through');
      return fallback;
    });
  const prefixed = (rule: LimitRule): CounterStore => ({
    add: (key, by, windowMs) => failOpen(store.add(`${rule.name}:${key}`, by, windowMs), open),
    read: (key) => failOpen(store.read(`${rule.name}:${key}`), open),
    subtract: (key, by) => failOpen(store.subtract(`${rule.name}:${key}`, by), undefined),
    remove: (key) => failOpen(store.remove(`${rule.name}:${key}`), undefined),
    close: async () => {},
  });
  return limiterOver(prefixed, () => store.close());
}
