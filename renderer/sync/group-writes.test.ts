import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import type { PublicUser } from '../../shared/model.ts';
import type { PushResult } from '../../shared/sync/protocol.ts';
import { applyChanges, changeTables } from './apply-changes.ts';
import { type OutboxEntry, openChatDatabase } from './db.ts';
import { isReadOnly, LEFT_GROUP_ERROR } from './groups.ts';
import { createLocalWrites } from './local-writes.ts';
import { createOutbox } from './outbox.ts';
import { messagePage } from './queries.ts';
import { fakeWorld, groupFrom, ME, OTHER } from './test-support/device.ts';

const MISSING_USER = 99;

function setup() {
  const { server, other } = fakeWorld();
  const carol = server.addUser('Carol Provider');
  const dave = server.addUser('Dave Helper');
  const db = openChatDatabase(ME, { indexedDB: new IDBFactory(), IDBKeyRange });
  const outbox = createOutbox({ db, userId: ME });
  let clock = Date.UTC(2025, 0, 10);
  const writes = createLocalWrites({
    db,
    userId: ME,
    now: () => clock++,
    newId: () => crypto.randomUUID(),
    outbox,
  });
  const device = server.connect(ME);
  const settle = (batch: OutboxEntry[], answer: PushResult) =>
    db.transaction('rw', changeTables(db), async () => {
      return await outbox.settle(batch, answer);
    });
  /** Takes a batch, pushes it to the server and settles the answer, as the engine does. */
  const pushOnce = async () => {
    const batch = await outbox.takeBatch(100);
    const answer = await device.push(batch.map((e) => e.op));
    return { batch, answer, settled: await settle(batch, answer) };
  };
  const pull = async () => {
    const page = await device.pull({ cursor: null });
    await db.transaction('rw', changeTables(db), async () => {
      await applyChanges(db, ME, page.changes, 'full');
    });
  };
  const people: PublicUser[] = [
    { userId: OTHER, displayName: 'Bob Requester' },
    { userId: carol, displayName: 'Carol Provider' },
  ];
  const create = (title = 'Garden club', members = people) =>
    writes.createGroup({
      title,
      members,
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    });
  const group = async (key: string) => (await db.conversations.get(key))?.group;
  const ids = async (key: string) => (await group(key))?.members.map((m) => m.userId);
  return {
    ...{ server, other, carol, dave, db, outbox, device, settle, writes },
    ...{ pushOnce, pull, create, group, ids },
  };
}

describe('creating a group', () => {
  test('[S3.1] a group created offline and messages in it queue in order, the sends naming the group by its client id', async () => {
    const { db, writes, create, group, ids, carol } = setup();
    const key = await create('  Garden club ');
    const first = await writes.sendMessage(key, 'hello all');
    const second = await writes.sendMessage(key, 'anyone?');

    expect(await db.conversations.get(key)).toMatchObject({ serverId: null, otherUserId: 0 });
    expect(await group(key)).toMatchObject({ title: 'Garden club', rosterVersion: 0 });
    expect(await ids(key)).toEqual([ME, OTHER, carol]);
    expect((await group(key))?.members[0]?.role).toBe('admin');
    const entries = await db.outbox.toArray();
    expect(entries.map((e) => e.op)).toMatchObject([
      { kind: 'createGroup', clientConvId: key, title: 'Garden club', memberIds: [OTHER, carol] },
      { kind: 'send', clientMsgId: first, conversation: { clientConvId: key } },
      { kind: 'send', clientMsgId: second, conversation: { clientConvId: key } },
    ]);
  });

  test('[S3.2] once the server creates it, the group has its server id, the server’s roster and first message, and the sends are stored in order', async () => {
    const { db, server, writes, pushOnce, create, group } = setup();
    const key = await create();
    const sent = await writes.sendMessage(key, 'hello all');
    const { settled } = await pushOnce();

    expect(settled).toMatchObject({ hasRetry: false, rejected: 0 });
    expect(await db.outbox.count()).toBe(0);
    const conversation = await db.conversations.get(key);
    expect(conversation).toMatchObject({ serverId: 1, version: 2, pendingCount: 0 });
    expect(await group(key)).toMatchObject({ rosterVersion: 1, title: 'Garden club' });
    expect((await group(key))?.members.map((m) => m.displayName)).toEqual([
      'Me Myself',
      'Bob Requester',
      'Carol Provider',
    ]);
    expect(server.messages().map((m) => [m.messageType, m.content])).toEqual([
      ['system', 'Me Myself created the group “Garden club” with Bob Requester and Carol Provider'],
      ['text', 'hello all'],
    ]);
    expect(await db.messages.get(sent)).toMatchObject({ status: 'sent', serverId: 2 });
    expect((await messagePage(db, key, { limit: 100 })).length).toBe(2);
  });

  test('a group needs at least two others, each counted once, this user not among them', async () => {
    const { db, create } = setup();
    const bob = { userId: OTHER, displayName: 'Bob' };
    await expect(create('Pair', [bob, bob, { userId: ME, displayName: 'me' }])).rejects.toThrow(
      /3 to 256 members/,
    );
    await expect(create('  ')).rejects.toThrow(/title/);
    expect(await db.conversations.count()).toBe(0);
  });

  test('[S3.2] a refused create fails the messages and changes queued behind it', async () => {
    const { db, writes, pushOnce, create, group } = setup();
    const key = await create('Ghosts', [
      { userId: OTHER, displayName: 'Bob' },
      { userId: MISSING_USER, displayName: 'Nobody' },
    ]);
    const sent = await writes.sendMessage(key, 'boo');
    await writes.changeGroup(key, { type: 'rename', title: 'Spirits' });
    await pushOnce();

    expect(await db.conversations.get(key)).toMatchObject({
      serverId: null,
      createFailure: { code: 'NOT_FOUND' },
    });
    expect(await db.messages.get(sent)).toMatchObject({ status: 'failed' });
    expect(await group(key)).toMatchObject({ title: 'Ghosts' });
    expect((await group(key))?.changeFailure).toBeTruthy();
  });
});

describe('changing a group', () => {
  test('a change shows at once and is queued; accepted, it is what the server confirmed', async () => {
    const { db, writes, pushOnce, create, group, ids, carol, dave } = setup();
    const key = await create();
    await pushOnce();
    await writes.changeGroup(key, { type: 'add', userIds: [dave] });
    await writes.changeGroup(key, { type: 'rename', title: 'Allotment' });

    expect(await ids(key)).toEqual([ME, OTHER, carol, dave]);
    expect((await group(key))?.title).toBe('Allotment');
    expect((await db.outbox.toArray()).map((e) => e.op)).toMatchObject([
      { kind: 'changeGroup', conversation: { conversationId: 1 }, change: { type: 'add' } },
      { kind: 'changeGroup', change: { type: 'rename', title: 'Allotment' } },
    ]);

    await pushOnce();
    expect(await group(key)).toMatchObject({
      title: 'Allotment',
      rosterVersion: 2,
      confirmed: null,
    });
    expect((await group(key))?.members.at(-1)).toMatchObject({
      userId: dave,
      displayName: 'Dave Helper',
    });
    const system = await messagePage(db, key, { limit: 100 });
    expect(system.map((m) => m.content)).toEqual([
      'Me Myself created the group “Garden club” with Bob Requester and Carol Provider',
      'Me Myself added Dave Helper',
      'Me Myself renamed the group to “Allotment”',
    ]);
  });

  test('a refused change is taken back to what the server confirmed, says why, and a later change still shows', async () => {
    const { db, device, outbox, settle, writes, pushOnce, create, group, ids, carol } = setup();
    const key = await create();
    await pushOnce();
    await writes.changeGroup(key, { type: 'add', userIds: [MISSING_USER] });
    expect(await ids(key)).toEqual([ME, OTHER, carol, MISSING_USER]);
    const taken = await outbox.takeBatch(100);
    const answer = await device.push(taken.map((e) => e.op));
    // Made while the refused one was on its way.
    await writes.changeGroup(key, { type: 'rename', title: 'Allotment' });
    await settle(taken, answer);

    expect(await ids(key)).toEqual([ME, OTHER, carol]);
    expect(await group(key)).toMatchObject({
      title: 'Allotment',
      changeFailure: { code: 'NOT_FOUND' },
      confirmed: { title: 'Garden club' },
    });
    expect((await db.outbox.toArray()).map((e) => e.op.kind)).toEqual(['changeGroup']);

    await pushOnce();
    expect(await group(key)).toMatchObject({ title: 'Allotment', confirmed: null });
  });

  test('leaving shows the group read-only at once; accepted, the group keeps what came up to the leave', async () => {
    const { db, writes, pushOnce, create, group, ids, carol } = setup();
    const key = await create();
    await writes.sendMessage(key, 'bye');
    await pushOnce();
    await writes.changeGroup(key, { type: 'leave' });

    const leaving = await db.conversations.get(key);
    expect(leaving && isReadOnly(leaving)).toBe(true);
    expect(await ids(key)).toEqual([OTHER, carol]);
    await expect(writes.sendMessage(key, 'one more')).rejects.toThrow(LEFT_GROUP_ERROR);

    await pushOnce();
    expect(await group(key)).toMatchObject({ leftUpTo: 3, confirmed: null });
    expect(await ids(key)).toEqual([OTHER, carol]);
    const log = await messagePage(db, key, { limit: 100 });
    expect(log.at(-1)?.content).toBe('Me Myself left the group');
  });

  test('only an admin renames or changes members: refused at once, nothing queued', async () => {
    const { db, other, writes, pull, carol } = setup();
    const conversationId = await groupFrom(other, [ME, carol]);
    await pull();
    const key = `s${conversationId}`;
    await expect(writes.changeGroup(key, { type: 'rename', title: 'Mine now' })).rejects.toThrow(
      /admin/,
    );
    await expect(writes.changeGroup(key, { type: 'remove', userId: carol })).rejects.toThrow(
      /admin/,
    );
    expect(await db.outbox.count()).toBe(0);
  });
});
