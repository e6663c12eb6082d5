// The desktop shell's configuration, parsed once at start. index.ts hands in process.env
// and the server URL baked in at build time (the renderer was built with the same one,
// so the CSP and the renderer always agree on where the server is).
import { z } from 'zod';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';

const httpUrl = z.url({ protocol: /^https?$/ });

const envSchema = z.object({
  /** Set by `electron-vite dev`: the renderer comes from this dev server instead of app://. */
  ELECTRON_RENDERER_URL: httpUrl.optional(),
  /** Keeps test runs and parallel instances apart (and their single-instance locks). */
  TIMENEST_USER_DATA_DIR: z.string().min(1).optional(),
  /** A generic update feed; without it the updater stays off. */
  TIMENEST_UPDATE_URL: z.url({ protocol: /^https$/ }).optional(),
});

export interface DesktopConfig {
  serverUrl: string;
  rendererDevUrl: string | null;
  userDataDir: string | null;
  updateUrl: string | null;
}

export class DesktopConfigError extends Error {}

export function parseDesktopConfig(
  env: Record<string, string | undefined>,
  builtInServerUrl: string | undefined,
): DesktopConfig {
  const problems: string[] = [];
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) {
    for (const issue of parsedEnv.error.issues)
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const serverUrl = httpUrl.safeParse(builtInServerUrl || DEFAULT_SERVER_URL);
  if (!serverUrl.success) problems.push('SERVER_URL (at build time): must be an http(s) URL');
  if (!parsedEnv.success || !serverUrl.success) {
    throw new DesktopConfigError(`Invalid desktop configuration:\n${problems.join('\n')}`);
  }
  return {
    serverUrl: serverUrl.data,
    rendererDevUrl: parsedEnv.data.ELECTRON_RENDERER_URL ?? null,
    userDataDir: parsedEnv.data.TIMENEST_USER_DATA_DIR ?? null,
    updateUrl: parsedEnv.data.TIMENEST_UPDATE_URL ?? null,
  };
}
