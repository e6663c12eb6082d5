// One loop of work the engine runs against the server (pushing, pulling): it runs while
// someone asks for it, one run at a time; a failed run waits out a backoff before the
// next, and asking again during the wait does not cut it short (only `reset` does).
// Replicache's connection loop has the same shape.
import { type BackoffPolicy, backoffDelay } from './backoff.ts';

export type TimerHandle = unknown;

export interface WorkerDeps {
  /** Whether work may start now (the engine is running, the session is valid…). */
  canRun: () => boolean;
  setTimer: (callback: () => void, ms: number) => TimerHandle;
  clearTimer: (handle: TimerHandle) => void;
  random: () => number;
  backoff: BackoffPolicy;
  /** Busy or idle changed, or a run ended. */
  onChange: () => void;
  /** A run threw instead of answering. */
  onCrash: (error: unknown) => void;
}

export interface Worker {
  request(): void;
  /** Forget the backoff (the network came back, or the user asked). */
  reset(): void;
  isBusy(): boolean;
  /** Nothing running, and nothing that could start now. */
  isIdle(): boolean;
  /** Resolves when the current run (if any) and any run it leads to are over. */
  settled(): Promise<void>;
}

export function createWorker(work: () => Promise<'done' | 'failed'>, deps: WorkerDeps): Worker {
  let isWanted = false;
  let loop: Promise<void> | null = null;
  let timer: TimerHandle | null = null;
  let attempt = 0;
  let isBusy = false;
  const canRun = () => deps.canRun() && timer === null;

  const run = async () => {
    while (isWanted && canRun()) {
      isWanted = false;
      isBusy = true;
      deps.onChange();
      let outcome: 'done' | 'failed';
      try {
        outcome = await work();
      } catch (error) {
        deps.onCrash(error);
        outcome = 'failed';
      }
      isBusy = false;
      if (outcome === 'done') {
        attempt = 0;
        continue;
      }
      if (deps.canRun()) {
        timer = deps.setTimer(
          () => {
            timer = null;
            worker.request();
          },
          backoffDelay(attempt++, deps.random, deps.backoff),
        );
      }
      isWanted = false;
    }
    deps.onChange();
  };

  const worker: Worker = {
    request() {
      isWanted = true;
      if (loop || !canRun()) return;
      loop = run().finally(() => {
        loop = null;
        if (isWanted && canRun()) worker.request();
      });
    },
    reset() {
      if (timer !== null) deps.clearTimer(timer);
      timer = null;
      attempt = 0;
    },
    isBusy: () => isBusy,
    isIdle: () => !loop && !(isWanted && canRun()),
    async settled() {
      while (loop) await loop;
    },
  };
  return worker;
}
