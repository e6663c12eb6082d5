import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { expect, test } from 'vitest';
import {
  type LocalConversation,
  type LocalMessage,
  openChatDatabase,
  pendingSortKey,
  syncedSortKey,
} from './db.ts';
import {
  conversationByServerId,
  listConversations,
  messagePage,
  outboxMessages,
  searchMessages,
  totalUnread,
} from './queries.ts';
import { messageWords } from './words.ts';

function conversation(key: string, fields: Partial<LocalConversation> = {}): LocalConversation {
  return {
    key,
    serverId: null,
    otherUserId: 2,
    otherDisplayName: 'B',
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    lastActivityAt: '2025-01-01T00:00:00.000Z',
    lastMessagePreview: null,
    lastMessageSenderId: null,
    unreadCount: 0,
    pendingCount: 0,
    failedCount: 0,
    muted: false,
    version: 0,
    members: [],
    confirmedMarks: { deliveredUpTo: 0, readUpTo: 0 },
    ...fields,
  };
}

let counter = 0;
function message(
  convKey: string,
  fields: Partial<LocalMessage> & { content: string },
): LocalMessage {
  counter++;
  const serverId = fields.serverId === undefined ? counter : fields.serverId;
  return {
    clientMsgId: `m${counter}`,
    convKey,
    serverId,
    senderId: 1,
    messageType: 'text',
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, counter)).toISOString(),
    updatedAt: '2025-01-01T00:00:00.000Z',
    status: serverId === null ? 'pending' : 'sent',
    isEdited: false,
    isDeleted: false,
    version: 0,
    sortKey: serverId === null ? pendingSortKey(counter) : syncedSortKey(serverId),
    words: messageWords(fields.content),
    failure: null,
    ...fields,
  };
}

function openDb() {
  return openChatDatabase(1, { indexedDB: new IDBFactory(), IDBKeyRange });
}

test('[S3.6] a page shows synced messages in server order, then pending ones in the order they were written', async () => {
  const db = openDb();
  await db.messages.bulkAdd([
    message('a', { content: 'pending 1', serverId: null }),
    message('a', { content: 'synced 12', serverId: 12 }),
    message('a', { content: 'synced 3', serverId: 3 }),
    message('a', { content: 'pending 2', serverId: null }),
    message('b', { content: 'other conversation', serverId: 5 }),
  ]);
  const all = await messagePage(db, 'a', { limit: 10 });
  expect(all.map((m) => m.content)).toEqual(['synced 3', 'synced 12', 'pending 1', 'pending 2']);
  const latest = await messagePage(db, 'a', { limit: 2 });
  expect(latest.map((m) => m.content)).toEqual(['pending 1', 'pending 2']);
  const older = await messagePage(db, 'a', { limit: 2, beforeSortKey: latest[0]!.sortKey });
  expect(older.map((m) => m.content)).toEqual(['synced 3', 'synced 12']);
});

test('conversations come newest activity first; one is found by its server id', async () => {
  const db = openDb();
  await db.conversations.bulkAdd([
    conversation('old', { lastActivityAt: '2025-01-01T00:00:00.000Z', serverId: 4 }),
    conversation('new', { lastActivityAt: '2025-03-01T00:00:00.000Z' }),
    conversation('mid', { lastActivityAt: '2025-02-01T00:00:00.000Z', serverId: 9 }),
  ]);
  expect((await listConversations(db)).map((c) => c.key)).toEqual(['new', 'mid', 'old']);
  expect((await conversationByServerId(db, 9))?.key).toBe('mid');
});

test('the outbox list holds pending and failed messages across conversations', async () => {
  const db = openDb();
  await db.messages.bulkAdd([
    message('a', { content: 'x', serverId: null }),
    message('b', { content: 'y', serverId: null, status: 'failed' }),
    message('a', { content: 'z', serverId: 7 }),
  ]);
  expect((await outboxMessages(db)).map((m) => m.content)).toEqual(['x', 'y']);
});

test('total unread counts the conversations on the unread index and leaves muted ones out', async () => {
  const db = openDb();
  await db.conversations.bulkAdd([
    conversation('a', { unreadCount: 3, hasUnread: 1 }),
    conversation('b', { unreadCount: 2, hasUnread: 1, muted: true }),
    conversation('c', { unreadCount: 1, hasUnread: 1 }),
    conversation('d'),
  ]);
  expect(await totalUnread(db)).toBe(4);
});

test('search needs every query word as a prefix of some word, ignores deleted ones, newest first', async () => {
  const db = openDb();
  await db.messages.bulkAdd([
    message('a', { content: 'Crème brûlée tonight?' }),
    message('a', { content: 'creme only' }),
    message('b', { content: 'brulee and CREMA' }),
    message('a', { content: 'creme brulee', isDeleted: true }),
  ]);
  const found = await searchMessages(db, 'cre BRU');
  expect(found.map((m) => m.content)).toEqual(['brulee and CREMA', 'Crème brûlée tonight?']);
  expect(await searchMessages(db, 'cre', { convKey: 'b' })).toHaveLength(1);
  expect(await searchMessages(db, '   ')).toEqual([]);
  expect(await searchMessages(db, 'nothing')).toEqual([]);
});
