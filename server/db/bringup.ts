// Finds a database for `npm start` when DATABASE_URL is not set: a MariaDB/MySQL on
// 127.0.0.1:3306 (root, no password), else a private instance started from an installed
// mariadbd/mysqld with its data under .data/, else a message saying what to install.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createConnection } from 'mariadb';
import type { Logger } from '../logger.ts';
import { type DatabaseAddress, formatDatabaseUrl } from './connection.ts';

export interface LocalDatabase {
  url: string;
  stop: () => Promise<void>;
}

async function answers(address: Omit<DatabaseAddress, 'database'>): Promise<boolean> {
  try {
    const conn = await createConnection({ ...address, connectTimeout: 2_000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

const BINARY_DIRS = [
  '/usr/sbin',
  '/usr/bin',
  '/usr/local/sbin',
  '/usr/local/bin',
  '/opt/homebrew/bin',
];

function findBinary(names: string[], dirs: readonly string[]): string | null {
  for (const name of names) {
    for (const dir of dirs) {
      const path = `${dir}/${name}`;
      if (existsSync(path)) return path;
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** Where to look; the defaults are what `npm start` uses, tests point them elsewhere. */
export interface BringUpOptions {
  database?: string;
  standardPort?: number;
  /** The private instance lives in `<dataRoot>/mysql`, its socket beside it. */
  dataRoot?: string;
  binaryDirs?: readonly string[];
}

export async function bringUpLocalDatabase(
  log: Logger,
  {
    database = 'timenest',
    standardPort = 3306,
    dataRoot = '.data',
    binaryDirs = BINARY_DIRS,
  }: BringUpOptions = {},
): Promise<LocalDatabase> {
  const standard = { host: '127.0.0.1', port: standardPort, user: 'root', password: '' };
  if (await answers(standard)) {
    return { url: formatDatabaseUrl({ ...standard, database }), stop: async () => {} };
  }
  const server = findBinary(['mariadbd', 'mysqld'], binaryDirs);
  if (!server) {
    throw new Error(
      `No database answers on 127.0.0.1:${standardPort} and no mariadbd/mysqld is installed. ` +
        'Install MariaDB (Debian/Ubuntu: `sudo apt-get install -y mariadb-server`; macOS: `brew install mariadb`) ' +
        'or set DATABASE_URL=mysql://user:password@host:3306/timenest.',
    );
  }
  const dataDir = resolve(dataRoot, 'mysql');
  if (!existsSync(resolve(dataDir, 'mysql'))) {
    mkdirSync(dataDir, { recursive: true });
    const installer = findBinary(['mariadb-install-db', 'mysql_install_db'], binaryDirs);
    if (!installer)
      throw new Error(`found ${server} but no mariadb-install-db to initialise ${dataDir}`);
    log.info({ dataDir }, 'initialising a private database');
    execFileSync(
      installer,
      [
        // The machine's my.cnf may name another user or log path; the private instance
        // is self-contained.
        '--no-defaults',
        `--datadir=${dataDir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        `--user=${process.env.USER ?? 'root'}`,
      ],
      { stdio: 'ignore' },
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    server,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${resolve(dataRoot, 'mysql.sock')}`,
      `--user=${process.env.USER ?? 'root'}`,
    ],
    { stdio: 'ignore' },
  );
  const address = { ...standard, port };
  for (let i = 0; i < 60 && !(await answers(address)); i++) {
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!(await answers(address))) {
    child.kill();
    throw new Error(`the private database in ${dataDir} did not start on port ${port}`);
  }
  log.info({ port, dataDir }, 'started a private database');
  return {
    url: formatDatabaseUrl({ ...address, database }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
