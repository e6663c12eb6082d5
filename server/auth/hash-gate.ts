// Password hashing is the most expensive thing a stranger can ask for (scrypt at
// OWASP's cost is 128 MiB and a core for a few hundred ms). A few run at once; others
// wait in line while the expected wait stays short; past that the server says it is
// busy instead of piling up memory and making every sign-in slow.
import { AppError } from '../errors.ts';

/** Signing in to an account that exists goes before creating new ones: a flood of
 * sign-ups must not make the owners wait behind it. */
export type HashPriority = 'sign-in' | 'sign-up';

export interface HashGate {
  run<T>(work: () => Promise<T>, priority: HashPriority): Promise<T>;
}

export function createHashGate(
  concurrency: number,
  maxWaitMs: number,
  now: () => number = performance.now.bind(performance),
): HashGate {
  let running = 0;
  const waiting = { 'sign-in': [] as (() => void)[], 'sign-up': [] as (() => void)[] };
  const queued = () => waiting['sign-in'].length + waiting['sign-up'].length;
  // A moving average of one hash's duration; it learns the real cost from the first.
  let averageMs = 10;
  const release = () => {
    running--;
    const next = waiting['sign-in'].shift() ?? waiting['sign-up'].shift();
    if (next) {
      running++;
      next();
    }
  };
  return {
    async run(work, priority) {
      if (running >= concurrency) {
        const ahead = priority === 'sign-in' ? waiting['sign-in'].length : queued();
        const expectedWaitMs = ((ahead + 1) / concurrency) * averageMs;
        if (expectedWaitMs > maxWaitMs) {
          throw new AppError('UNAVAILABLE', 'the server is busy; try again', undefined, 1);
        }
        await new Promise<void>((resolve) => waiting[priority].push(resolve));
      } else running++;
      const startedAt = now();
      try {
        return await work();
      } finally {
        averageMs = 0.8 * averageMs + 0.2 * (now() - startedAt);
        release();
      }
    },
  };
}
