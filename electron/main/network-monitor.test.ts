import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchNetwork } from './network-monitor.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function watch(states: boolean[]) {
  let online = states.shift() ?? true;
  const changes: boolean[] = [];
  const stop = watchNetwork({
    isOnline: () => online,
    onChange: (value) => changes.push(value),
    intervalMs: 1000,
    setInterval,
    clearInterval,
  });
  const tick = (next: boolean) => {
    online = next;
    vi.advanceTimersByTime(1000);
  };
  return { changes, stop, tick };
}

describe('watchNetwork', () => {
  it('reports going offline and coming back', () => {
    const { changes, tick } = watch([true]);
    tick(false);
    tick(true);
    expect(changes).toEqual([false, true]);
  });

  it('stays quiet while nothing changes', () => {
    const { changes, tick } = watch([true]);
    tick(true);
    tick(true);
    expect(changes).toEqual([]);
  });

  it('does not report the state it started in', () => {
    const { changes, tick } = watch([false]);
    tick(false);
    expect(changes).toEqual([]);
  });

  it('reports nothing after it is stopped', () => {
    const { changes, stop, tick } = watch([true]);
    stop();
    tick(false);
    expect(changes).toEqual([]);
  });
});
