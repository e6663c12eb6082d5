import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createRateLimiter', () => {
  it('lets a key fail up to the limit, then makes it wait', () => {
    const time = clock();
    const limiter = createRateLimiter(3, 60, time.now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a')).toBe(0);
      limiter.recordFailure('a');
    }
    expect(limiter.retryAfter('a')).toBe(60);
  });

  it('counts the wait down in whole seconds, rounding up, and never answers 0 while limited', () => {
    const time = clock();
    const limiter = createRateLimiter(1, 60, time.now);
    limiter.recordFailure('a');
    time.advance(30_500);
    expect(limiter.retryAfter('a')).toBe(30);
    time.advance(29_499);
    expect(limiter.retryAfter('a')).toBe(1);
  });

  it('opens again when the window has passed, with a fresh count', () => {
    const time = clock();
    const limiter = createRateLimiter(2, 10, time.now);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfter('a')).toBeGreaterThan(0);
    time.advance(10_000);
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.retryAfter('a')).toBe(0);
  });

  it('keeps keys apart', () => {
    const limiter = createRateLimiter(1, 60, clock().now);
    limiter.recordFailure('account:a@x');
    expect(limiter.retryAfter('account:a@x')).toBeGreaterThan(0);
    expect(limiter.retryAfter('account:b@x')).toBe(0);
  });

  it('reset clears a key at once', () => {
    const limiter = createRateLimiter(1, 60, clock().now);
    limiter.recordFailure('a');
    limiter.reset('a');
    expect(limiter.retryAfter('a')).toBe(0);
  });

  it('forgive takes back one failure, and never goes below none', () => {
    const limiter = createRateLimiter(2, 60, clock().now);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfter('a')).toBeGreaterThan(0);
    limiter.forgive('a');
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.forgive('a');
    limiter.forgive('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.forgive('never-seen');
    expect(limiter.retryAfter('never-seen')).toBe(0);
  });

  it('failures while limited do not stretch the window', () => {
    const time = clock();
    const limiter = createRateLimiter(1, 60, time.now);
    limiter.recordFailure('a');
    time.advance(59_000);
    limiter.recordFailure('a');
    time.advance(1_000);
    expect(limiter.retryAfter('a')).toBe(0);
  });
});
