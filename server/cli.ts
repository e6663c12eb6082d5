// Command line: `serve` (the server), `migrate`, `seed`, and `dev` (what `npm start`
// runs: database, migrations, demo data, server, then the desktop app or the web app, whose
// dev server registers the offline service worker too: see renderer/vite.config.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startServer } from './app.ts';
import { ConfigError, loadConfig, type ServerConfig } from './config.ts';
import { bringUpLocalDatabase } from './db/bringup.ts';
import { parseDatabaseUrl } from './db/connection.ts';
import { ensureDatabase, migrate } from './db/migrator.ts';
import { seedDemoData } from './db/seed.ts';
import { createLogger, type Logger } from './logger.ts';

async function databaseUrl(config: ServerConfig, log: Logger) {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => {} };
  return bringUpLocalDatabase(log);
}

function onShutdown(log: Logger, close: () => Promise<void>) {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

function electronBinaryAvailable(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('electron/package.json');
    return existsSync(join(dirname(pkg), 'path.txt')) && existsSync(join(dirname(pkg), 'dist'));
  } catch {
    return false;
  }
}

function startClient(serverUrl: string, log: Logger) {
  const env = { ...process.env, SERVER_URL: serverUrl, VITE_SERVER_URL: serverUrl };
  if (electronBinaryAvailable()) {
    return spawn('npx', ['electron-vite', 'dev'], { stdio: 'inherit', env });
  }
  const port = process.env.WEB_PORT ?? '5173';
  log.warn('Electron binary not available here: serving the same renderer as a web app instead.');
  // The one line a person starting the app needs.
  console.log(
    `\n  TimeNest Chat web app: http://127.0.0.1:${port}/  (alice@timenest.local / timenest-demo)\n`,
  );
  return spawn(
    'npx',
    [
      'vite',
      '--config',
      'renderer/vite.config.ts',
      '--port',
      port,
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    {
      stdio: 'inherit',
      env,
    },
  );
}

async function main(command: string | undefined) {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  switch (command) {
    case 'serve': {
      if (!config.DATABASE_URL) {
        throw new ConfigError(
          'DATABASE_URL is required for `serve` (use `npm start` for a local setup)',
        );
      }
      const server = await startServer({ ...config, DATABASE_URL: config.DATABASE_URL }, log);
      onShutdown(log, server.close);
      return;
    }
    case 'migrate': {
      const db = await databaseUrl(config, log);
      const address = parseDatabaseUrl(db.url);
      await ensureDatabase(address);
      const report = await migrate(address, log);
      log.info(report, 'migrations done');
      await db.stop();
      return;
    }
    case 'seed':
    case 'dev': {
      const db = await databaseUrl(config, log);
      const server = await startServer({ ...config, DATABASE_URL: db.url }, log);
      await seedDemoData(server.services, log);
      if (command === 'seed') {
        await server.close();
        await db.stop();
        return;
      }
      const client = startClient(server.url, log);
      const stopAll = async () => {
        client.kill('SIGTERM');
        await server.close();
        await db.stop();
      };
      client.on('exit', () => void stopAll().then(() => process.exit(0)));
      onShutdown(log, stopAll);
      return;
    }
    default:
      throw new ConfigError('usage: tsx server/cli.ts serve|migrate|seed|dev');
  }
}

main(process.argv[2]).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // Start-up failures go to the terminal as one line.
  console.error(`timenest: ${message}`);
  process.exit(1);
});
