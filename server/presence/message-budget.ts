// A token bucket per socket: a burst of `burst` messages, refilled at `perSecond`. A
// presence client sends a few messages per typing burst and one renewal every 15 s, so a
// socket that runs out is flooding, not typing.

export interface MessageBudget {
  /** Spends one message; false when the budget is exhausted. */
  take: () => boolean;
}

export function createMessageBudget(
  { perSecond, burst }: { perSecond: number; burst: number },
  now: () => number = Date.now,
): MessageBudget {
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
