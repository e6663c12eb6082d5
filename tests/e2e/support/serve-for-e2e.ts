// The real server for the browser end-to-end tests, run as its own process (tsx): a
// fresh MariaDB database with the demo data (services, requests, alice and bob), its URL
// printed as one JSON line. SIGTERM, or the parent closing stdin, stops it and drops the
// database.
import { seedDemoData } from '../../../server/db/seed.ts';
import { startTestServer } from '../../support/server.ts';

function once(action: () => unknown): () => void {
  let hasRun = false;
  return () => {
    if (hasRun) return;
    hasRun = true;
    action();
  };
}

const server = await startTestServer({ label: 'e2e', env: { LOGIN_MAX_PER_ACCOUNT: '100000' } });
await seedDemoData(server.services, server.services.log);
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

const stop = once(() =>
  server.dispose().then(
    () => process.exit(0),
    () => process.exit(1),
  ),
);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
