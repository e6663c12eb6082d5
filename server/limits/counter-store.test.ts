import { describe, expect, it } from 'vitest';
import { createMemoryCounterStore } from './counter-store.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createMemoryCounterStore', () => {
  it('counts within a window and starts afresh when it has passed', async () => {
    const time = clock();
    const store = createMemoryCounterStore({ now: time.now });
    expect(await store.add('a', 1, 1000)).toEqual({ count: 1, remainingMs: 1000 });
    time.advance(400);
    expect(await store.add('a', 2, 1000)).toEqual({ count: 3, remainingMs: 600 });
    time.advance(600);
    expect(await store.read('a')).toEqual({ count: 0, remainingMs: 0 });
    expect(await store.add('a', 1, 1000)).toEqual({ count: 1, remainingMs: 1000 });
  });

  it('subtracts never below zero and never revives a missing key', async () => {
    const store = createMemoryCounterStore({ now: clock().now });
    await store.add('a', 1, 1000);
    await store.subtract('a', 5);
    expect((await store.read('a')).count).toBe(0);
    await store.subtract('never', 1);
    expect(await store.read('never')).toEqual({ count: 0, remainingMs: 0 });
  });

  it('under a spray of keys memory stays bounded, and a key at its limit is never evicted', async () => {
    const store = createMemoryCounterStore({ maxKeys: 100, protectAtOrAbove: 3, now: clock().now });
    await store.add('locked', 3, 60_000);
    for (let i = 0; i < 10_000; i++) await store.add(`spray-${i}`, 1, 60_000);
    expect((await store.read('locked')).count).toBe(3);
    let live = 0;
    for (let i = 0; i < 10_000; i++) if ((await store.read(`spray-${i}`)).count > 0) live++;
    expect(live).toBeLessThanOrEqual(100);
  });
});
