import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import type { ConversationView } from '../../shared/model.ts';
import {
  type ChangeSet,
  EMPTY_CHANGES,
  type MemberState,
  type SyncMessage,
} from '../../shared/sync/protocol.ts';
import { type ApplyMode, applyChanges, changeTables, newConversationRow } from './apply-changes.ts';
import { openChatDatabase, syncedSortKey } from './db.ts';

const ME = 1;
const OTHER = 2;
const CONV = 7;

function view(fields: Partial<ConversationView> = {}): ConversationView {
  return {
    conversationId: CONV,
    user1Id: OTHER,
    user2Id: ME,
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    isActive: true,
    lastMessageId: null,
    lastMessageAt: null,
    otherUser: { userId: OTHER, displayName: 'Bob' },
    isGroup: false,
    title: null,
    leftUpTo: null,
    clientConvId: null,
    ...fields,
  };
}

function message(messageId: number, version: number, fields: Partial<SyncMessage> = {}) {
  return {
    messageId,
    conversationId: CONV,
    senderId: OTHER,
    messageType: 'text',
    content: `message ${messageId}`,
    createdAt: new Date(Date.UTC(2025, 0, 2, 0, 0, messageId)).toISOString(),
    updatedAt: new Date(Date.UTC(2025, 0, 2, 0, 0, messageId)).toISOString(),
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
    version,
    ...fields,
  } satisfies SyncMessage;
}

const marks = (userId: number, deliveredUpTo: number, readUpTo: number): MemberState => ({
  conversationId: CONV,
  userId,
  deliveredUpTo,
  readUpTo,
});

function setup() {
  const db = openChatDatabase(ME, { indexedDB: new IDBFactory(), IDBKeyRange });
  let messageWrites = 0;
  db.use({
    stack: 'dbcore',
    name: 'count-message-writes',
    create: (down) => ({
      ...down,
      table(name) {
        const table = down.table(name);
        if (name !== 'messages') return table;
        return {
          ...table,
          mutate(request) {
            if (request.type === 'put' || request.type === 'add') {
              messageWrites += request.values.length;
            }
            return table.mutate(request);
          },
        };
      },
    }),
  });
  // As the engine does: an async scope, so Dexie keeps the transaction across awaits.
  const apply = (changes: Partial<ChangeSet>, mode: ApplyMode = 'full') =>
    db.transaction('rw', changeTables(db), async () => {
      return await applyChanges(db, ME, { ...EMPTY_CHANGES, ...changes }, mode);
    });
  const conversation = () => db.conversations.get(`s${CONV}`);
  return { db, apply, conversation, messageWrites: () => messageWrites };
}

/** The conversation as a pull brings it: view, both members, at version `version`. */
async function known(
  apply: ReturnType<typeof setup>['apply'],
  version: number,
  messages: SyncMessage[] = [],
) {
  await apply({
    conversations: [view()],
    members: [marks(ME, 0, 0), marks(OTHER, 0, 0)],
    messages,
    versions: [{ conversationId: CONV, from: null, to: version }],
  });
}

describe('applying changes', () => {
  test('[S3.1] a group created here that a pull brings before its create was answered is the same group, not a second', async () => {
    const { db, apply } = setup();
    const key = '0b8a3c52-5d1e-4c1e-9a52-0d6c2f1d9e11';
    await db.conversations.add({
      ...newConversationRow(key, view({ isGroup: true, otherUser: null, title: 'Garden club' })),
      serverId: null,
    });
    await apply({
      conversations: [
        view({ isGroup: true, otherUser: null, title: 'Garden club', clientConvId: key }),
      ],
    });
    const all = await db.conversations.toArray();
    expect(all.map((c) => [c.key, c.serverId])).toEqual([[key, CONV]]);
  });

  test('[S3.3] a pull page stores the conversation, its members’ marks and messages, at the page’s version', async () => {
    const { db, apply, conversation } = setup();
    const applied = await apply({
      conversations: [view()],
      members: [marks(ME, 0, 0), marks(OTHER, 3, 1)],
      messages: [message(1, 2), message(2, 2, { senderId: ME })],
      versions: [{ conversationId: CONV, from: null, to: 2 }],
    });
    expect(applied.gaps.size).toBe(0);
    expect(await conversation()).toMatchObject({
      serverId: CONV,
      otherDisplayName: 'Bob',
      version: 2,
      unreadCount: 1,
      hasUnread: 1,
      lastMessagePreview: 'message 2',
    });
    expect((await conversation())?.members).toEqual(
      expect.arrayContaining([
        { userId: OTHER, deliveredUpTo: 3, readUpTo: 1 },
        { userId: ME, deliveredUpTo: 1, readUpTo: 0 },
      ]),
    );
    const stored = await db.messages.orderBy('[convKey+sortKey]').toArray();
    expect(stored.map((m) => [m.serverId, m.status, m.version])).toEqual([
      [1, 'sent', 2],
      [2, 'sent', 2],
    ]);
    expect(applied.incoming.map((m) => m.serverId)).toEqual([1]);
  });

  test('[S3.3] a live step that starts where the device is moves it on', async () => {
    const { apply, conversation } = setup();
    await known(apply, 2);
    const applied = await apply(
      { messages: [message(5, 3)], versions: [{ conversationId: CONV, from: 2, to: 3 }] },
      'live',
    );
    expect(applied.gaps.size).toBe(0);
    expect((await conversation())?.version).toBe(3);
  });

  test('[S3.3] a live step from beyond the device’s version is a gap, kept to try again; its rows are stored anyway', async () => {
    const { db, apply, conversation } = setup();
    await known(apply, 2);
    const step = { conversationId: CONV, from: 4, to: 5 };
    const applied = await apply({ messages: [message(9, 5)], versions: [step] }, 'live');
    expect([...applied.gaps]).toEqual([CONV]);
    expect(applied.ahead).toEqual([step]);
    expect((await conversation())?.version).toBe(2);
    expect(await db.messages.where('serverId').equals(9).count()).toBe(1);
  });

  test('[S3.3] steps of one batch join in the order given: the one before, then the one it was waiting for', async () => {
    const { apply, conversation } = setup();
    await known(apply, 2);
    const applied = await apply(
      {
        versions: [
          { conversationId: CONV, from: 2, to: 4 },
          { conversationId: CONV, from: 4, to: 5 },
        ],
      },
      'live',
    );
    expect(applied.gaps.size).toBe(0);
    expect((await conversation())?.version).toBe(5);
  });

  test('[S3.3] versions never go back: a step the device already has, or an older pull page, leaves it where it is', async () => {
    const { apply, conversation } = setup();
    await known(apply, 6);
    expect(
      (await apply({ versions: [{ conversationId: CONV, from: 2, to: 3 }] }, 'live')).gaps.size,
    ).toBe(0);
    expect((await conversation())?.version).toBe(6);
    await apply({ versions: [{ conversationId: CONV, from: null, to: 4 }] }, 'full');
    expect((await conversation())?.version).toBe(6);
  });

  test('[S3.4] a head check ahead of the device reports what is missing and does not move the version', async () => {
    const { apply, conversation } = setup();
    await known(apply, 3);
    const behind = await apply(
      { versions: [{ conversationId: CONV, from: null, to: 5 }] },
      'check',
    );
    expect([...behind.gaps]).toEqual([CONV]);
    expect(behind.ahead).toEqual([]);
    expect((await conversation())?.version).toBe(3);
    const level = await apply({ versions: [{ conversationId: CONV, from: null, to: 3 }] }, 'check');
    expect(level.gaps.size).toBe(0);
  });

  test('[S3.4] a head check applies the marks it brings', async () => {
    const { apply, conversation } = setup();
    await known(apply, 3);
    await apply({ members: [marks(OTHER, 4, 4)] }, 'check');
    expect((await conversation())?.members).toContainEqual({
      userId: OTHER,
      deliveredUpTo: 4,
      readUpTo: 4,
    });
  });

  test('[S3.3] rows of a conversation the device has never heard of are a gap, and nothing of them is stored', async () => {
    const { db, apply } = setup();
    const applied = await apply(
      {
        members: [marks(OTHER, 1, 1)],
        messages: [message(1, 1)],
        versions: [{ conversationId: CONV, from: 0, to: 1 }],
      },
      'live',
    );
    expect([...applied.gaps]).toEqual([CONV]);
    expect(await db.messages.count()).toBe(0);
    expect(await db.conversations.count()).toBe(0);
  });

  test('[S3.3] an older copy of a message never replaces a newer one', async () => {
    const { db, apply } = setup();
    const edited = message(1, 4, { content: 'edited', isEdited: true });
    await known(apply, 4, [edited]);
    await apply(
      { messages: [{ ...edited, content: 'original', isEdited: false, version: 2 }] },
      'live',
    );
    expect(await db.messages.where('serverId').equals(1).first()).toMatchObject({
      content: 'edited',
      version: 4,
    });
  });

  test('[S3.7] a delete in the same answer as an earlier edit leaves a tombstone', async () => {
    const { db, apply, conversation } = setup();
    const sent = message(1, 1);
    await known(apply, 1, [sent]);
    await apply(
      {
        messages: [
          { ...sent, content: '', isDeleted: true, version: 3 },
          { ...sent, content: 'edited', isEdited: true, version: 2 },
        ],
        versions: [{ conversationId: CONV, from: 1, to: 3 }],
      },
      'live',
    );
    expect(await db.messages.where('serverId').equals(1).first()).toMatchObject({
      isDeleted: true,
      content: '',
      words: [],
    });
    expect(await conversation()).toMatchObject({ unreadCount: 0, lastMessagePreview: null });
  });

  test('[S3.3] a repeat of what is stored writes no message row', async () => {
    const { apply, messageWrites } = setup();
    const rows = [message(1, 2), message(2, 2)];
    await known(apply, 2, rows);
    const before = messageWrites();
    await apply({ messages: rows, versions: [{ conversationId: CONV, from: null, to: 2 }] });
    expect(messageWrites()).toBe(before);
  });

  test('[S3.5] storing someone else’s messages raises this user’s delivered mark and makes a receipt due', async () => {
    const { apply, conversation } = setup();
    await known(apply, 0);
    const applied = await apply(
      {
        messages: [message(3, 1), message(4, 2), message(5, 3, { senderId: ME })],
        versions: [{ conversationId: CONV, from: 0, to: 3 }],
      },
      'live',
    );
    expect(applied.isReceiptDue).toBe(true);
    expect(await conversation()).toMatchObject({ receiptDue: 1, unreadCount: 2 });
    expect((await conversation())?.members).toContainEqual({
      userId: ME,
      deliveredUpTo: 4,
      readUpTo: 0,
    });
  });

  test('[S3.5] marks only rise: an older member state from the server lowers nothing', async () => {
    const { apply, conversation } = setup();
    await known(apply, 0);
    await apply({ members: [marks(OTHER, 9, 6)] }, 'live');
    await apply({ members: [marks(OTHER, 7, 2)] }, 'live');
    expect((await conversation())?.members).toContainEqual({
      userId: OTHER,
      deliveredUpTo: 9,
      readUpTo: 6,
    });
  });

  test('[S3.5] this user’s own marks as the server tells them are confirmed: no receipt is due for them', async () => {
    const { apply, conversation } = setup();
    await known(apply, 2, [message(1, 1), message(2, 2)]);
    expect((await conversation())?.receiptDue).toBe(1);
    const applied = await apply({ members: [marks(ME, 2, 0)] }, 'live');
    expect(applied.isReceiptDue).toBe(false);
    expect(await conversation()).toMatchObject({
      confirmedMarks: { deliveredUpTo: 2, readUpTo: 0 },
    });
    expect((await conversation())?.receiptDue).toBeUndefined();
  });

  test('[S3.5] a read mark from another device of this user clears what is unread here', async () => {
    const { apply, conversation } = setup();
    await known(apply, 3, [message(1, 3), message(2, 3), message(3, 3)]);
    expect((await conversation())?.unreadCount).toBe(3);
    await apply({ members: [marks(ME, 3, 2)] }, 'live');
    expect(await conversation()).toMatchObject({ unreadCount: 1, hasUnread: 1 });
  });

  test('[S3.3] a conversation the user was removed from is dropped with its messages, queue and draft', async () => {
    const { db, apply } = setup();
    await known(apply, 1, [message(1, 1)]);
    await db.drafts.put({ convKey: `s${CONV}`, text: 'half written', updatedAt: 1 });
    await apply({ removed: [CONV] }, 'live');
    expect(await db.conversations.count()).toBe(0);
    expect(await db.messages.count()).toBe(0);
    expect(await db.drafts.count()).toBe(0);
  });

  test('[S3.6] a synced message sorts by its server id', async () => {
    const { db, apply } = setup();
    await known(apply, 2, [message(12, 2), message(3, 2)]);
    const stored = await db.messages.orderBy('[convKey+sortKey]').toArray();
    expect(stored.map((m) => m.sortKey)).toEqual([syncedSortKey(3), syncedSortKey(12)]);
  });
});
