// A server in a child process (`tsx server/cli.ts serve`), for tests that need two real
// server processes against one database.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { TEST_ATTACHMENTS_DIR } from './attachments-dir.ts';
import { waitFor } from './clients.ts';
import { LOAD_LIMITS } from './limits.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface ProcessServer {
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

export async function startProcessServer(
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<ProcessServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'server/cli.ts', 'serve'],
    {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        SCRYPT_COST: '1024',
        ATTACHMENTS_DIR: TEST_ATTACHMENTS_DIR,
        ...LOAD_LIMITS,
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  // A test or bench that crashes must not leave its servers running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => {
    exited = true;
    process.off('exit', killOnExit);
  });
  await waitFor(
    async () => {
      if (exited) throw new Error('server process exited during start');
      return fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `server process on ${port}` },
  );
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
