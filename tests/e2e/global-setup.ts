// Before the browser tests: the real server over a fresh database (its own process), a
// production build of the web app, and `vite preview` serving it with the API proxied to
// that server. The URLs reach the specs through the environment; the returned function
// stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// A path, not a URL's pathname, which on Windows would read /D:/a/...
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

async function firstJsonLine(child: ChildProcess, what: string): Promise<{ url: string }> {
  if (!child.stdout) throw new Error(`${what}: no stdout`);
  const lines = createInterface({ input: child.stdout });
  const exit = once(child, 'exit').then(([code]) => {
    throw new Error(`${what} exited with ${code} before it was ready`);
  });
  const ready = (async () => {
    for await (const line of lines) {
      if (line.startsWith('{')) return JSON.parse(line) as { url: string };
    }
    throw new Error(`${what} closed its output before it was ready`);
  })();
  return Promise.race([ready, exit]);
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed with ${code}`);
}

async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Passes a child's stderr through, each line marked with where it came from. */
function labelStderr(child: ChildProcess, label: string): void {
  if (!child.stderr) return;
  createInterface({ input: child.stderr }).on('line', (line) =>
    process.stderr.write(`[${label}] ${line}\n`),
  );
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = once(child, 'exit').then(() => {});
  child.kill('SIGTERM');
  return exited;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/e2e/support/serve-for-e2e.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, TEST_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const children: ChildProcess[] = [server];
  try {
    const { url: serverUrl } = await firstJsonLine(server, 'the e2e server');
    const webPort = await freePort();
    const env = { ...process.env, SERVER_URL: serverUrl, WEB_PORT: String(webPort) };
    if (process.env.E2E_SKIP_BUILD !== '1') {
      await run(
        process.execPath,
        [
          'node_modules/vite/bin/vite.js',
          'build',
          '--config',
          'renderer/vite.config.ts',
          '--logLevel',
          'warn',
        ],
        env,
      );
    }
    const preview = spawn(
      process.execPath,
      [
        'node_modules/vite/bin/vite.js',
        'preview',
        '--config',
        'renderer/vite.config.ts',
        '--port',
        String(webPort),
        '--strictPort',
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    labelStderr(preview, 'web preview');
    children.push(preview);
    const webUrl = `http://127.0.0.1:${webPort}`;
    await waitForHttp(`${webUrl}/`);
    await waitForHttp(`${webUrl}/healthz`);
    process.env.TIMENEST_E2E_SERVER_URL = serverUrl;
    process.env.TIMENEST_E2E_WEB_URL = webUrl;
  } catch (error) {
    await Promise.all(children.map(stopped));
    throw error;
  }
  return async () => {
    await Promise.all(children.reverse().map(stopped));
  };
}
