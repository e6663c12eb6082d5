// Fixed-window counters of failed logins per account and per client address. In-memory:
// with several instances each enforces its own window (documented in the README).
export interface RateLimiter {
  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string): number;
  recordFailure(key: string): void;
  /** Takes back one recorded failure: an attempt counted up front that succeeded. */
  forgive(key: string): void;
  reset(key: string): void;
}

export function createRateLimiter(
  maxFailures: number,
  windowSeconds: number,
  now: () => number = Date.now,
): RateLimiter {
  const windows = new Map<string, { start: number; failures: number }>();
  const windowMs = windowSeconds * 1000;
  const current = (key: string) => {
    const entry = windows.get(key);
    if (entry && now() - entry.start < windowMs) return entry;
    windows.delete(key);
    return null;
  };
  return {
    retryAfter(key) {
      const entry = current(key);
      if (!entry || entry.failures < maxFailures) return 0;
      return Math.max(1, Math.ceil((entry.start + windowMs - now()) / 1000));
    },
    recordFailure(key) {
      const entry = current(key);
      if (entry) entry.failures++;
      else windows.set(key, { start: now(), failures: 1 });
      if (windows.size > 100_000) windows.clear(); // bound memory under a spray of keys
    },
    forgive(key) {
      const entry = current(key);
      if (entry && entry.failures > 0) entry.failures--;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
