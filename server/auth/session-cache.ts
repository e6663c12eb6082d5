// A WebSocket carries one token for its whole life. For the sync calls, which come many
// a second, its session is looked up once and then again only when the last answer is
// older than `maxAgeMs` or past the session's expiry; a sign-out anywhere ends it at once
// (the bus tells every instance, see `invalidate`). Other calls look it up every time.
import type { SessionIdentity } from './accounts.ts';

export interface SessionCache {
  get(): Promise<SessionIdentity | null>;
  /** The session ended: the next call looks it up again. */
  invalidate(): void;
}

export function cachedSession(
  resolve: () => Promise<SessionIdentity | null>,
  maxAgeMs: number,
  now: () => number = Date.now,
): SessionCache {
  let answer: Promise<SessionIdentity | null> | null = null;
  let askedAt = 0;
  let expiresAt = Number.POSITIVE_INFINITY;
  return {
    get() {
      const t = now();
      if (!answer || t - askedAt >= maxAgeMs || t >= expiresAt) {
        askedAt = t;
        expiresAt = Number.POSITIVE_INFINITY;
        const asking = resolve();
        answer = asking;
        asking.then(
          (identity) => {
            if (answer === asking && identity) expiresAt = identity.expiresAt;
          },
          // A failed lookup is not remembered: the next call asks again.
          () => {
            if (answer === asking) answer = null;
          },
        );
      }
      return answer;
    },
    invalidate() {
      answer = null;
    },
  };
}
