// The outbox against the real server (issue 3, "Done means 2", client side): lost
// responses, refused operations, late receipts and restarts change nothing they should
// not. Each scenario uses fresh users; the file shares one server and database.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { LocalMessage } from '../../renderer/sync/db.ts';
import {
  conversationWith,
  createUsers,
  type Device,
  isDrained,
  openDevice,
  type StatusRegression,
  type SyncServer,
  serverMessages,
  shownMessages,
  startSyncServer,
  waitFor,
} from './support.ts';

let server: SyncServer;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startSyncServer('outbox');
});
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await server?.dispose();
});

function device(...args: Parameters<typeof openDevice>): Device {
  const opened = openDevice(...args);
  devices.push(opened);
  return opened;
}

async function messagesOf(d: Device, senderId?: number): Promise<LocalMessage[]> {
  const all = await d.messages();
  return senderId === undefined ? all : all.filter((m) => m.senderId === senderId);
}

describe('outbox against the real server', () => {
  test('[S3.2] 500 queued messages are stored once although every push response was lost', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const phone = device(server, alice!, 'alice-phone');
    const desk = device(server, bob!, 'bob-desk');
    phone.goOffline();
    const convKey = await conversationWith(phone, bob!);
    const sent: string[] = [];
    for (let i = 0; i < 500; i++)
      sent.push(await phone.engine.sendMessage(convKey, `message ${i}`));

    // The 500 sends (and the conversation's creation) go in one batch: applied by the
    // server and answered into the void three times, then pushed a fourth time.
    phone.dropNextPushResponse(3);
    phone.goOnline();
    await waitFor(() => isDrained(phone), { what: 'alice outbox drained', timeoutMs: 60_000 });
    expect(phone.transport.pushCount).toBeGreaterThanOrEqual(4);

    const stored = await serverMessages(server, [alice!.user.userId, bob!.user.userId]);
    expect(stored.map((m) => m.clientMsgId)).toEqual(sent);
    await waitFor(async () => (await messagesOf(desk, alice!.user.userId)).length === 500, {
      what: 'bob has all 500',
      timeoutMs: 60_000,
    });
    const onDesk = await messagesOf(desk, alice!.user.userId);
    expect(onDesk.map((m) => m.clientMsgId)).toEqual(sent);
    expect(new Set(onDesk.map((m) => m.serverId)).size).toBe(500);
    const onPhone = await messagesOf(phone);
    expect(onPhone.map((m) => m.clientMsgId)).toEqual(sent);
    expect(onPhone.every((m) => m.serverId !== null && m.status !== 'pending')).toBe(true);
  });

  test('[S3.2] a push delivered twice stores each message once', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const phone = device(server, alice!, 'alice-phone');
    const convKey = await conversationWith(phone, bob!);
    phone.deliverNextPushTwice();
    const a = await phone.engine.sendMessage(convKey, 'once');
    await waitFor(() => isDrained(phone), { what: 'drained' });
    await phone.engine.editMessage(a, 'edited once');
    phone.deliverNextPushTwice();
    await waitFor(() => isDrained(phone), { what: 'drained' });
    expect(await serverMessages(server, [alice!.user.userId, bob!.user.userId])).toMatchObject([
      { clientMsgId: a, content: 'edited once', isEdited: true },
    ]);
  });

  test('[S3.2] a refused operation does not block the ones behind it; its message fails and can be retried or discarded', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const phone = device(server, alice!, 'alice-phone');
    const desk = device(server, bob!, 'bob-desk');
    // The next user id does not exist yet: the server refuses the conversation for good.
    const [row] = await server.sql.$queryRaw<{ next: bigint }[]>`
      SELECT MAX(user_id) + 1 AS next FROM users`;
    const ghost = Number(row?.next);
    phone.goOffline();
    const toGhost = await phone.engine.openConversation({
      otherUserId: ghost,
      otherDisplayName: 'Ghost',
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    });
    const lostA = await phone.engine.sendMessage(toGhost, 'to nobody');
    const lostB = await phone.engine.sendMessage(toGhost, 'to nobody either');
    const toBob = await conversationWith(phone, bob!);
    const fine = await phone.engine.sendMessage(toBob, 'to bob');
    phone.goOnline();

    await waitFor(async () => (await messagesOf(desk, alice!.user.userId)).length === 1, {
      what: 'bob received the message queued behind the refused ones',
    });
    expect((await phone.db.messages.get(fine))?.serverId).not.toBeNull();
    for (const id of [lostA, lostB]) {
      expect(await phone.db.messages.get(id)).toMatchObject({
        status: 'failed',
        failure: { code: 'CONVERSATION_REJECTED' },
      });
    }
    expect(await phone.db.conversations.get(toGhost)).toMatchObject({
      failedCount: 2,
      createFailure: { code: 'NOT_FOUND' },
    });
    await waitFor(() => phone.engine.getStatus().failedCount === 2, { what: 'failed count' });

    await phone.engine.discard(lostB);
    expect(await phone.db.messages.get(lostB)).toBeUndefined();

    // The user now exists: a retry creates the conversation and sends, same client id.
    const [carol] = await createUsers(server, 'Carol');
    expect(carol!.user.userId).toBe(ghost);
    await phone.engine.retry(lostA);
    await waitFor(async () => (await phone.db.messages.get(lostA))?.status === 'sent', {
      what: 'retried send',
    });
    const stored = await serverMessages(server, [alice!.user.userId, carol!.user.userId]);
    expect(stored.map((m) => m.clientMsgId)).toEqual([lostA]);
    expect(phone.engine.getStatus().failedCount).toBe(0);
  });

  test('[S3.5] read receipts made offline and applied after newer delivered receipts leave status read', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const regressions: StatusRegression[] = [];
    const phone = device(server, alice!, 'alice-phone', { regressions });
    const laptop = device(server, bob!, 'bob-laptop', { regressions });
    const tablet = device(server, bob!, 'bob-tablet', { regressions });
    const convKey = await conversationWith(phone, bob!);
    const m1 = await phone.engine.sendMessage(convKey, 'one');
    const m2 = await phone.engine.sendMessage(convKey, 'two');
    const delivered = async (ids: string[]) =>
      (await serverMessages(server, [alice!.user.userId, bob!.user.userId]))
        .filter((m) => ids.includes(m.clientMsgId))
        .every((m) => m.status !== 'sent');
    await waitFor(() => delivered([m1, m2]), { what: 'm1, m2 delivered' });

    // The laptop reads m1..m2 while offline; its read receipt waits.
    await waitFor(async () => (await messagesOf(laptop, alice!.user.userId)).length === 2, {
      what: 'laptop has m1, m2',
    });
    laptop.goOffline();
    const laptopConv = (await laptop.db.conversations.toArray())[0]!.key;
    await laptop.engine.markSeen(laptopConv);

    // Meanwhile a newer delivered receipt (m3, via the tablet) reaches the server first.
    const m3 = await phone.engine.sendMessage(convKey, 'three');
    await waitFor(() => delivered([m3]), { what: 'm3 delivered by the tablet' });

    // The laptop comes back: its older read receipt lands after the newer delivered one.
    laptop.goOnline();
    await waitFor(
      async () => {
        const rows = await serverMessages(server, [alice!.user.userId, bob!.user.userId]);
        const status = Object.fromEntries(rows.map((m) => [m.clientMsgId, m.status]));
        return status[m1] === 'read' && status[m2] === 'read' && status[m3] === 'delivered';
      },
      { what: 'm1, m2 read and m3 still delivered' },
    );

    // A delivered receipt for m4 waits on the tablet while the laptop reads m4.
    tablet.transport.blockPushes(true);
    const m4 = await phone.engine.sendMessage(convKey, 'four');
    await waitFor(async () => (await messagesOf(tablet, alice!.user.userId)).length === 4, {
      what: 'tablet stored m4',
    });
    await waitFor(async () => (await messagesOf(laptop, alice!.user.userId)).length === 4, {
      what: 'laptop stored m4',
    });
    await laptop.engine.markSeen(laptopConv);
    await waitFor(
      async () => {
        const rows = await serverMessages(server, [alice!.user.userId, bob!.user.userId]);
        return rows.every((m) => m.status === 'read' || m.clientMsgId === m3);
      },
      { what: 'laptop read receipts applied' },
    );
    tablet.transport.blockPushes(false);
    tablet.engine.syncNow();
    await waitFor(() => isDrained(tablet), { what: 'tablet drained its late delivered receipt' });

    const expected = { [m1]: 'read', [m2]: 'read', [m3]: 'read', [m4]: 'read' };
    const onServer = await serverMessages(server, [alice!.user.userId, bob!.user.userId]);
    expect(Object.fromEntries(onServer.map((m) => [m.clientMsgId, m.status]))).toEqual(expected);
    for (const d of [phone, laptop, tablet]) {
      await waitFor(
        async () => {
          const rows = (await shownMessages(d)).filter((m) => m.senderId === alice!.user.userId);
          return rows.length === 4 && rows.every((m) => m.shown === 'read');
        },
        { what: `${d.name} shows all read` },
      );
    }
    expect(regressions).toEqual([]);
  });

  test('[S3.1] a message written offline survives a device restart and is sent exactly once', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const phone = device(server, alice!, 'alice-phone');
    const desk = device(server, bob!, 'bob-desk');
    phone.goOffline();
    const convKey = await conversationWith(phone, bob!);
    const id = await phone.engine.sendMessage(convKey, 'written offline');
    await phone.restart();
    expect(await phone.db.messages.get(id)).toMatchObject({
      status: 'pending',
      content: 'written offline',
    });
    phone.goOnline();
    await waitFor(async () => (await messagesOf(desk, alice!.user.userId)).length === 1, {
      what: 'bob got it',
    });
    await waitFor(() => isDrained(phone), { what: 'drained' });
    const stored = await serverMessages(server, [alice!.user.userId, bob!.user.userId]);
    expect(stored).toMatchObject([{ clientMsgId: id, content: 'written offline' }]);
    expect((await phone.db.messages.get(id))?.status).not.toBe('pending');
  });
});
