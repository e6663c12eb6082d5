// `npm run soak`: the long soak. The CI one runs two minutes; this one 15 by default.
// SOAK_CLIENTS, SOAK_RATE (messages/s), SOAK_MINUTES and SOAK_CHURN_PERCENT change it.
// Prints a table and writes bench/results/soak.json; exits 1 when the soak did not hold.
import { mkdir, writeFile } from 'node:fs/promises';
import { runSoak, soakProblems } from './soak.ts';

const MiB = 2 ** 20;
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const minutes = setting('SOAK_MINUTES', 15);
const report = await runSoak({
  clients: setting('SOAK_CLIENTS', 1000),
  messagesPerSecond: setting('SOAK_RATE', 50),
  warmUpSeconds: 60,
  seconds: Math.round(minutes * 60),
  churnPercent: setting('SOAK_CHURN_PERCENT', 5),
  sampleEverySeconds: 30,
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  progress: (line) => process.stderr.write(`  soak: ${line}\n`),
});

await mkdir('bench/results', { recursive: true });
await writeFile(
  'bench/results/soak.json',
  `${JSON.stringify({ ...report, measured_at: new Date().toISOString() }, null, 2)}\n`,
);
console.table({
  clients: report.clients,
  sockets: report.sockets,
  'loopback addresses': report.addresses,
  'messages sent': report.sent,
  delivered: report.delivered,
  duplicates: report.duplicates,
  reconnects: report.reconnects,
  errors: report.errors,
  'latency p50 (ms)': Math.round(report.latencyP50Ms),
  'latency p99 (ms)': Math.round(report.latencyP99Ms),
  'live memory after warm-up (MiB)': +(report.liveBaselineBytes / MiB).toFixed(1),
  'live memory growth (MiB)': +(report.liveGrowthBytes / MiB).toFixed(2),
  'open files after warm-up': report.openFilesAtStart,
  'open files at the end': report.openFilesAtEnd,
});
const problems = soakProblems(report);
for (const problem of problems) console.error(`  ${problem}`);
process.exit(problems.length === 0 ? 0 : 1);
