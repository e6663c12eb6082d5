// When the jobs of a queue keyed by message (uploads, downloads) may run: a few at a
// time, and one that failed not before its backoff has passed. The caller keeps the
// queue and runs the jobs; this decides which to start and wakes it for the next one.
import { type BackoffPolicy, backoffDelay } from './backoff.ts';

export interface RetrySchedule {
  /** The waiting keys to start now; `again` runs when the soonest held back is due. */
  due(
    waiting: readonly string[],
    running: ReadonlyMap<string, unknown>,
    again: () => void,
  ): string[];
  failed(key: string): void;
  succeeded(key: string): void;
  /** Lets every held-back key go at once (back online). */
  release(): void;
  stop(): void;
}

export function createRetrySchedule(options: {
  maxParallel: number;
  backoff: BackoffPolicy;
  random: () => number;
  now: () => number;
}): RetrySchedule {
  const failures = new Map<string, number>();
  const notBefore = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  return {
    due(waiting, running, again) {
      const at = options.now();
      const start: string[] = [];
      let soonest = Number.POSITIVE_INFINITY;
      for (const key of waiting) {
        if (running.size + start.length >= options.maxParallel) break;
        if (running.has(key)) continue;
        const dueAt = notBefore.get(key) ?? 0;
        if (dueAt > at) soonest = Math.min(soonest, dueAt);
        else start.push(key);
      }
      if (timer === null && soonest < Number.POSITIVE_INFINITY) {
        timer = setTimeout(() => {
          timer = null;
          again();
        }, soonest - at);
      }
      return start;
    },
    failed(key) {
      const attempt = (failures.get(key) ?? 0) + 1;
      failures.set(key, attempt);
      notBefore.set(key, options.now() + backoffDelay(attempt, options.random, options.backoff));
    },
    succeeded(key) {
      failures.delete(key);
      notBefore.delete(key);
    },
    release() {
      notBefore.clear();
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
