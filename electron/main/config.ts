// The desktop shell's configuration, parsed once at start. index.ts hands in process.env,
// whether the app is packaged, and the server URL baked in at build time (the renderer
// was built with the same one, so the CSP and the renderer always agree on where the
// server is).
import { z } from 'zod';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';

const httpUrl = z.url({ protocol: /^https?$/ });

const envSchema = z.object({
  /** Set by `electron-vite dev`: the renderer comes from this dev server instead of app://. */
  ELECTRON_RENDERER_URL: httpUrl.optional(),
  /** Keeps test runs and parallel instances apart (and their single-instance locks). */
  TIMENEST_USER_DATA_DIR: z.string().min(1).optional(),
});

/**
 * Switches for development and tests that an installed app ignores. Whoever can start the
 * installed app with a variable set must not be able to change what it trusts:
 * - ELECTRON_RENDERER_URL would make another origin the app's own: it would pass the IPC
 *   sender check, be granted notifications and get a CSP with 'unsafe-inline'.
 * - TIMENEST_USER_DATA_DIR is not harmless either: the profile holds the unencrypted
 *   local message database and the V8 code cache of the app's pages, so it could start
 *   the app on a profile prepared elsewhere, or leave the messages in a folder others
 *   can read. Only the end-to-end test needs it, and that runs the unpackaged build.
 */
export const DEV_ONLY_VARIABLES = ['ELECTRON_RENDERER_URL', 'TIMENEST_USER_DATA_DIR'] as const;
export type DevOnlyVariable = (typeof DEV_ONLY_VARIABLES)[number];

export interface DesktopConfig {
  serverUrl: string;
  rendererDevUrl: string | null;
  userDataDir: string | null;
}

export interface DesktopConfigInput {
  env: Record<string, string | undefined>;
  builtInServerUrl: string | undefined;
  /** Electron's app.isPackaged: true for an installed app. */
  isPackaged: boolean;
}

export interface ParsedDesktopConfig {
  config: DesktopConfig;
  /** Development switches that were set but ignored because the app is packaged. */
  ignored: DevOnlyVariable[];
}

export class DesktopConfigError extends Error {}

/** The environment the configuration may read: without the development switches in a
 * packaged app, which are not even validated there (they have no effect). */
export function honouredEnvironment(
  env: Record<string, string | undefined>,
  isPackaged: boolean,
): { env: Record<string, string | undefined>; ignored: DevOnlyVariable[] } {
  if (!isPackaged) return { env, ignored: [] };
  const ignored = DEV_ONLY_VARIABLES.filter((name) => env[name] !== undefined);
  const honoured = Object.fromEntries(
    Object.entries(env).filter(([name]) => !DEV_ONLY_VARIABLES.some((devOnly) => devOnly === name)),
  );
  return { env: honoured, ignored };
}

export function parseDesktopConfig(input: DesktopConfigInput): ParsedDesktopConfig {
  const { env, ignored } = honouredEnvironment(input.env, input.isPackaged);
  const problems: string[] = [];
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) {
    for (const issue of parsedEnv.error.issues)
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const serverUrl = httpUrl.safeParse(input.builtInServerUrl || DEFAULT_SERVER_URL);
  if (!serverUrl.success) problems.push('SERVER_URL (at build time): must be an http(s) URL');
  if (!parsedEnv.success || !serverUrl.success) {
    throw new DesktopConfigError(`Invalid desktop configuration:\n${problems.join('\n')}`);
  }
  return {
    config: {
      serverUrl: serverUrl.data,
      rendererDevUrl: parsedEnv.data.ELECTRON_RENDERER_URL ?? null,
      userDataDir: parsedEnv.data.TIMENEST_USER_DATA_DIR ?? null,
    },
    ignored,
  };
}

/** The one line an installed app logs when it was started with development switches. */
export function ignoredSwitchesNotice(ignored: readonly DevOnlyVariable[]): string | null {
  if (ignored.length === 0) return null;
  return `Ignored ${ignored.join(', ')}: development switches have no effect in an installed app.`;
}
