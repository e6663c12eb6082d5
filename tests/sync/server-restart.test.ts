// A server restart seen from a subscribed device (DESIGN §3.8): the device reconnects and
// the stopped instance leaves nothing behind.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { createTrpcTransport } from '../../renderer/sync/trpc-transport.ts';
import { bearerAuth } from '../../shared/platform/server-auth.ts';
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
    auth: bearerAuth(token),
    WebSocket: ws,
    reconnectDelayMs: (attempt) => Math.min(50 * attempt, 300),
  });
  let hellos = 0;
  transport.subscribe({
    onEvent: (event) => {
      if (event.type === 'hello') hellos++;
    },
    onConnectionChange: () => {},
  });
  await waitFor(() => hellos > 0, { what: 'subscribed' });
  return { transport, hellos: () => hellos };
}

test('[S3.4] a subscribed device is told to catch up again after the server restarts', async () => {
  const [alice] = await createUsers(server, 'Alice');
  const device = await subscribedDevice(alice!.token);
  const before = device.hellos();
  await restartServer(server);
  await waitFor(() => device.hellos() > before, { what: 'hello after restart', timeoutMs: 15_000 });
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
