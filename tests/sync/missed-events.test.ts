// [S3.4] Nothing waits for the next event: a bus subscriber that is cut and reconnects
// tells its streams to catch up, so the next message is not held back; a device that
// missed live events without hearing of it finds out at its head check.
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  conversationWith,
  createUsers,
  type Device,
  dropBusSubscriber,
  HEAD_CHECK_MS,
  openDevice,
  type SyncServer,
  startSyncServer,
  waitFor,
} from './support.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let server: SyncServer;
const devices: Device[] = [];
beforeAll(async () => {
  server = await startSyncServer('missed', { REDIS_URL });
});
afterAll(async () => {
  await Promise.all(devices.map((d) => d.close()));
  await server?.dispose();
});

async function connectedPair() {
  const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
  const phone = openDevice(server, alice!, 'alice-phone');
  const desk = openDevice(server, bob!, 'bob-desk');
  devices.push(phone, desk);
  const convKey = await conversationWith(phone, bob!);
  await phone.engine.sendMessage(convKey, 'warming up');
  await waitFor(async () => (await desk.db.messages.count()) === 1, { what: 'the first message' });
  return { phone, desk, convKey };
}

test('[S3.4] a cut bus subscriber does not hold back the next message by more than a few seconds', async () => {
  const { phone, desk, convKey } = await connectedPair();
  expect(await dropBusSubscriber(server)).toBe(1);
  const sentAt = Date.now();
  await phone.engine.sendMessage(convKey, 'sent while the bus reconnects');
  await waitFor(async () => (await desk.db.messages.count()) === 2, {
    what: 'the message sent while the subscriber was cut',
    timeoutMs: 10_000,
  });
  expect(Date.now() - sentAt).toBeLessThan(5_000);
});

test('[S3.4] a device that missed live events without knowing catches up at its head check', async () => {
  const { phone, desk, convKey } = await connectedPair();
  desk.transport.dropLiveEvents(true);
  const sentAt = Date.now();
  await phone.engine.sendMessage(convKey, 'lost on the way');
  await waitFor(async () => (await desk.db.messages.count()) === 2, {
    what: 'the missed message',
    timeoutMs: HEAD_CHECK_MS * 3,
  });
  expect(Date.now() - sentAt).toBeLessThan(HEAD_CHECK_MS + 3_000);
  desk.transport.dropLiveEvents(false);
});
