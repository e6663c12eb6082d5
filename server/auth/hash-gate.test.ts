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
        }, 'sign-in'),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toHaveLength(6);
  });

  it('when the expected wait is too long, says it is busy (UNAVAILABLE, retry in 1 s) at once', async () => {
    const gate = createHashGate(1, 50);
    // Teach it that a hash takes ~30 ms.
    for (let i = 0; i < 5; i++) await gate.run(() => later(30), 'sign-up');
    const slow = Array.from({ length: 3 }, () => gate.run(() => later(30), 'sign-up'));
    await expect(gate.run(() => later(30), 'sign-up')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryAfterSeconds: 1,
    });
    await Promise.all(slow);
  });

  it('a sign-in waits only behind other sign-ins, never behind queued sign-ups', async () => {
    const gate = createHashGate(1, 60_000);
    const order: string[] = [];
    const job = (name: string) => async () => {
      await later(10);
      order.push(name);
    };
    const all = [
      gate.run(job('up-1'), 'sign-up'),
      gate.run(job('up-2'), 'sign-up'),
      gate.run(job('up-3'), 'sign-up'),
      gate.run(job('in'), 'sign-in'),
    ];
    await Promise.all(all);
    expect(order).toEqual(['up-1', 'in', 'up-2', 'up-3']);
  });

  it('sign-ups never hold the last slot: a sign-in starts at once during a sign-up flood', async () => {
    const gate = createHashGate(2, 60_000);
    let signUpsRunning = 0;
    let peakSignUps = 0;
    const flood = Array.from({ length: 6 }, () =>
      gate.run(async () => {
        signUpsRunning++;
        peakSignUps = Math.max(peakSignUps, signUpsRunning);
        await later(20);
        signUpsRunning--;
      }, 'sign-up'),
    );
    let startedWith = -1;
    await gate.run(async () => {
      startedWith = signUpsRunning;
    }, 'sign-in');
    expect(startedWith).toBe(1);
    await Promise.all(flood);
    expect(peakSignUps).toBe(1);
  });

  it('with a single slot, sign-ups still run', async () => {
    const gate = createHashGate(1, 60_000);
    await expect(gate.run(async () => 'created', 'sign-up')).resolves.toBe('created');
  });
});
