import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import type { Watermarks } from '../../shared/sync/status.ts';
import { type LocalConversation, openChatDatabase } from './db.ts';
import { displayedStatus, receiptFields, withMemberMarks } from './marks.ts';
import { createReceipts } from './receipts.ts';

const ME = 1;
const OTHER = 2;

function setup() {
  const db = openChatDatabase(ME, { indexedDB: new IDBFactory(), IDBKeyRange });
  const receipts = createReceipts({ db, userId: ME, newId: () => crypto.randomUUID() });
  return { db, receipts };
}

/** A synced conversation whose own marks and confirmed marks are as given, with the
 * `receiptDue` flag the sync would have set. */
function conversation(
  serverId: number | null,
  mine: Watermarks,
  confirmedMarks: Watermarks = { deliveredUpTo: 0, readUpTo: 0 },
): LocalConversation {
  const members = [
    { userId: ME, ...mine },
    { userId: OTHER, deliveredUpTo: 0, readUpTo: 0 },
  ];
  return {
    key: serverId === null ? crypto.randomUUID() : `s${serverId}`,
    serverId,
    otherUserId: OTHER,
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
    ...receiptFields(members, confirmedMarks, ME),
  };
}

describe('receipts due from the marks', () => {
  test('[S3.5] a read mark ahead of what the server confirmed is one read receipt, which covers delivery too', async () => {
    const { db, receipts } = setup();
    await db.conversations.add(conversation(5, { deliveredUpTo: 9, readUpTo: 9 }));
    expect((await receipts.due(10)).map((r) => r.op)).toMatchObject([
      { kind: 'readUpTo', conversationId: 5, messageId: 9 },
    ]);
  });

  test('[S3.5] delivered beyond read is a delivered receipt besides the read one', async () => {
    const { db, receipts } = setup();
    await db.conversations.add(conversation(5, { deliveredUpTo: 12, readUpTo: 9 }));
    expect((await receipts.due(10)).map((r) => r.op)).toMatchObject([
      { kind: 'readUpTo', messageId: 9 },
      { kind: 'deliveredUpTo', messageId: 12 },
    ]);
  });

  test('[S3.2] receipts due never exceed the operations asked for; what is left stays due', async () => {
    const { db, receipts } = setup();
    await db.conversations.bulkAdd([
      conversation(5, { deliveredUpTo: 12, readUpTo: 9 }),
      conversation(6, { deliveredUpTo: 8, readUpTo: 7 }),
    ]);
    const first = await receipts.due(3);
    expect(first.map((r) => r.op)).toMatchObject([
      { kind: 'readUpTo', conversationId: 5 },
      { kind: 'deliveredUpTo', conversationId: 5 },
      { kind: 'readUpTo', conversationId: 6 },
    ]);
    receipts.confirm(first);
    expect((await receipts.due(3)).map((r) => r.op)).toMatchObject([
      { kind: 'deliveredUpTo', conversationId: 6, messageId: 8 },
    ]);
  });

  test('[S3.5] only what the server has not confirmed is due', async () => {
    const { db, receipts } = setup();
    await db.conversations.bulkAdd([
      conversation(5, { deliveredUpTo: 12, readUpTo: 9 }, { deliveredUpTo: 12, readUpTo: 4 }),
      conversation(6, { deliveredUpTo: 3, readUpTo: 3 }, { deliveredUpTo: 3, readUpTo: 3 }),
    ]);
    expect((await receipts.due(10)).map((r) => r.op)).toMatchObject([
      { kind: 'readUpTo', conversationId: 5, messageId: 9 },
    ]);
    expect(await db.conversations.where('receiptDue').equals(1).primaryKeys()).toEqual(['s5']);
  });

  test('[S3.5] a conversation the server does not know yet has no receipt to send', async () => {
    const { db, receipts } = setup();
    await db.conversations.add(conversation(null, { deliveredUpTo: 4, readUpTo: 4 }));
    expect(await receipts.due(10)).toEqual([]);
  });

  test('[S3.5] a confirmed receipt is not due again, and is written with the next transaction', async () => {
    const { db, receipts } = setup();
    await db.conversations.add(conversation(5, { deliveredUpTo: 9, readUpTo: 9 }));
    receipts.confirm(await receipts.due(10));
    expect(await receipts.due(10)).toEqual([]);
    expect(receipts.hasUnpersisted()).toBe(true);
    expect((await db.conversations.get('s5'))?.receiptDue).toBe(1);

    await db.transaction('rw', db.conversations, async () => {
      await receipts.persist();
    });
    expect(receipts.hasUnpersisted()).toBe(false);
    const stored = await db.conversations.get('s5');
    expect(stored?.confirmedMarks).toEqual({ deliveredUpTo: 9, readUpTo: 9 });
    expect(stored?.receiptDue).toBeUndefined();
  });

  test('[S3.5] a mark raised after its receipt was taken stays due when the older one is confirmed', async () => {
    const { db, receipts } = setup();
    await db.conversations.add(conversation(5, { deliveredUpTo: 9, readUpTo: 9 }));
    const sent = await receipts.due(10);
    // The user reads further while the push is on its way.
    const row = await db.conversations.get('s5');
    const members = withMemberMarks(row?.members ?? [], {
      userId: ME,
      deliveredUpTo: 14,
      readUpTo: 14,
    });
    await db.conversations.update('s5', receiptFields(members, row!.confirmedMarks, ME));
    receipts.confirm(sent);
    await db.transaction('rw', db.conversations, async () => {
      await receipts.persist();
    });

    expect((await db.conversations.get('s5'))?.receiptDue).toBe(1);
    expect((await receipts.due(10)).map((r) => r.op)).toMatchObject([
      { kind: 'readUpTo', messageId: 14 },
    ]);
  });

  test('[S3.5] confirming an older receipt never lowers what was confirmed', async () => {
    const { db, receipts } = setup();
    await db.conversations.add(
      conversation(5, { deliveredUpTo: 9, readUpTo: 9 }, { deliveredUpTo: 9, readUpTo: 9 }),
    );
    receipts.confirm([
      {
        op: { opId: crypto.randomUUID(), kind: 'readUpTo', conversationId: 5, messageId: 3 },
        convKey: 's5',
        marks: { deliveredUpTo: 3, readUpTo: 3 },
      },
    ]);
    await db.transaction('rw', db.conversations, async () => {
      await receipts.persist();
    });
    expect((await db.conversations.get('s5'))?.confirmedMarks).toEqual({
      deliveredUpTo: 9,
      readUpTo: 9,
    });
  });

  test('[S3.5] at most as many receipts as asked for are taken', async () => {
    const { db, receipts } = setup();
    await db.conversations.bulkAdd(
      [1, 2, 3].map((id) => conversation(id, { deliveredUpTo: 4, readUpTo: 4 })),
    );
    expect(await receipts.due(2)).toHaveLength(2);
  });
});

describe('watermarks', () => {
  const members = [{ userId: OTHER, deliveredUpTo: 8, readUpTo: 5 }];

  test('[S3.5] marks merge by maximum: an older or partial state lowers nothing', () => {
    expect(withMemberMarks(members, { userId: OTHER, deliveredUpTo: 3, readUpTo: 2 })).toBe(
      members,
    );
    expect(withMemberMarks(members, { userId: OTHER, deliveredUpTo: 0, readUpTo: 7 })).toEqual([
      { userId: OTHER, deliveredUpTo: 8, readUpTo: 7 },
    ]);
  });

  test('[S3.5] reading implies delivery', () => {
    expect(withMemberMarks(members, { userId: OTHER, deliveredUpTo: 0, readUpTo: 11 })).toEqual([
      { userId: OTHER, deliveredUpTo: 11, readUpTo: 11 },
    ]);
  });

  test('[S3.5] one’s own message shows sent, delivered or read as far as the recipient’s marks go', () => {
    const shown = (serverId: number | null, status: 'pending' | 'failed' | 'sent') =>
      displayedStatus({ serverId, status, senderId: ME }, { members, otherUserId: OTHER }, ME);
    expect([shown(4, 'sent'), shown(6, 'sent'), shown(9, 'sent')]).toEqual([
      'read',
      'delivered',
      'sent',
    ]);
    expect([shown(null, 'pending'), shown(4, 'failed')]).toEqual(['pending', 'failed']);
  });
});
