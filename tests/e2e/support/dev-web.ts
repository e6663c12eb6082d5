// `npm run web` as a developer runs it (the dev server, not the preview the other specs
// use), on a free port against the e2e server, stopped with its whole process group.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverUrl } from './web-app.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm run web exited with ${child.exitCode}`);
    const answer = await fetch(url).catch(() => null);
    if (answer?.ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`npm run web did not answer at ${url}`);
}

export interface DevWeb {
  url: string;
  stop(): Promise<void>;
}

export async function startDevWeb(): Promise<DevWeb> {
  const port = await freePort();
  // Its own pre-bundled dependencies: node_modules may be shared with other checkouts.
  const cacheDir = await mkdtemp(join(tmpdir(), 'timenest-dev-web-'));
  const child = spawn('npm', ['run', 'web', '--', '--logLevel', 'warn'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SERVER_URL: serverUrl(),
      WEB_PORT: String(port),
      WEB_CACHE_DIR: cacheDir,
    },
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = once(child, 'exit');
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    await rm(cacheDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}/`, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
