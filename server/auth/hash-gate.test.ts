import { describe, expect, it } from 'vitest';
import { createHashGate } from './hash-gate.ts';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createHashGate', () => {
  it('runs at most `concurrency` at once, the rest in order', async () => {
    const gate = createHashGate(2, 60_000);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gate.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await later(5);
          order.push(i);
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toHaveLength(6);
  });

  it('when the expected wait is too long, says it is busy (UNAVAILABLE, retry in 1 s) at once', async () => {
    const gate = createHashGate(1, 50);
    // Teach it that a hash takes ~30 ms.
    for (let i = 0; i < 5; i++) await gate.run(() => later(30));
    const slow = Array.from({ length: 3 }, () => gate.run(() => later(30)));
    await expect(gate.run(() => later(30))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryAfterSeconds: 1,
    });
    await Promise.all(slow);
  });
});
