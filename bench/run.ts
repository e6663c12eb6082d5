// `npm run bench`: runs every benchmark, prints one table, writes bench/results/latest.json.
// BENCH_ONLY=counted,send,push,groups,... picks some; BENCH_SCALE scales the amount of work.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { benchAttachments } from './attachments.ts';
import { benchCounted } from './counted.ts';
import { benchGroupFanout } from './group-fanout.ts';
import { benchPushIngest } from './push-ingest.ts';
import { benchRealtime } from './realtime.ts';
import { benchReconcile } from './reconcile.ts';
import { benchReconcileBrowser } from './reconcile-browser.ts';
import { benchSendPaths } from './send-paths.ts';
import type { BenchResults } from './support.ts';
import { benchUi } from './ui.ts';

type Bench = (scale: number) => Promise<BenchResults>;

const BENCHES: Record<string, Bench> = {
  counted: benchCounted,
  send: benchSendPaths,
  push: benchPushIngest,
  reconcile: benchReconcileBrowser,
  'reconcile-node': benchReconcile,
  realtime: benchRealtime,
  ui: benchUi,
  attachments: benchAttachments,
  groups: benchGroupFanout,
};

async function main() {
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  const results: BenchResults = {};
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (only && !only.includes(name)) continue;
    process.stdout.write(`running ${name}…\n`);
    try {
      Object.assign(results, await bench(scale));
    } catch (error) {
      process.stderr.write(`bench ${name} failed: ${explainError(error)}\n`);
      process.exitCode = 1;
    }
  }
  const out = new URL('./results/latest.json', import.meta.url);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  const previous = await readFile(out, 'utf8').then(
    (t) => JSON.parse(t) as BenchResults,
    () => ({}),
  );
  const merged = { ...previous, ...results };
  await writeFile(out, `${JSON.stringify({ ...merged, measured_at: undefined }, null, 2)}\n`);
  const rows = Object.entries(results).map(([key, value]) => ({
    metric: key,
    value: Number.isInteger(value) ? value : Number(value.toFixed(2)),
  }));
  console.table(rows);
  process.stdout.write(`wrote ${out.pathname}\n`);
  process.exit();
}

/** The stack, and the causes under it (a failed fetch says why only in its cause). */
function explainError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause === undefined
    ? String(error.stack)
    : `${error.stack}\ncaused by: ${explainError(error.cause)}`;
}

void main();
