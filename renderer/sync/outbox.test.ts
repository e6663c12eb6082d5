import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { expect, test } from 'vitest';
import { type LocalConversation, openChatDatabase } from './db.ts';
import { createOutbox } from './outbox.ts';

function setup() {
  const db = openChatDatabase(1, { indexedDB: new IDBFactory(), IDBKeyRange });
  let n = 0;
  const outbox = createOutbox({
    db,
    userId: 1,
    newId: () => `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
  });
  const conversation: LocalConversation = {
    key: 's5',
    serverId: 5,
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
  };
  return { db, outbox, conversation };
}

test('[S3.5] a waiting receipt is raised instead of queuing another', async () => {
  const { db, outbox, conversation } = setup();
  await db.conversations.add(conversation);
  await db.transaction('rw', db.conversations, db.outbox, async () => {
    expect(await outbox.queueReceipt(conversation, 'deliveredUpTo', 7)).toBe(true);
    expect(await outbox.queueReceipt(conversation, 'deliveredUpTo', 9)).toBe(true);
    expect(await outbox.queueReceipt(conversation, 'deliveredUpTo', 8)).toBe(false);
  });
  expect((await db.outbox.toArray()).map((e) => e.op)).toMatchObject([
    { kind: 'deliveredUpTo', messageId: 9 },
  ]);
});

test('[S3.5] a receipt already in flight is not rewritten; the higher one is queued after it', async () => {
  const { db, outbox, conversation } = setup();
  await db.conversations.add(conversation);
  await db.transaction('rw', db.conversations, db.outbox, () =>
    outbox.queueReceipt(conversation, 'readUpTo', 7),
  );
  const batch = await outbox.takeBatch(10);
  await db.transaction('rw', db.conversations, db.outbox, () =>
    outbox.queueReceipt(conversation, 'readUpTo', 9),
  );
  expect((await db.outbox.toArray()).map((e) => e.op)).toMatchObject([
    { kind: 'readUpTo', messageId: 7 },
    { kind: 'readUpTo', messageId: 9 },
  ]);
  await outbox.settle(batch, [{ opId: batch[0]!.op.opId, status: 'accepted' }]);
  expect((await db.outbox.toArray()).map((e) => e.op)).toMatchObject([
    { kind: 'readUpTo', messageId: 9 },
  ]);
});

test('[S3.5] a delivered receipt at or below a queued read receipt is not queued', async () => {
  const { db, outbox, conversation } = setup();
  await db.conversations.add(conversation);
  await db.transaction('rw', db.conversations, db.outbox, async () => {
    await outbox.queueReceipt(conversation, 'readUpTo', 9);
    expect(await outbox.queueReceipt(conversation, 'deliveredUpTo', 9)).toBe(false);
  });
  expect(await db.outbox.count()).toBe(1);
});

test('[S3.2] a batch is the oldest operations that were not refused, in order', async () => {
  const { db, outbox, conversation } = setup();
  await db.conversations.add(conversation);
  for (let i = 0; i < 5; i++) {
    await db.transaction('rw', db.conversations, db.outbox, () =>
      outbox.queueReceipt({ ...conversation, key: `k${i}` }, 'readUpTo', i + 1),
    );
  }
  await db.outbox.update(2, { rejected: { code: 'NOT_FOUND', reason: 'x' } });
  const batch = await outbox.takeBatch(3);
  expect(batch.map((e) => e.seq)).toEqual([1, 3, 4]);
});

test('[S3.5] a receipt raised while its push is being settled is not lost with it', async () => {
  const { db, outbox, conversation } = setup();
  await db.conversations.add(conversation);
  await db.transaction('rw', db.conversations, db.outbox, () =>
    outbox.queueReceipt(conversation, 'deliveredUpTo', 7),
  );
  const batch = await outbox.takeBatch(10);
  // A pull stores a newer message while the push's answer is being applied: its
  // transaction started first, so it must still see the receipt as in flight.
  const pull = db.transaction('rw', db.conversations, db.outbox, async () => {
    await db.outbox.count();
    await outbox.queueReceipt(conversation, 'deliveredUpTo', 9);
  });
  const settled = outbox.settle(batch, [{ opId: batch[0]!.op.opId, status: 'accepted' }]);
  await Promise.all([pull, settled]);
  expect((await db.outbox.toArray()).map((e) => e.op)).toMatchObject([
    { kind: 'deliveredUpTo', messageId: 9 },
  ]);
});
