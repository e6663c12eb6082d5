// A server restart seen from a subscribed device (DESIGN §3.8): the device reconnects and
// the stopped instance leaves nothing behind.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { createTrpcTransport } from '../../renderer/sync/trpc-transport.ts';
import {
  createUsers,
  restartServer,
  type SyncServer,
  startSyncServer,
  waitFor,
} from './support.ts';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer('restart', { DB_POOL_SIZE: '3' });
});
afterAll(async () => {
  await server?.dispose();
});

const ws = WebSocket as unknown as typeof globalThis.WebSocket;

async function connectionsToDatabase(): Promise<number> {
  const [row] = await server.sql.$queryRaw<{ n: bigint }[]>`
    SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = DATABASE()`;
  return Number(row?.n ?? 0);
}

async function subscribedDevice(token: string) {
  const transport = createTrpcTransport({
    baseUrl: server.url,
    token,
    WebSocket: ws,
    reconnectDelayMs: (attempt) => Math.min(50 * attempt, 300),
  });
  let pokes = 0;
  transport.subscribe({ onPoke: () => pokes++, onConnectionChange: () => {} });
  await waitFor(() => pokes > 0, { what: 'subscribed' });
  return { transport, pokes: () => pokes };
}

test('[S3.4] a subscribed device is poked again after the server restarts', async () => {
  const [alice] = await createUsers(server, 'Alice');
  const device = await subscribedDevice(alice!.token);
  const before = device.pokes();
  await restartServer(server);
  await waitFor(() => device.pokes() > before, { what: 'poke after restart', timeoutMs: 15_000 });
  device.transport.close();
});

// A subscription that ends because its server stops must not touch the database after
// the server closed its client: Prisma would open a fresh pool nobody closes.
test('[S3.8] a server that stops while a device is subscribed leaves no database connections open', async () => {
  const [alice] = await createUsers(server, 'Alice');
  const counts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const device = await subscribedDevice(alice!.token);
    await restartServer(server);
    device.transport.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    counts.push(await connectionsToDatabase());
  }
  // The test's own client (pool 4) and the running server's pool (3): a leak would add a
  // stopped server's pool on every restart.
  expect(Math.max(...counts)).toBeLessThanOrEqual(4 + 3);
});
