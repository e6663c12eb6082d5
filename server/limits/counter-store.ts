// Counters with an expiry, the state behind every rate limit. In memory for one
// instance; in Redis (redis-counter-store.ts) when instances must share it.
export interface CounterStore {
  /** Adds `by` to the key's count, starting a window of `windowMs` when the key is new
   * or its window has passed; answers the count and the time left in the window. */
  add(key: string, by: number, windowMs: number): Promise<{ count: number; remainingMs: number }>;
  /** The key's count and the time left, or a count of 0 when it has none. */
  read(key: string): Promise<{ count: number; remainingMs: number }>;
  /** Takes `by` back from a live key (never below 0); a missing key stays missing. */
  subtract(key: string, by: number): Promise<void>;
  remove(key: string): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  count: number;
  endsAt: number;
}

/** `maxKeys` bounds memory under a spray of keys: expired windows go first, then the
 * keys closest to their window's end. A key over its limit is never dropped before its
 * window ends (its limit decides that), so eviction cannot unlock anyone. */
export function createMemoryCounterStore(
  options: { maxKeys?: number; now?: () => number; protectAtOrAbove?: number } = {},
): CounterStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  const protect = options.protectAtOrAbove ?? 2;
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | null => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.endsAt > now()) return entry;
    entries.delete(key);
    return null;
  };

  const makeRoom = () => {
    if (entries.size < maxKeys) return;
    const t = now();
    for (const [key, entry] of entries) if (entry.endsAt <= t) entries.delete(key);
    if (entries.size < maxKeys) return;
    // Single attempts are what a spray is made of; counts that could be a lock stay.
    for (const [key, entry] of entries) {
      if (entry.count < protect) entries.delete(key);
      if (entries.size < maxKeys * 0.9) return;
    }
  };

  const answer = (entry: Entry | null) =>
    entry
      ? { count: entry.count, remainingMs: Math.max(0, entry.endsAt - now()) }
      : { count: 0, remainingMs: 0 };

  return {
    async add(key, by, windowMs) {
      const entry = live(key);
      if (entry) {
        entry.count += by;
        return answer(entry);
      }
      makeRoom();
      const fresh = { count: by, endsAt: now() + windowMs };
      entries.set(key, fresh);
      return answer(fresh);
    },
    async read(key) {
      return answer(live(key));
    },
    async subtract(key, by) {
      const entry = live(key);
      if (entry) entry.count = Math.max(0, entry.count - by);
    },
    async remove(key) {
      entries.delete(key);
    },
    async close() {
      entries.clear();
    },
  };
}
