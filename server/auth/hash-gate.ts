// Password hashing is the most expensive thing a stranger can ask for (scrypt at
// OWASP's cost is 128 MiB and a core for a few hundred ms). A few run at once; others
// wait in line while the expected wait stays short; past that the server says it is
// busy instead of piling up memory and making every sign-in slow.
import { AppError } from '../errors.ts';

/** Signing in to an account that exists goes before creating new ones, and sign-ups
 * never hold the last slot: a flood of sign-ups must not make the owners wait behind it. */
export type HashPriority = 'sign-in' | 'sign-up';

export interface HashGate {
  run<T>(work: () => Promise<T>, priority: HashPriority): Promise<T>;
}

export function createHashGate(
  concurrency: number,
  maxWaitMs: number,
  now: () => number = performance.now.bind(performance),
): HashGate {
  const running = { 'sign-in': 0, 'sign-up': 0 };
  const slots = { 'sign-in': concurrency, 'sign-up': Math.max(1, concurrency - 1) };
  const waiting = { 'sign-in': [] as (() => void)[], 'sign-up': [] as (() => void)[] };
  const total = () => running['sign-in'] + running['sign-up'];
  const hasRoom = (priority: HashPriority) =>
    total() < concurrency && (priority === 'sign-in' || running['sign-up'] < slots['sign-up']);
  // A moving average of one hash's duration; it learns the real cost from the first.
  let averageMs = 10;
  const startNext = () => {
    for (const priority of ['sign-in', 'sign-up'] as const) {
      const next = waiting[priority][0];
      if (next && hasRoom(priority)) {
        waiting[priority].shift();
        running[priority]++;
        next();
        return;
      }
    }
  };
  return {
    async run(work, priority) {
      if (hasRoom(priority)) running[priority]++;
      else {
        const ahead =
          priority === 'sign-in'
            ? waiting['sign-in'].length
            : waiting['sign-in'].length + waiting['sign-up'].length;
        const expectedWaitMs = ((ahead + 1) / slots[priority]) * averageMs;
        if (expectedWaitMs > maxWaitMs) {
          throw new AppError('UNAVAILABLE', 'the server is busy; try again', undefined, 1);
        }
        await new Promise<void>((resolve) => waiting[priority].push(resolve));
      }
      const startedAt = now();
      try {
        return await work();
      } finally {
        averageMs = 0.8 * averageMs + 0.2 * (now() - startedAt);
        running[priority]--;
        startNext();
      }
    },
  };
}
