import { describe, expect, test } from 'vitest';
import { manualTimers } from './test-support/device.ts';
import { createWorker, type WorkerDeps } from './worker.ts';

/** A worker whose runs the test finishes by hand, one at a time. */
function scriptedWorker(overrides: Partial<WorkerDeps> = {}) {
  const timers = manualTimers();
  const runs: ((outcome: 'done' | 'failed' | Error) => void)[] = [];
  const crashes: unknown[] = [];
  let canRun = true;
  const worker = createWorker(
    () =>
      new Promise<'done' | 'failed'>((resolve, reject) => {
        runs.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
      }),
    {
      canRun: () => canRun,
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      random: () => 0.5,
      backoff: { baseMs: 1000, maxMs: 8000 },
      onChange: () => {},
      onCrash: (error) => crashes.push(error),
      ...overrides,
    },
  );
  /** Ends the oldest unfinished run and lets the worker react. */
  const finish = async (outcome: 'done' | 'failed' | Error) => {
    const run = runs.shift();
    if (!run) throw new Error('no run is waiting');
    run(outcome);
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return {
    worker,
    timers,
    crashes,
    finish,
    runsWaiting: () => runs.length,
    setCanRun: (value: boolean) => {
      canRun = value;
    },
  };
}

describe('the sync worker loop', () => {
  test('[S3.2] one run at a time: requests during a run make exactly one more run', async () => {
    const { worker, finish, runsWaiting } = scriptedWorker();
    worker.request();
    expect(worker.isBusy()).toBe(true);
    worker.request();
    worker.request();
    expect(runsWaiting()).toBe(1);
    await finish('done');
    expect(runsWaiting()).toBe(1);
    await finish('done');
    expect(runsWaiting()).toBe(0);
    expect(worker.isIdle()).toBe(true);
    await worker.settled();
  });

  test('[S3.10] a failed run waits a jittered backoff; asking again meanwhile does not cut it short', async () => {
    const { worker, timers, finish, runsWaiting } = scriptedWorker();
    worker.request();
    await finish('failed');
    // random 0.5 × base 1000 for the first attempt.
    expect(timers.pending()).toEqual([500]);
    worker.request();
    expect(runsWaiting()).toBe(0);
    timers.fireAll();
    expect(runsWaiting()).toBe(1);
    await finish('failed');
    // The cap doubles with each attempt in a row.
    expect(timers.pending()).toEqual([1000]);
  });

  test('[S3.10] a success resets the backoff; so does reset, which also ends the wait', async () => {
    const { worker, timers, finish, runsWaiting } = scriptedWorker();
    worker.request();
    await finish('failed');
    timers.fireAll();
    await finish('failed');
    expect(timers.pending()).toEqual([1000]);
    worker.reset();
    expect(timers.pending()).toEqual([]);
    worker.request();
    expect(runsWaiting()).toBe(1);
    await finish('done');
    worker.request();
    await finish('failed');
    expect(timers.pending()).toEqual([500]);
  });

  test('[S3.2] a run that throws is reported and backs off like a failure', async () => {
    const { worker, timers, crashes, finish } = scriptedWorker();
    worker.request();
    await finish(new Error('the database closed'));
    expect(crashes).toMatchObject([{ message: 'the database closed' }]);
    expect(timers.pending()).toEqual([500]);
    expect(worker.isBusy()).toBe(false);
  });

  test('[S3.8] nothing runs while it may not; a request made then runs once it may', async () => {
    const { worker, finish, runsWaiting, setCanRun } = scriptedWorker();
    setCanRun(false);
    worker.request();
    expect(runsWaiting()).toBe(0);
    expect(worker.isIdle()).toBe(true);
    setCanRun(true);
    worker.request();
    expect(runsWaiting()).toBe(1);
    await finish('done');
  });

  test('[S3.9] a failure while it may no longer run sets no backoff timer', async () => {
    const { worker, timers, finish, setCanRun } = scriptedWorker();
    worker.request();
    setCanRun(false);
    await finish('failed');
    expect(timers.pending()).toEqual([]);
  });
});
