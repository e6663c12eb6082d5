// Runs the built main bundle (out/main/index.js, what electron-builder packages) in a
// child Node process with Electron stubbed (built-main/run.mjs), and answers what the
// main process did with the environment it was started in.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { REPO_ROOT } from './builder-config.ts';

export const BUILT_MAIN = join(REPO_ROOT, 'out/main/index.js');
const RUNNER = fileURLToPath(new URL('./built-main/run.mjs', import.meta.url));
const MARKER = '@@built-main ';
const TIMEOUT_MS = 30_000;

const reportSchema = z.object({
  calls: z.array(z.object({ path: z.string(), args: z.array(z.unknown()) })),
  contentSecurityPolicy: z.string().nullable(),
  logged: z.array(z.string()),
  failure: z.string().nullable(),
});

export type BuiltMainRun = z.infer<typeof reportSchema>;

export interface BuiltMainOptions {
  /** What Electron's app.isPackaged answers: true for an installed app. */
  isPackaged: boolean;
  /** What process.platform answers inside the bundle; its platform branches follow it. */
  platform: NodeJS.Platform;
  env: Record<string, string>;
}

export function runBuiltMain(options: BuiltMainOptions): Promise<BuiltMainRun> {
  if (!existsSync(BUILT_MAIN)) {
    throw new Error('out/main/index.js is missing: run `npm run build:desktop` first');
  }
  // Only what the test sets, so nothing of the caller's own environment leaks in.
  const env = {
    PATH: process.env.PATH ?? '',
    ...options.env,
    BUILT_MAIN_IS_PACKAGED: String(options.isPackaged),
    BUILT_MAIN_PLATFORM: options.platform,
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [RUNNER, BUILT_MAIN],
      { env, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((text) => text.startsWith(MARKER));
        if (line === undefined) {
          reject(
            new Error(`the built main process printed no report: ${error?.message}\n${stderr}`),
          );
          return;
        }
        resolve(reportSchema.parse(JSON.parse(line.slice(MARKER.length))));
      },
    );
  });
}

/** Every string the main process handed to Electron or electron-updater, however deep. */
export function stringsPassed(run: BuiltMainRun): string[] {
  const strings: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const call of run.calls) visit(call.args);
  return strings;
}

export function callsTo(run: BuiltMainRun, path: string): unknown[][] {
  return run.calls.filter((call) => call.path === path).map((call) => call.args);
}
