import { describe, expect, test } from 'vitest';
import { electLeader, type Leadership } from './leader.ts';
import { memoryLocks } from './test-support/locks.ts';

/** A tab asking to lead, with every change of its leadership recorded. */
function tab(locks: ReturnType<typeof memoryLocks> | null, name = 'timenest-sync:db-1') {
  const changes: boolean[] = [];
  const leadership: Leadership = electLeader(locks, name, (isLeader) => changes.push(isLeader));
  return { leadership, changes };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('leader election', () => {
  test('[S3.8] of the tabs of one profile exactly one leads', async () => {
    const locks = memoryLocks();
    const tabs = [tab(locks), tab(locks), tab(locks)];
    await flush();
    expect(tabs.map((t) => t.leadership.isLeader())).toEqual([true, false, false]);
    expect(tabs.map((t) => t.changes)).toEqual([[true], [], []]);
  });

  test('[S3.8] when the leader lets go, the next tab in line takes over', async () => {
    const locks = memoryLocks();
    const first = tab(locks);
    const second = tab(locks);
    const third = tab(locks);
    await first.leadership.release();
    expect(first.changes).toEqual([true, false]);
    expect(second.leadership.isLeader()).toBe(true);
    expect(second.changes).toEqual([true]);
    expect(third.leadership.isLeader()).toBe(false);
  });

  test('[S3.8] a tab that closes while waiting never leads; the one after it does', async () => {
    const locks = memoryLocks();
    const first = tab(locks);
    const second = tab(locks);
    const third = tab(locks);
    await second.leadership.release();
    await first.leadership.release();
    expect(second.changes).toEqual([]);
    expect(third.leadership.isLeader()).toBe(true);
  });

  test('[S3.8] profiles do not wait for each other: each database has a leader of its own', async () => {
    const locks = memoryLocks();
    const a = tab(locks, 'timenest-sync:db-1');
    const b = tab(locks, 'timenest-sync:db-2');
    await flush();
    expect([a.leadership.isLeader(), b.leadership.isLeader()]).toEqual([true, true]);
  });

  test('[S3.8] without a lock manager there are no other tabs: the engine leads', async () => {
    const only = tab(null);
    await flush();
    expect(only.leadership.isLeader()).toBe(true);
    expect(only.changes).toEqual([true]);
  });
});
