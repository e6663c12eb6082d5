// A real HAProxy in front of server instances, as docs/deploy.md runs it: HTTP mode,
// least connections, WebSocket tunnels, health checks on /healthz, redispatch on a failed
// connect. Everything listens on 127.0.0.1; its admin socket is a UNIX socket in a temp
// directory of its own, so no statistics are served on a port.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './clients.ts';
import { freePort } from './process-server.ts';

export interface BalancedServer {
  /** `s0`, `s1`, … in the order the backends were given. */
  name: string;
  /** The instance's own base URL. */
  url: string;
  /** `UP`, `DOWN`, `UP 1/2` (going down), `DOWN 1/2` (going up), `MAINT`, … */
  status: string;
  /** Streams HAProxy holds to it now: requests in flight and open WebSocket tunnels. */
  liveSessions: number;
}

export interface Balancer {
  readonly url: string;
  /** The servers as HAProxy sees them now, read from its admin socket. */
  servers(): Promise<BalancedServer[]>;
  stop(): Promise<void>;
}

export interface BalancerOptions {
  /** How often a server's /healthz is asked (ms); a failing server is asked every
   * `checkMs / 2` until it is marked down. */
  checkMs?: number;
}

const HAPROXY_PATHS = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'];

function haproxyBinary(): string {
  return HAPROXY_PATHS.find((path) => existsSync(path)) ?? 'haproxy';
}

function backendAddress(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1') throw new Error(`backend ${url} is not on 127.0.0.1`);
  return `127.0.0.1:${parsed.port}`;
}

export function haproxyConfig(options: {
  port: number;
  backends: readonly string[];
  adminSocket: string;
  checkMs: number;
}): string {
  const { checkMs } = options;
  const fastMs = Math.max(50, Math.floor(checkMs / 2));
  return [
    'global',
    '  maxconn 4096',
    `  stats socket ${options.adminSocket} mode 600 level user`,
    '  stats timeout 5s',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    // A WebSocket, once upgraded, is a tunnel: idle for as long as its keep-alive allows.
    '  timeout tunnel 1h',
    '  timeout client-fin 5s',
    '  timeout http-request 10s',
    '  timeout http-keep-alive 10s',
    '  timeout queue 5s',
    '  timeout check 1s',
    // A connect refused by a dead instance is tried again, on another server each time.
    '  retries 3',
    '  option redispatch 1',
    '  option forwardfor',
    '',
    'frontend chat',
    `  bind 127.0.0.1:${options.port}`,
    '  default_backend instances',
    '',
    'backend instances',
    // WebSockets live long: count them, rather than take turns per connection.
    '  balance leastconn',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    `  default-server check inter ${checkMs} fastinter ${fastMs} downinter ${checkMs} fall 2 rise 2`,
    ...options.backends.map((url, i) => `  server s${i} ${backendAddress(url)}`),
    '',
  ].join('\n');
}

/** One command on the admin socket; HAProxy answers and closes. */
function askAdminSocket(path: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5_000, () => socket.destroy(new Error(`admin socket: ${command} timed out`)));
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.once('error', reject);
    socket.once('end', () => resolve(answer));
    socket.once('connect', () => socket.write(`${command}\n`));
  });
}

/** `show stat` is CSV with a `# `-prefixed header line. */
function parseServerStats(csv: string, backends: readonly string[]): BalancedServer[] {
  const [header = '', ...rows] = csv.split('\n').filter((line) => line.trim() !== '');
  const columns = header.replace(/^# /, '').split(',');
  const column = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`show stat has no ${name} column`);
    return index;
  };
  const proxy = column('pxname');
  const server = column('svname');
  const sessions = column('scur');
  const status = column('status');
  const byName = new Map<string, BalancedServer>();
  for (const row of rows) {
    const fields = row.split(',');
    const name = fields[server] ?? '';
    const index = /^s(\d+)$/.exec(name)?.[1];
    if (fields[proxy] !== 'instances' || index === undefined) continue;
    byName.set(name, {
      name,
      url: backends[Number(index)] ?? '',
      status: fields[status] ?? '',
      liveSessions: Number(fields[sessions] ?? 0),
    });
  }
  return backends.map(
    (url, i) => byName.get(`s${i}`) ?? { name: `s${i}`, url, status: '?', liveSessions: 0 },
  );
}

class StartFailure extends Error {}

/** Starts HAProxy in the foreground in front of these instances and waits until it
 * answers and sees every one of them up. */
export async function startBalancer(
  backends: readonly string[],
  options: BalancerOptions = {},
): Promise<Balancer> {
  // The free port is only free when probed: another process may take it before HAProxy
  // binds, and HAProxy then exits at once. Try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchBalancer(backends, options.checkMs ?? 200);
    } catch (error) {
      if (!(error instanceof StartFailure) || attempt >= 3) throw error;
    }
  }
}

async function launchBalancer(backends: readonly string[], checkMs: number): Promise<Balancer> {
  const dir = await mkdtemp(join(tmpdir(), 'timenest-haproxy-'));
  const adminSocket = join(dir, 'admin.sock');
  const configPath = join(dir, 'haproxy.cfg');
  const port = await freePort();
  await writeFile(configPath, haproxyConfig({ port, backends, adminSocket, checkMs }));
  const child: ChildProcess = spawn(haproxyBinary(), ['-f', configPath, '-db'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (errors.length < 16_000) errors += chunk;
  });
  let hasExited = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      resolve();
    });
    child.once('error', (error) => {
      errors += String(error);
      hasExited = true;
      resolve();
    });
  });

  const url = `http://127.0.0.1:${port}`;
  const servers = async () =>
    parseServerStats(await askAdminSocket(adminSocket, 'show stat'), backends);
  const stop = async () => {
    if (!hasExited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      async () => {
        if (hasExited) throw new StartFailure(`haproxy exited during start:\n${errors}`);
        const seen = await servers().catch(() => null);
        if (!seen?.every((s) => s.status === 'UP')) return false;
        return fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `haproxy on ${port} with every backend up` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, servers, stop };
}
