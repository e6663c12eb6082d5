import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { createMemoryLimiter } from './limiter.ts';
import { limitRules, loginAttempt, type RateLimits } from './policies.ts';

function limitsWith(env: Record<string, string>): RateLimits {
  return { limiter: createMemoryLimiter(), rules: limitRules(parseConfig(env)) };
}

async function fail(limits: RateLimits, email: string, address: string) {
  const attempt = loginAttempt(limits, email, address);
  await attempt.begin();
  await attempt.failed();
}

describe('loginAttempt', () => {
  it("past the account's ceiling each failure doubles the wait, capped at a minute", async () => {
    const limits = limitsWith({ LOGIN_MAX_PER_ACCOUNT: '3', LOGIN_MAX_PER_IP: '1000' });
    for (let i = 0; i < 3; i++) await fail(limits, 'a@x', `10.0.0.${i}`);
    await fail(limits, 'a@x', '10.0.1.1');
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      waits.push(await limits.limiter.retryAfter(limits.rules.loginDelay, 'a@x'));
      // What a guesser does once the wait is over: try again, and fail.
      await limits.limiter.clear(limits.rules.loginDelay, 'a@x');
      await fail(limits, 'a@x', `10.0.2.${i}`);
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('an attempt refused for waiting counts nothing', async () => {
    const limits = limitsWith({ LOGIN_MAX_PER_ACCOUNT_ADDRESS: '1' });
    await fail(limits, 'a@x', '10.0.0.1');
    await expect(loginAttempt(limits, 'a@x', '10.0.0.1').begin()).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(await limits.limiter.count(limits.rules.loginAddress, '10.0.0.1', 0)).toBe(1);
  });

  it('our own failure (aborted) takes the attempt back everywhere', async () => {
    const limits = limitsWith({});
    const attempt = loginAttempt(limits, 'a@x', '10.0.0.1');
    await attempt.begin();
    await attempt.aborted();
    for (const [rule, key] of [
      [limits.rules.loginPair, 'a@x|10.0.0.1'],
      [limits.rules.loginAddress, '10.0.0.1'],
      [limits.rules.loginAccount, 'a@x'],
    ] as const) {
      expect(await limits.limiter.count(rule, key, 0)).toBe(0);
    }
  });
});
