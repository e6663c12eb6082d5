// The limiter over a real Redis: two instances share every count.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createRedisLimiter, type Limiter } from './limiter.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const opened: Limiter[] = [];
afterAll(async () => {
  for (const limiter of opened) await limiter.close();
});

async function twoInstances() {
  const prefix = `timenest:test-limits:${randomUUID()}`;
  const log = createLogger('silent');
  const a = await createRedisLimiter(REDIS_URL, prefix, log);
  const b = await createRedisLimiter(REDIS_URL, prefix, log);
  opened.push(a, b);
  return [a, b] as const;
}

describe('createRedisLimiter', () => {
  const rule = { name: 'test', max: 3, windowMs: 60_000 };

  it('instances share one budget, and a refusal counts nothing', async () => {
    const [a, b] = await twoInstances();
    expect(await a.take(rule, 'k')).toBe(0);
    expect(await b.take(rule, 'k')).toBe(0);
    expect(await a.take(rule, 'k')).toBe(0);
    const wait = await b.take(rule, 'k');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await a.retryAfter(rule, 'k')).toBeGreaterThan(0);
    await b.refund(rule, 'k');
    expect(await a.take(rule, 'k')).toBe(0);
  });

  it('concurrent takes never let more through than the budget', async () => {
    const [a, b] = await twoInstances();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take(rule, 'burst')),
    );
    expect(results.filter((wait) => wait === 0)).toHaveLength(rule.max);
  });

  it('refunds never go below zero and clear forgets the key', async () => {
    const [a] = await twoInstances();
    await a.refund(rule, 'never');
    expect(await a.count(rule, 'never', 0)).toBe(0);
    await a.count(rule, 'c', 3);
    await a.clear(rule, 'c');
    expect(await a.retryAfter(rule, 'c')).toBe(0);
  });
});
