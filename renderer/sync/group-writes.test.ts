import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import type { Roster } from '../../shared/groups.ts';
import type { PublicUser } from '../../shared/model.ts';
import { type ChangeSet, EMPTY_CHANGES, type PushResult } from '../../shared/sync/protocol.ts';
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
  /** Changes reaching the device on its live stream. */
  const hear = (changes: Partial<ChangeSet>) =>
    db.transaction('rw', changeTables(db), async () => {
      await applyChanges(db, ME, { ...EMPTY_CHANGES, ...changes }, 'live');
    });
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
    ...{ pushOnce, pull, hear, create, group, ids },
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

  test('a create refused for a user the server does not know, fixed by removing them, goes again naming the members the group has now', async () => {
    const { db, server, writes, pushOnce, create, group, ids, carol } = setup();
    const key = await create('Ghosts', [
      { userId: OTHER, displayName: 'Bob Requester' },
      { userId: carol, displayName: 'Carol Provider' },
      { userId: MISSING_USER, displayName: 'Nobody' },
    ]);
    await pushOnce();
    expect(await db.conversations.get(key)).toMatchObject({ createFailure: { code: 'NOT_FOUND' } });

    await writes.changeGroup(key, { type: 'remove', userId: MISSING_USER });
    expect(await ids(key)).toEqual([ME, OTHER, carol]);
    const requeued = await db.outbox.toArray();
    expect(requeued.map((e) => [e.op, e.rejected])).toMatchObject([
      [{ kind: 'createGroup', title: 'Ghosts', memberIds: [OTHER, carol] }, null],
    ]);
    expect(await db.conversations.get(key)).toMatchObject({ createFailure: null });
    expect(await group(key)).toMatchObject({ changeFailure: null, confirmed: null });
    // The server has the create to come: what follows is a change of the group behind it.
    await writes.changeGroup(key, { type: 'rename', title: 'Spirits' });
    expect((await db.outbox.toArray()).map((e) => e.kind)).toEqual(['createGroup', 'changeGroup']);

    await pushOnce();
    expect(await db.conversations.get(key)).toMatchObject({ serverId: 1, createFailure: null });
    expect(await group(key)).toMatchObject({ title: 'Spirits', rosterVersion: 2, confirmed: null });
    expect(await ids(key)).toEqual([ME, OTHER, carol]);
    expect(server.messages().map((m) => m.content)).toEqual([
      'Me Myself created the group “Ghosts” with Bob Requester and Carol Provider',
      'Me Myself renamed the group to “Spirits”',
    ]);
  });

  test('a create refused, then renamed, goes again under the new title', async () => {
    const { db, writes, pushOnce, create, group } = setup();
    const key = await create('Ghosts', [
      { userId: OTHER, displayName: 'Bob' },
      { userId: MISSING_USER, displayName: 'Nobody' },
    ]);
    await pushOnce();
    await writes.changeGroup(key, { type: 'rename', title: 'Spirits' });
    expect(await group(key)).toMatchObject({ title: 'Spirits', confirmed: null });
    expect((await db.outbox.toArray()).map((e) => [e.op, e.rejected])).toMatchObject([
      [{ kind: 'createGroup', title: 'Spirits', memberIds: [OTHER, MISSING_USER] }, null],
    ]);
  });

  test('a refused create is not fixed by taking out a member it needs: a group has three members at least', async () => {
    const { db, writes, pushOnce, create, ids } = setup();
    const key = await create('Ghosts', [
      { userId: OTHER, displayName: 'Bob' },
      { userId: MISSING_USER, displayName: 'Nobody' },
    ]);
    await pushOnce();
    await expect(writes.changeGroup(key, { type: 'remove', userId: MISSING_USER })).rejects.toThrow(
      /3 to 256 members/,
    );
    expect(await ids(key)).toEqual([ME, OTHER, MISSING_USER]);
    expect((await db.outbox.toArray()).map((e) => [e.kind, e.rejected?.code])).toEqual([
      ['createGroup', 'NOT_FOUND'],
    ]);
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
    // The create is version 1; the add 2 and the rename 3, since a roster is the title too.
    expect(await group(key)).toMatchObject({
      title: 'Allotment',
      rosterVersion: 3,
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

describe('an accepted change of this user’s is what the server answered, never the change replayed', () => {
  /** The group's roster as the server answered a change, one version on, made by someone
   * else after it. */
  const later = (roster: Roster | undefined, fields: Partial<Roster>): Roster => {
    if (!roster) throw new Error('the answer has no roster');
    return { ...roster, version: roster.version + 1, ...fields };
  };
  const rosterOf = (answer: PushResult) => {
    const [result] = answer.results;
    return result?.status === 'accepted' ? result.roster : undefined;
  };

  test('my rename accepted at version 2, when a later rename (version 3) reached the device first: the later title stays', async () => {
    const { device, outbox, settle, writes, pushOnce, hear, create, group } = setup();
    const key = await create();
    await pushOnce();
    await writes.changeGroup(key, { type: 'rename', title: 'Allotment' });
    const taken = await outbox.takeBatch(100);
    const answer = await device.push(taken.map((e) => e.op));
    expect(rosterOf(answer)).toMatchObject({ version: 2, title: 'Allotment' });

    await hear({ rosters: [later(rosterOf(answer), { title: 'Orchard' })] });
    await settle(taken, answer);
    expect(await group(key)).toMatchObject({ title: 'Orchard', rosterVersion: 3, confirmed: null });
  });

  test('my add accepted, when a later removal of the same user reached the device first: they stay out', async () => {
    const { device, outbox, settle, writes, pushOnce, hear, create, ids, carol, dave } = setup();
    const key = await create();
    await pushOnce();
    await writes.changeGroup(key, { type: 'add', userIds: [dave] });
    const taken = await outbox.takeBatch(100);
    const answer = await device.push(taken.map((e) => e.op));
    const added = rosterOf(answer);
    expect(added?.members.map((m) => m.userId)).toEqual([ME, OTHER, carol, dave]);

    const removed = added?.members.filter((m) => m.userId !== dave) ?? [];
    await hear({ rosters: [later(added, { members: removed })] });
    await settle(taken, answer);
    expect(await ids(key)).toEqual([ME, OTHER, carol]);
  });

  test('my leave accepted takes the server’s view: the message up to which the group stays, and its title then', async () => {
    const { db, writes, pushOnce, create, group } = setup();
    const key = await create();
    await pushOnce();
    await writes.changeGroup(key, { type: 'leave' });
    const { answer } = await pushOnce();
    const [result] = answer.results;
    const view = result?.status === 'accepted' ? result.conversation : undefined;
    expect(view).toMatchObject({ leftUpTo: 2, title: 'Garden club' });
    expect(await group(key)).toMatchObject({ leftUpTo: 2, title: 'Garden club', confirmed: null });
    const conversation = await db.conversations.get(key);
    expect(conversation && isReadOnly(conversation)).toBe(true);
  });

  test('my leave accepted, when the device heard it was added back since: the group stays one it is in', async () => {
    const { db, device, outbox, settle, writes, pushOnce, hear, create, group, ids, carol } =
      setup();
    const key = await create();
    await pushOnce();
    const before = (await db.conversations.get(key))?.group?.members ?? [];
    await writes.changeGroup(key, { type: 'leave' });
    const taken = await outbox.takeBatch(100);
    const answer = await device.push(taken.map((e) => e.op));
    const [result] = answer.results;
    if (result?.status !== 'accepted' || !result.conversation || !result.message) {
      throw new Error('the leave was not accepted');
    }
    expect(result.conversation.leftUpTo).toBe(2);

    // Bob added this user back: as a newcomer, the device hears the group from then on.
    const conversationId = result.conversation.conversationId;
    await hear({
      conversations: [{ ...result.conversation, leftUpTo: null }],
      rosters: [
        {
          conversationId,
          version: 3,
          title: 'Garden club',
          members: before.map((m) => ({ ...m, historyFrom: m.userId === ME ? 3 : 0 })),
        },
      ],
      versions: [{ conversationId, from: null, to: result.message.version + 1 }],
    });
    await settle(taken, answer);
    expect(await group(key)).toMatchObject({ leftUpTo: null, rosterVersion: 3, confirmed: null });
    expect(await ids(key)).toEqual([ME, OTHER, carol]);
  });
});
