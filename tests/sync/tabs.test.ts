// [S3.8] Two tabs of one browser profile share one IndexedDB and run one engine: the
// leader talks to the server, the other writes locally and the leader sends it. A receipt
// raised in one tab is never lost to the other's settle, in backoff or across a handover.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import {
  conversationWith,
  createUsers,
  type Device,
  isDrained,
  newProfile,
  openDevice,
  type SyncServer,
  serverMessages,
  shownMessages,
  startSyncServer,
  waitFor,
} from './support.ts';

let server: SyncServer;
const devices: Device[] = [];
beforeAll(async () => {
  server = await startSyncServer('tabs');
});
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await server?.dispose();
});

async function scene() {
  const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
  const phone = openDevice(server, alice!, 'alice-phone');
  const profile = newProfile();
  const first = openDevice(server, bob!, 'bob-tab-1', { profile });
  const second = openDevice(server, bob!, 'bob-tab-2', { profile });
  devices.push(phone, first, second);
  await waitFor(() => first.engine.isLeader() || second.engine.isLeader(), { what: 'a leader' });
  const [leader, follower] = first.engine.isLeader() ? [first, second] : [second, first];
  const aliceKey = await conversationWith(phone, bob!);
  return { alice: alice!, bob: bob!, phone, leader, follower, aliceKey };
}

async function serverStatuses(aliceId: number, bobId: number) {
  return (await serverMessages(server, [aliceId, bobId])).map((m) => m.status);
}

test('[S3.8] one tab leads; what the other writes goes out through it', async () => {
  const { alice, bob, phone, leader, follower } = await scene();
  expect(follower.engine.isLeader()).toBe(false);
  const bobKey = await conversationWith(follower, alice);
  await follower.engine.sendMessage(bobKey, 'written in the follower tab');
  await waitFor(async () => (await phone.db.messages.count()) === 1, { what: 'alice has it' });
  // Only the leader pushed: the follower never opened its transport.
  expect(follower.transport.pushCount).toBe(0);
  expect(leader.transport.pushCount).toBeGreaterThan(0);
  const [stored] = await serverMessages(server, [alice.user.userId, bob.user.userId]);
  expect(stored?.content).toBe('written in the follower tab');
});

test('[S3.8] a read made in the follower while the leader is in backoff reaches the server', async () => {
  const { alice, bob, phone, leader, follower, aliceKey } = await scene();
  for (const text of ['one', 'two', 'three']) await phone.engine.sendMessage(aliceKey, text);
  await waitFor(async () => (await follower.db.messages.count()) === 3, { what: 'bob has three' });
  await waitFor(() => isDrained(leader), { what: 'delivered receipts sent' });

  leader.transport.blockPushes(true);
  const [conversation] = await follower.db.conversations.toArray();
  await follower.engine.markSeen(conversation!.key);
  // The leader tries, fails and backs off; the receipt stays due meanwhile.
  await waitFor(() => leader.engine.getStatus().lastError !== null, { what: 'a failed push' });
  expect(await serverStatuses(alice.user.userId, bob.user.userId)).toEqual([
    'delivered',
    'delivered',
    'delivered',
  ]);

  leader.transport.blockPushes(false);
  leader.engine.syncNow();
  await waitFor(
    async () =>
      (await serverStatuses(alice.user.userId, bob.user.userId)).every((s) => s === 'read'),
    { what: 'the read receipt on the server' },
  );
  await waitFor(async () => (await shownMessages(phone)).every((m) => m.shown === 'read'), {
    what: 'alice sees them read',
  });
});

test('[S3.8] when the leading tab closes in backoff, the other takes over and sends what is due', async () => {
  const { alice, bob, phone, leader, follower, aliceKey } = await scene();
  await phone.engine.sendMessage(aliceKey, 'read me in the other tab');
  await waitFor(async () => (await follower.db.messages.count()) === 1, { what: 'bob has it' });
  await waitFor(() => isDrained(leader), { what: 'delivered receipt sent' });
  leader.transport.blockPushes(true);
  const [conversation] = await follower.db.conversations.toArray();
  await follower.engine.markSeen(conversation!.key);
  const bobKey = await conversationWith(follower, alice);
  await follower.engine.sendMessage(bobKey, 'and a reply');

  await leader.close();
  devices.splice(devices.indexOf(leader), 1);
  await waitFor(() => follower.engine.isLeader(), { what: 'the other tab leads' });
  await waitFor(
    async () => {
      const stored = await serverMessages(server, [alice.user.userId, bob.user.userId]);
      return stored.length === 2 && stored[0]?.status === 'read';
    },
    { what: 'the receipt and the reply on the server' },
  );
  await waitFor(() => isDrained(follower), { what: 'nothing left to send' });
});
