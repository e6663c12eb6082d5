// [§4] The conversation list's "online" comes from each device's own poke subscription:
// the engine keeps the set of partners the server reports connected.
import { afterAll, beforeAll, it } from 'vitest';
import type { TestUser } from '../support/clients.ts';
import { rest } from '../support/clients.ts';
import {
  createUsers,
  openDevice,
  type SyncServer,
  startSyncServer,
  waitFor,
} from '../sync/support.ts';

let server: SyncServer;

/** Partners from the moment the server has their conversation (one opened on a device
 * stays there until its first message). */
async function makePartners(a: TestUser, b: TestUser): Promise<void> {
  const created = await rest(server.url, 'POST', '/api/v1/chat/conversations', {
    token: a.token,
    body: { other_user_id: b.user.userId, conversation_type: 'general' },
  });
  if (created.status !== 201) throw new Error(`conversation: ${created.status}`);
}

beforeAll(async () => {
  server = await startSyncServer('onlinelist');
});
afterAll(() => server?.dispose());

it('a device learns when its conversation partner connects and disconnects', async () => {
  const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
  const bobDevice = openDevice(server, bob!, 'bob');
  const aliceDevice = openDevice(server, alice!, 'alice');
  try {
    await makePartners(alice!, bob!);
    await waitFor(() => bobDevice.engine.getOnlineUsers().has(alice!.user.userId), {
      what: 'alice online on bob’s device',
    });
    await waitFor(() => aliceDevice.engine.getOnlineUsers().has(bob!.user.userId), {
      what: 'bob online on alice’s device',
    });

    await aliceDevice.close();
    await waitFor(() => !bobDevice.engine.getOnlineUsers().has(alice!.user.userId), {
      what: 'alice offline on bob’s device',
    });
  } finally {
    await bobDevice.close();
  }
});

it('after a server restart a device learns again who is online from the fresh snapshot', async () => {
  const [carol, dan] = await createUsers(server, 'Carol', 'Dan');
  const carolDevice = openDevice(server, carol!, 'carol');
  const danDevice = openDevice(server, dan!, 'dan');
  try {
    await makePartners(carol!, dan!);
    await waitFor(() => danDevice.engine.getOnlineUsers().has(carol!.user.userId), {
      what: 'carol online',
    });
    const seen: number[] = [];
    const stop = danDevice.engine.onOnlineUsers((ids) => seen.push(ids.size));
    await server.restart();
    await waitFor(() => seen.includes(0), { what: 'the set cleared while disconnected' });
    await waitFor(() => danDevice.engine.getOnlineUsers().has(carol!.user.userId), {
      what: 'carol online again from the snapshot',
      timeoutMs: 20_000,
    });
    stop();
  } finally {
    await Promise.all([carolDevice.close(), danDevice.close()]);
  }
});
