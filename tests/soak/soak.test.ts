// [§3][§4][§7] A bounded soak in CI (`npm run soak` runs the long one): a thousand
// clients with their sync and presence sockets, messages at a steady rate, some clients
// signing in again all along. Every message arrives once, nothing errs, and after
// warm-up the server's memory and open files stay flat.
import { expect, test } from 'vitest';
import { runSoak, soakProblems } from './soak.ts';

test('1,000 clients at 50 msg/s with reconnects: every message once, no errors, memory and open files flat after warm-up', async () => {
  const report = await runSoak({
    clients: 1000,
    messagesPerSecond: 50,
    warmUpSeconds: 30,
    seconds: 90,
    churnPercent: 5,
    sampleEverySeconds: 10,
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    progress: (line) => process.stderr.write(`  soak: ${line}\n`),
  });

  expect(soakProblems(report)).toEqual([]);
  expect(report.sent).toBeGreaterThanOrEqual(50 * 110);
  expect(report.reconnects).toBeGreaterThan(100);
}, 360_000);
