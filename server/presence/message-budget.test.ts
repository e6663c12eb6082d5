import { describe, expect, it } from 'vitest';
import { createMessageBudget } from './message-budget.ts';

describe('message budget', () => {
  it('allows a burst, refuses the next message, and refills with time', () => {
    let now = 0;
    const budget = createMessageBudget({ perSecond: 10, burst: 3 }, () => now);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now += 100;
    expect([budget.take(), budget.take()]).toEqual([true, false]);
    now += 60_000;
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
