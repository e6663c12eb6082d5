import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import type { PushResult } from '../../shared/sync/protocol.ts';
import { applyChanges, changeTables, newConversationRow } from './apply-changes.ts';
import { type OutboxEntry, openChatDatabase } from './db.ts';
import { createLocalWrites } from './local-writes.ts';
import { createOutbox } from './outbox.ts';
import { createConversationOp, fakeWorld, ME, OTHER } from './test-support/device.ts';

function setup() {
  const { server, other } = fakeWorld();
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
  // As the engine does: an async scope, so Dexie keeps the transaction across awaits.
  const settle = (batch: OutboxEntry[], answer: PushResult) =>
    db.transaction('rw', changeTables(db), async () => {
      return await outbox.settle(batch, answer);
    });
  /** Takes a batch, pushes it to the server and settles the answer, as the engine does. */
  const pushOnce = async (max = 100) => {
    const batch = await outbox.takeBatch(max);
    const answer = await device.push(batch.map((e) => e.op));
    return { batch, answer, settled: await settle(batch, answer) };
  };
  const open = (otherUserId = OTHER) =>
    writes.openConversation({
      otherUserId,
      otherDisplayName: 'Bob',
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    });
  /** A conversation OTHER started, as a pull from the server stored it here. */
  const synced = async () => {
    await other.push([createConversationOp(ME)]);
    const page = await device.pull({ cursor: null });
    await db.transaction('rw', changeTables(db), async () => {
      await applyChanges(db, ME, page.changes, 'full');
    });
    const [view] = page.changes.conversations;
    if (!view) throw new Error('nothing pulled');
    return { convKey: `s${view.conversationId}`, view };
  };
  return { server, device, db, outbox, writes, settle, pushOnce, open, synced };
}

describe('the outbox', () => {
  test('[S3.1][S3.2] a conversation started here and a message in it go in one push and come back synced', async () => {
    const { db, pushOnce, open, writes } = setup();
    const convKey = await open();
    const id = await writes.sendMessage(convKey, 'hello');
    const { batch, settled } = await pushOnce();

    expect(batch.map((e) => e.op)).toMatchObject([
      { kind: 'createConversation', clientConvId: convKey },
      { kind: 'send', clientMsgId: id, conversation: { clientConvId: convKey } },
    ]);
    expect(settled).toMatchObject({ hasRetry: false, rejected: 0 });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.messages.get(id)).toMatchObject({ status: 'sent', serverId: 1, version: 1 });
    // The push answer's step joins the version the device had: it holds every change.
    expect(await db.conversations.get(convKey)).toMatchObject({
      serverId: 1,
      version: 1,
      pendingCount: 0,
    });
  });

  test('[S3.1] a conversation opened here stays on this device, with nothing queued, until its first message', async () => {
    const { db, open, writes, outbox } = setup();
    const convKey = await open();
    expect(await open()).toBe(convKey);
    expect(await db.conversations.get(convKey)).toMatchObject({ serverId: null });
    expect(await outbox.takeBatch(100)).toEqual([]);

    await writes.sendMessage(convKey, 'hello');
    expect((await db.outbox.toArray()).map((e) => e.kind)).toEqual(['createConversation', 'send']);
  });

  test('[S3.2] a batch is the oldest operations that were not refused and are not in flight, in order', async () => {
    const { db, outbox, writes, synced } = setup();
    const { convKey } = await synced();
    for (let i = 0; i < 5; i++) await writes.sendMessage(convKey, `m${i}`);
    const seqs = (await db.outbox.toArray()).map((e) => e.seq ?? 0);
    await db.outbox.update(seqs[1]!, { rejected: { code: 'NOT_FOUND', reason: 'x' } });

    const first = await outbox.takeBatch(2);
    expect(first.map((e) => e.seq)).toEqual([seqs[0], seqs[2]]);
    const second = await outbox.takeBatch(10);
    expect(second.map((e) => e.seq)).toEqual([seqs[3], seqs[4]]);
    // A push that failed as a whole gives its entries back.
    outbox.release(first);
    expect((await outbox.takeBatch(10)).map((e) => e.seq)).toEqual([seqs[0], seqs[2]]);
  });

  test('[S3.2] a batch stays within its size in JSON, but always takes the first entry', async () => {
    const { outbox, writes, synced } = setup();
    const { convKey } = await synced();
    for (let i = 0; i < 3; i++) await writes.sendMessage(convKey, `${i} ${'x'.repeat(500)}`);
    // Each operation is a little over 600 characters of JSON.
    const two = await outbox.takeBatch(10, 1500);
    expect(two).toHaveLength(2);
    outbox.release(two);
    expect(await outbox.takeBatch(10, 10)).toHaveLength(1);
  });

  test('[S3.2] an entry that cannot be read back fails alone; the ones behind it still go', async () => {
    const { db, outbox, writes, synced } = setup();
    const { convKey } = await synced();
    const broken = await writes.sendMessage(convKey, 'stored by an older version');
    const fine = await writes.sendMessage(convKey, 'fine');
    const [entry] = await db.outbox.where('clientMsgId').equals(broken).toArray();
    if (entry?.op.kind !== 'send') throw new Error('no send queued');
    await db.outbox.update(entry.seq!, { op: { ...entry.op, clientMsgId: 'not-a-uuid' } });

    const batch = await outbox.takeBatch(10);
    expect(batch.map((e) => e.clientMsgId)).toEqual([fine]);
    expect(await db.messages.get(broken)).toMatchObject({
      status: 'failed',
      failure: { code: 'VALIDATION_FAILED' },
    });
    expect((await db.outbox.get(entry.seq!))?.rejected).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  test('[S3.2] a refused send fails its message with the reason; the rest of the push is settled', async () => {
    const { db, pushOnce, writes, synced } = setup();
    const { convKey } = await synced();
    // A conversation this device knows that the server does not (not the user's).
    await db.conversations.add(
      newConversationRow('s99', {
        ...(await db.conversations.get(convKey))!,
        conversationId: 99,
        otherUser: { userId: OTHER, displayName: 'Bob' },
        isActive: true,
        user1Id: ME,
        user2Id: OTHER,
        updatedAt: '2025-01-01T00:00:00.000Z',
        lastMessageId: null,
        lastMessageAt: null,
        isGroup: false,
        title: null,
        leftUpTo: null,
        clientConvId: null,
      }),
    );
    const good = await writes.sendMessage(convKey, 'one');
    const bad = await writes.sendMessage('s99', 'two');
    const { settled } = await pushOnce();

    expect(settled).toMatchObject({ rejected: 1, hasRetry: false });
    expect((await db.messages.get(good))?.status).toBe('sent');
    expect(await db.messages.get(bad)).toMatchObject({
      status: 'failed',
      failure: { code: 'NOT_FOUND', reason: 'conversation not found' },
    });
    expect(await db.outbox.toArray()).toMatchObject([
      { clientMsgId: bad, rejected: { code: 'NOT_FOUND' } },
    ]);
    expect(await db.conversations.get('s99')).toMatchObject({ failedCount: 1, pendingCount: 0 });
  });

  test('[S3.2] a refused conversation fails the messages waiting on it, also those not in its push', async () => {
    const { db, outbox, pushOnce, open, writes } = setup();
    const convKey = await open(404);
    const inPush = await writes.sendMessage(convKey, 'in the push');
    const later = await writes.sendMessage(convKey, 'in the next push');
    await pushOnce(2);

    expect(await db.conversations.get(convKey)).toMatchObject({
      serverId: null,
      createFailure: { code: 'NOT_FOUND', reason: 'user not found' },
    });
    for (const id of [inPush, later]) {
      expect(await db.messages.get(id)).toMatchObject({
        status: 'failed',
        failure: { code: 'CONVERSATION_REJECTED' },
      });
    }
    expect(await outbox.takeBatch(10)).toEqual([]);
  });

  test('[S3.2] operations answered "retry later" stay queued and are taken again', async () => {
    const { db, outbox, settle, writes, synced } = setup();
    const { convKey } = await synced();
    const id = await writes.sendMessage(convKey, 'later');
    const batch = await outbox.takeBatch(10);
    const settled = await settle(batch, {
      results: batch.map((e) => ({ opId: e.op.opId, status: 'retry', reason: 'unavailable' })),
      versions: [],
      members: [],
      rosters: [],
    });
    expect(settled.hasRetry).toBe(true);
    expect((await db.messages.get(id))?.status).toBe('pending');
    expect((await outbox.takeBatch(10)).map((e) => e.clientMsgId)).toEqual([id]);
  });

  test('[S3.2] a push sent again after its answer was lost settles each message once', async () => {
    const { server, device, db, outbox, settle, writes, synced } = setup();
    const { convKey } = await synced();
    const ids = [await writes.sendMessage(convKey, 'a'), await writes.sendMessage(convKey, 'b')];
    const batch = await outbox.takeBatch(10);
    device.loseNextPushAnswer();
    await expect(device.push(batch.map((e) => e.op))).rejects.toMatchObject({ kind: 'network' });
    outbox.release(batch);

    const again = await outbox.takeBatch(10);
    const answer = await device.push(again.map((e) => e.op));
    expect(answer.results).toMatchObject([
      { status: 'accepted', duplicate: true },
      { status: 'accepted', duplicate: true },
    ]);
    await settle(again, answer);
    expect(server.messages().map((m) => m.clientMsgId)).toEqual(ids);
    const stored = await db.messages.bulkGet(ids);
    expect(stored.map((m) => [m?.status, m?.serverId])).toEqual([
      ['sent', 1],
      ['sent', 2],
    ]);
  });

  test('[S3.7] an edit waiting behind the send of its message goes after it, and both settle', async () => {
    const { db, pushOnce, writes, synced } = setup();
    const { convKey } = await synced();
    const id = await writes.sendMessage(convKey, 'typo');
    await writes.editMessage(id, 'fixed');
    const { batch } = await pushOnce();
    expect(batch.map((e) => e.op.kind)).toEqual(['send', 'edit']);
    expect(await db.messages.get(id)).toMatchObject({
      status: 'sent',
      content: 'fixed',
      isEdited: true,
      version: 2,
    });
    expect((await db.conversations.get(convKey))?.version).toBe(2);
  });
});
