import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import type { Roster } from '../../shared/groups.ts';
import type { ConversationView } from '../../shared/model.ts';
import { type ChangeSet, EMPTY_CHANGES, type SyncMessage } from '../../shared/sync/protocol.ts';
import { applyChanges, changeTables } from './apply-changes.ts';
import { openChatDatabase } from './db.ts';
import { isReadOnly, LEFT_GROUP_ERROR } from './groups.ts';
import { createLocalWrites } from './local-writes.ts';
import { displayedStatus } from './marks.ts';
import { createOutbox } from './outbox.ts';

const ME = 1;
const BOB = 2;
const CAROL = 3;
const GROUP = 7;
const KEY = `s${GROUP}`;
const AT = '2025-01-01T00:00:00.000Z';

function view(fields: Partial<ConversationView> = {}): ConversationView {
  return {
    conversationId: GROUP,
    user1Id: BOB,
    user2Id: BOB,
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
    createdAt: AT,
    updatedAt: AT,
    isActive: true,
    lastMessageId: null,
    lastMessageAt: null,
    otherUser: null,
    isGroup: true,
    title: 'Garden club',
    leftUpTo: null,
    clientConvId: null,
    ...fields,
  };
}

function roster(version: number, userIds: number[], admin = BOB, title = 'Garden club'): Roster {
  return {
    conversationId: GROUP,
    version,
    title,
    members: userIds.map((userId) => ({
      userId,
      displayName: `user ${userId}`,
      role: userId === admin ? 'admin' : 'member',
      joinedAt: AT,
      historyFrom: 0,
    })),
  };
}

function message(messageId: number, fields: Partial<SyncMessage> = {}): SyncMessage {
  const at = new Date(Date.UTC(2025, 0, 2, 0, 0, messageId)).toISOString();
  return {
    messageId,
    conversationId: GROUP,
    senderId: BOB,
    messageType: 'text',
    content: `message ${messageId}`,
    createdAt: at,
    updatedAt: at,
    status: 'sent',
    isEdited: false,
    isDeleted: false,
    fileUrl: null,
    fileName: null,
    fileSize: null,
    attachment: null,
    replyTo: null,
    reactions: [],
    scheduledFor: null,
    clientMsgId: crypto.randomUUID(),
    version: messageId,
    ...fields,
  };
}

function setup() {
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
  // As the engine does: an async scope, so Dexie keeps the transaction across awaits.
  const apply = (changes: Partial<ChangeSet>) =>
    db.transaction('rw', changeTables(db), async () => {
      return await applyChanges(db, ME, { ...EMPTY_CHANGES, ...changes }, 'full');
    });
  const group = async () => (await db.conversations.get(KEY))?.group;
  /** The group as a pull brings it, with messages 1…`count`. */
  const known = (count: number, admin = BOB) =>
    apply({
      conversations: [view()],
      rosters: [roster(1, [ME, BOB, CAROL], admin)],
      messages: Array.from({ length: count }, (_, i) => message(i + 1)),
      versions: [{ conversationId: GROUP, from: null, to: count }],
    });
  return { db, writes, apply, group, known };
}

describe('groups from the server', () => {
  test('a group view and its roster make a group: no other person, its title and its members', async () => {
    const { db, group, known } = setup();
    await known(0);
    expect(await db.conversations.get(KEY)).toMatchObject({ otherUserId: 0, otherDisplayName: '' });
    expect(await group()).toMatchObject({ title: 'Garden club', rosterVersion: 1, leftUpTo: null });
    expect((await group())?.members.map((m) => [m.userId, m.role])).toEqual([
      [ME, 'member'],
      [BOB, 'admin'],
      [CAROL, 'member'],
    ]);
  });

  test('of two rosters the newer stays, whatever order they arrive in', async () => {
    const { apply, group, known } = setup();
    await known(0);
    await apply({ rosters: [roster(3, [ME, BOB])] });
    await apply({ rosters: [roster(2, [ME, BOB, CAROL, 4])] });
    expect(await group()).toMatchObject({ rosterVersion: 3 });
    expect((await group())?.members.map((m) => m.userId)).toEqual([ME, BOB]);
  });

  test('a new title comes with the roster of the rename, and a view read before it that arrives after leaves it', async () => {
    const { apply, group, known } = setup();
    await known(0);
    await apply({ rosters: [roster(2, [ME, BOB, CAROL], BOB, 'Allotment')] });
    expect((await group())?.title).toBe('Allotment');
    await apply({ conversations: [view({ title: 'Garden club' })] });
    expect(await group()).toMatchObject({ title: 'Allotment', rosterVersion: 2 });
    expect((await group())?.members).toHaveLength(3);
  });

  test('of two rosters the newer’s title stays, whatever order they arrive in', async () => {
    const { apply, group, known } = setup();
    await known(0);
    await apply({ rosters: [roster(3, [ME, BOB, CAROL], BOB, 'Allotment')] });
    await apply({ rosters: [roster(2, [ME, BOB, CAROL], BOB, 'Orchard')] });
    expect(await group()).toMatchObject({ title: 'Allotment', rosterVersion: 3 });
  });

  test('a group this user left takes no roster, not even a newer one read before they went: it keeps its members and title as they were', async () => {
    const { apply, group, known } = setup();
    await known(3);
    await apply({ conversations: [view({ leftUpTo: 3, title: 'Garden club' })] });
    await apply({ rosters: [roster(2, [ME, BOB, CAROL, 4], BOB, 'Allotment')] });
    expect(await group()).toMatchObject({ title: 'Garden club', rosterVersion: 1, leftUpTo: 3 });
    expect((await group())?.members.map((m) => m.userId)).toEqual([BOB, CAROL]);
  });

  test('removed right after a rename this device never heard of, the group keeps the title it had when they left, as their view names it', async () => {
    const { apply, group, known } = setup();
    await known(3);
    await apply({ conversations: [view({ leftUpTo: 3, title: 'Allotment' })] });
    expect(await group()).toMatchObject({ title: 'Allotment', leftUpTo: 3, rosterVersion: 1 });
  });

  test('a roster of a group not known here is a gap for the pull to fill', async () => {
    const { apply } = setup();
    const applied = await apply({ rosters: [roster(1, [ME, BOB, CAROL])] });
    expect([...applied.gaps]).toEqual([GROUP]);
  });

  test('a group in `removed` is dropped entirely', async () => {
    const { db, apply, known } = setup();
    await known(2);
    await apply({ removed: [GROUP] });
    expect(await db.conversations.get(KEY)).toBeUndefined();
    expect(await db.messages.count()).toBe(0);
  });
});

describe('my message’s status in a group never moves back', () => {
  const DAVE = 4;
  const marksOf = (userId: number, upTo: number) => ({
    conversationId: GROUP,
    userId,
    deliveredUpTo: upTo,
    readUpTo: upTo,
  });
  /** The group with my message 5, which Bob and Carol have read. */
  async function readByEveryone() {
    const { db, apply, known } = setup();
    await known(4);
    await apply({
      messages: [message(5, { senderId: ME })],
      members: [marksOf(BOB, 5), marksOf(CAROL, 5)],
    });
    const shown = async () => {
      const conversation = await db.conversations.get(KEY);
      const mine = await db.messages.where('serverId').equals(5).first();
      if (!conversation || !mine) throw new Error('no message 5');
      return displayedStatus(mine, conversation, ME);
    };
    expect(await shown()).toBe('read');
    return { db, apply, shown };
  }

  test('[S3.5] read by everyone, it stays read once every other member left', async () => {
    const { apply, shown } = await readByEveryone();
    await apply({ rosters: [roster(2, [ME], ME)] });
    expect(await shown()).toBe('read');
  });

  test('[S3.5] read by everyone, it stays read when a late roster names a member added before it who has not read it', async () => {
    const { apply, shown } = await readByEveryone();
    const late = roster(3, [ME, BOB, CAROL, DAVE]);
    const withDave = late.members.map((m) => (m.userId === DAVE ? { ...m, historyFrom: 4 } : m));
    await apply({ rosters: [{ ...late, members: withDave }] });
    expect(await shown()).toBe('read');
    // What it reached stays with the message through a newer copy of it.
    await apply({ messages: [message(5, { senderId: ME, content: 'edited', version: 9 })] });
    expect(await shown()).toBe('read');
  });

  test('[S3.5] delivered to everyone but not read, it stays delivered and is read once the new member reads it too', async () => {
    const { apply, known, db } = setup();
    await known(4);
    await apply({
      messages: [message(5, { senderId: ME })],
      members: [
        { ...marksOf(BOB, 5), readUpTo: 0 },
        { ...marksOf(CAROL, 5), readUpTo: 5 },
      ],
    });
    const late = roster(2, [ME, BOB, CAROL, DAVE]);
    const withDave = late.members.map((m) => (m.userId === DAVE ? { ...m, historyFrom: 3 } : m));
    await apply({ rosters: [{ ...late, members: withDave }] });
    const status = async () => {
      const conversation = await db.conversations.get(KEY);
      const mine = await db.messages.where('serverId').equals(5).first();
      return conversation && mine ? displayedStatus(mine, conversation, ME) : null;
    };
    expect(await status()).toBe('delivered');
    await apply({ members: [marksOf(BOB, 5), marksOf(DAVE, 5)] });
    expect(await status()).toBe('read');
  });
});

describe('leaving a group', () => {
  test('removed by an admin: the group stays read-only, keeps what came up to leftUpTo, and what waited to be sent fails with the reason', async () => {
    const { db, writes, apply, group, known } = setup();
    await known(5, ME);
    const waiting = await writes.sendMessage(KEY, 'still here?');
    await writes.changeGroup(KEY, { type: 'rename', title: 'Allotment' });
    expect((await group())?.title).toBe('Allotment');

    await apply({
      conversations: [view({ leftUpTo: 3 })],
      rosters: [roster(2, [BOB, CAROL])],
    });

    const conversation = await db.conversations.get(KEY);
    expect(conversation && isReadOnly(conversation)).toBe(true);
    expect(conversation?.group).toMatchObject({ leftUpTo: 3, title: 'Garden club' });
    expect(conversation?.group?.changeFailure).toMatchObject({ code: 'FORBIDDEN' });
    const synced = await db.messages.where('serverId').above(0).toArray();
    expect(synced.map((m) => m.serverId)).toEqual([1, 2, 3]);
    expect(await db.messages.get(waiting)).toMatchObject({
      status: 'failed',
      failure: { code: 'FORBIDDEN', reason: LEFT_GROUP_ERROR },
    });
    const entries = await db.outbox.toArray();
    expect(entries.map((e) => [e.kind, e.rejected?.code])).toEqual([['send', 'FORBIDDEN']]);
    expect(conversation).toMatchObject({ failedCount: 1, pendingCount: 0 });
  });

  test('copies of messages after leftUpTo that arrive later are not stored', async () => {
    const { db, apply, known } = setup();
    await known(2);
    await apply({ conversations: [view({ leftUpTo: 2 })] });
    await apply({ messages: [message(3), message(2, { content: 'edited', version: 9 })] });
    const synced = await db.messages.where('serverId').above(0).toArray();
    expect(synced.map((m) => [m.serverId, m.content])).toEqual([
      [1, 'message 1'],
      [2, 'edited'],
    ]);
  });

  test('nothing can be written in a group this user left', async () => {
    const { db, writes, apply, known } = setup();
    await known(2);
    const [mine] = await db.messages.toArray();
    await apply({ conversations: [view({ leftUpTo: 2 })] });
    await expect(writes.sendMessage(KEY, 'hello?')).rejects.toThrow(LEFT_GROUP_ERROR);
    await expect(writes.changeGroup(KEY, { type: 'leave' })).rejects.toThrow(LEFT_GROUP_ERROR);
    if (mine) await expect(writes.toggleReaction(mine.clientMsgId, '👍')).rejects.toThrow();
    expect(await db.outbox.count()).toBe(0);
  });

  test('added back, the group is writable again', async () => {
    const { writes, apply, group, known } = setup();
    await known(2);
    await apply({ conversations: [view({ leftUpTo: 2 })], rosters: [roster(2, [BOB, CAROL])] });
    await apply({
      conversations: [view({ leftUpTo: null })],
      rosters: [roster(3, [ME, BOB, CAROL])],
    });
    expect((await group())?.leftUpTo).toBeNull();
    await expect(writes.sendMessage(KEY, 'back')).resolves.toBeTruthy();
  });
});
