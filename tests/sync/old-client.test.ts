// [S3.9] A client that speaks an older protocol version is told it is incompatible,
// stops asking, and keeps everything it has: its queued messages, its rows, its cursor.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import {
  conversationWith,
  createUsers,
  newProfile,
  openDevice,
  type SyncServer,
  serverMessages,
  startSyncServer,
  waitFor,
} from './support.ts';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer('oldclient');
});
afterAll(async () => {
  await server?.dispose();
});

test('[S3.9] an app of an older protocol is told to update and keeps its data', async () => {
  const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
  // An up-to-date device first, so the old one has a cursor and rows to keep.
  const profile = newProfile();
  const current = openDevice(server, alice!, 'alice-current', { profile });
  const convKey = await conversationWith(current, bob!);
  await current.engine.sendMessage(convKey, 'sent while up to date');
  const users = [alice!.user.userId, bob!.user.userId];
  await waitFor(async () => (await serverMessages(server, users)).length === 1, {
    what: 'the first message stored',
  });
  await current.engine.whenIdle();
  const cursor = (await current.db.syncState.get('cursor'))?.value;
  expect(cursor).toBeTruthy();
  await current.close();

  // The same profile, opened by an app that speaks the version before.
  const outdated = openDevice(server, alice!, 'alice-outdated', {
    profile,
    protocolVersion: PROTOCOL_VERSION - 1,
  });
  try {
    await outdated.engine.sendMessage(convKey, 'queued by an old app');
    await waitFor(() => outdated.engine.getStatus().lastErrorCode === 'PROTOCOL_INCOMPATIBLE', {
      what: 'the incompatibility',
    });
    await outdated.engine.whenIdle();
    // Nothing of it reached the server, and nothing of it was thrown away.
    expect(await serverMessages(server, users)).toHaveLength(1);
    expect(await outdated.db.outbox.count()).toBe(1);
    expect(await outdated.db.messages.where('status').equals('pending').count()).toBe(1);
    expect(await outdated.db.messages.count()).toBe(2);
    expect((await outdated.db.syncState.get('cursor'))?.value).toBe(cursor);
    // It stopped asking: no retry loop against a server that will say the same.
    const pushes = outdated.transport.pushCount;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(outdated.transport.pushCount).toBe(pushes);
  } finally {
    await outdated.close();
  }
});
