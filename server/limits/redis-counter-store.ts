// The counter store in Redis: every instance behind the balancer sees the same counts,
// and Redis expires windows by itself. Each change is one round trip (a script), so two
// instances counting the same key at once cannot lose an increment.
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { CounterStore } from './counter-store.ts';

// KEYS[1] key, ARGV[1] by, ARGV[2] window ms → { count, pttl }
const ADD = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return { count, ttl }`;

// Never below zero, and never brings back a key that expired meanwhile.
const SUBTRACT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count <= 0 then return 0 end
local next = math.max(0, count - tonumber(ARGV[1]))
redis.call('SET', KEYS[1], next, 'KEEPTTL')
return next`;

export async function createRedisCounterStore(
  url: string,
  prefix: string,
  log: Logger,
): Promise<CounterStore> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', (err: unknown) => log.warn({ err }, 'rate-limit store error'));
  await redis.connect();
  const k = (key: string) => `${prefix}:${key}`;
  const pair = (value: unknown): { count: number; remainingMs: number } => {
    const [count, ttl] = Array.isArray(value) ? value : [0, 0];
    return { count: Number(count) || 0, remainingMs: Math.max(0, Number(ttl) || 0) };
  };
  return {
    async add(key, by, windowMs) {
      return pair(await redis.eval(ADD, 1, k(key), by, windowMs));
    },
    async read(key) {
      const [count, ttl] = await redis
        .pipeline()
        .get(k(key))
        .pttl(k(key))
        .exec()
        .then((results) => (results ?? []).map(([, value]) => value));
      return pair([count ?? 0, ttl]);
    },
    async subtract(key, by) {
      await redis.eval(SUBTRACT, 1, k(key), by);
    },
    async remove(key) {
      await redis.del(k(key));
    },
    async close() {
      await redis.quit().catch(() => undefined);
    },
  };
}
