import { describe, expect, test } from 'vitest';
import type { IncomingMessage, SyncStatus } from './api.ts';
import { syncedSortKey } from './db.ts';
import { messagePage } from './queries.ts';
import { ME, OTHER, openTestDevice, type TestDevice } from './test-support/device.ts';
import { incomingView } from './test-support/fake-transport.ts';
import { TransportError } from './transport.ts';

async function conversationWith(device: TestDevice, otherUserId = OTHER): Promise<string> {
  return device.engine.openConversation({
    otherUserId,
    otherDisplayName: 'Other',
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
  });
}

/** A synced conversation with the other user, as a pull would have stored it. */
async function pulledConversation(
  device: TestDevice,
  messages = [] as ReturnType<typeof incomingView>[],
) {
  device.transport.pages.push({
    conversations: [device.transport.conversationView(50, OTHER)],
    messages,
    cursor: 'c1',
    hasMore: false,
  });
  device.engine.start();
  await device.engine.whenIdle();
  return 's50';
}

describe('local writes', () => {
  test('[S3.1] sending writes the pending message and its operation in one transaction', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    const id = await device.engine.sendMessage(convKey, '  Hello there  ');

    const message = await device.db.messages.get(id);
    expect(message).toMatchObject({ status: 'pending', content: 'Hello there', serverId: null });
    expect(message?.words).toEqual(['hello', 'there']);
    const ops = await device.db.outbox.toArray();
    expect(ops.map((e) => e.kind)).toEqual(['createConversation', 'send']);
    expect(ops[1]?.op).toMatchObject({ clientMsgId: id, conversation: { clientConvId: convKey } });
    const conversation = await device.db.conversations.get(convKey);
    expect(conversation).toMatchObject({ pendingCount: 1, lastMessagePreview: 'Hello there' });
    expect(conversation?.lastActivityAt).toBe(message?.createdAt);
  });

  test('[S3.1] a send to an unknown conversation writes nothing', async () => {
    const device = openTestDevice();
    await expect(device.engine.sendMessage('nope', 'hi')).rejects.toThrow();
    expect(await device.db.messages.count()).toBe(0);
    expect(await device.db.outbox.count()).toBe(0);
  });

  test('client message ids are UUIDv7', async () => {
    const device = openTestDevice();
    const id = await device.engine.sendMessage(await conversationWith(device), 'x');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('opening the same pair and context twice gives the same conversation', async () => {
    const device = openTestDevice();
    expect(await conversationWith(device)).toBe(await conversationWith(device));
  });
});

describe('push', () => {
  test('[S3.2] the outbox drains in order, in batches of at most 1000, one push in flight', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    const ids: string[] = [];
    for (let i = 0; i < 1050; i++) ids.push(await device.engine.sendMessage(convKey, `m${i}`));
    device.engine.start();
    await device.engine.whenIdle();

    // The conversation's creation, then 1,050 sends.
    expect(device.transport.pushes.map((p) => p.length)).toEqual([1000, 51]);
    expect(device.transport.maxConcurrentPushes).toBe(1);
    const sent = device.transport.pushes
      .flat()
      .flatMap((op) => (op.kind === 'send' ? [op.clientMsgId] : []));
    expect(sent).toEqual(ids);
    const page = await messagePage(device.db, convKey, { limit: 1100 });
    expect(page.map((m) => m.clientMsgId)).toEqual(ids);
    expect(
      page.every((m) => m.status === 'sent' && m.sortKey === syncedSortKey(m.serverId ?? 0)),
    ).toBe(true);
    expect(await device.db.outbox.count()).toBe(0);
    expect(device.engine.getStatus()).toMatchObject({ pendingCount: 0, failedCount: 0 });
  });

  test('[S3.2] long messages go in pushes of about a megabyte, in order', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) {
      ids.push(await device.engine.sendMessage(convKey, `${i} ${'x'.repeat(9_990)}`));
    }
    device.engine.start();
    await device.engine.whenIdle();

    const sizes = device.transport.pushes.map((ops) => JSON.stringify(ops).length);
    expect(sizes.length).toBe(3);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1_000_000 + 1_000);
    const sent = device.transport.pushes
      .flat()
      .flatMap((op) => (op.kind === 'send' ? [op.clientMsgId] : []));
    expect(sent).toEqual(ids);
  });

  test('[S3.2] a refused operation is recorded and skipped; the ones behind it still go', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    const first = await device.engine.sendMessage(convKey, 'one');
    const bad = await device.engine.sendMessage(convKey, 'two');
    const third = await device.engine.sendMessage(convKey, 'three');
    device.transport.decide = (op) =>
      op.kind === 'send' && op.clientMsgId === bad
        ? { opId: op.opId, status: 'rejected', code: 'VALIDATION_FAILED', reason: 'nope' }
        : null;
    device.engine.start();
    await device.engine.whenIdle();

    expect((await device.db.messages.get(first))?.status).toBe('sent');
    expect((await device.db.messages.get(third))?.status).toBe('sent');
    expect(await device.db.messages.get(bad)).toMatchObject({
      status: 'failed',
      failure: { code: 'VALIDATION_FAILED', reason: 'nope' },
    });
    expect(await device.db.outbox.toArray()).toMatchObject([
      { clientMsgId: bad, rejected: { code: 'VALIDATION_FAILED' } },
    ]);
    expect(device.engine.getStatus().failedCount).toBe(1);
    expect((await device.db.conversations.get(convKey))?.failedCount).toBe(1);

    // Nothing retries it on its own…
    device.transport.pushes.length = 0;
    device.engine.syncNow();
    await device.engine.whenIdle();
    expect(device.transport.pushes).toEqual([]);

    // …until the user does: same client id, fresh operation.
    device.transport.decide = () => null;
    await device.engine.retry(bad);
    await device.engine.whenIdle();
    expect(device.transport.pushes.flat()).toMatchObject([{ kind: 'send', clientMsgId: bad }]);
    expect((await device.db.messages.get(bad))?.status).toBe('sent');
    expect(device.engine.getStatus().failedCount).toBe(0);
  });

  test('[S3.2] discarding a failed message removes it and its operations', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    const bad = await device.engine.sendMessage(convKey, 'two');
    device.transport.decide = (op) =>
      op.kind === 'send'
        ? { opId: op.opId, status: 'rejected', code: 'FORBIDDEN', reason: 'no' }
        : null;
    device.engine.start();
    await device.engine.whenIdle();
    await device.engine.discard(bad);
    expect(await device.db.messages.get(bad)).toBeUndefined();
    expect(await device.db.outbox.count()).toBe(0);
    expect((await device.db.conversations.get(convKey))?.failedCount).toBe(0);
  });

  test('[S3.2] a refused conversation fails the messages waiting on it, and retry creates it again', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    const a = await device.engine.sendMessage(convKey, 'a');
    let refuse = true;
    device.transport.decide = (op) => {
      if (!refuse) return null;
      if (op.kind === 'createConversation') {
        return { opId: op.opId, status: 'rejected', code: 'NOT_FOUND', reason: 'user not found' };
      }
      if (op.kind === 'send') {
        return {
          opId: op.opId,
          status: 'rejected',
          code: 'CONVERSATION_REJECTED',
          reason: 'conversation was rejected',
        };
      }
      return null;
    };
    device.engine.start();
    await device.engine.whenIdle();
    expect(await device.db.messages.get(a)).toMatchObject({
      status: 'failed',
      failure: { code: 'CONVERSATION_REJECTED' },
    });
    expect((await device.db.conversations.get(convKey))?.createFailure).toMatchObject({
      code: 'NOT_FOUND',
    });

    refuse = false;
    device.transport.pushes.length = 0;
    await device.engine.retry(a);
    await device.engine.whenIdle();
    expect(device.transport.pushes.flat().map((op) => op.kind)).toEqual([
      'createConversation',
      'send',
    ]);
    expect((await device.db.messages.get(a))?.status).toBe('sent');
    expect((await device.db.conversations.get(convKey))?.serverId).toBe(10);
  });

  test('sends queued before the create was accepted are pointed at the server id afterwards', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    await device.engine.sendMessage(convKey, 'first');
    let release = () => {};
    device.transport.pushGate = new Promise((resolve) => {
      release = resolve;
    });
    device.engine.start();
    await waitUntil(() => device.transport.pushes.length === 1);
    const second = await device.engine.sendMessage(convKey, 'second');
    device.transport.pushGate = null;
    release();
    await device.engine.whenIdle();

    expect(device.transport.pushes[1]).toMatchObject([
      { kind: 'send', clientMsgId: second, conversation: { conversationId: 10 } },
    ]);
    expect(await device.db.conversations.get(convKey)).toMatchObject({
      serverId: 10,
      pendingCount: 0,
    });
  });

  test('[S3.2] a failed push waits a jittered backoff, and the status says offline meanwhile', async () => {
    const device = openTestDevice({ backoff: { baseMs: 1000, maxMs: 60_000 } });
    const statuses: SyncStatus[] = [];
    device.engine.onStatus((s) => statuses.push(s));
    const convKey = await pulledConversation(device);
    device.transport.setConnected(true);
    device.transport.failNextPush = new TransportError('network', null, 'fetch failed');
    const id = await device.engine.sendMessage(convKey, 'hello');
    await device.engine.whenIdle();

    expect(device.timers.pending().map((t) => t.ms)).toEqual([500]); // random 0.5 × base
    expect(device.engine.getStatus()).toMatchObject({ connectivity: 'offline', pendingCount: 1 });
    expect(device.engine.getStatus().lastError).toContain('fetch failed');
    device.timers.fireAll();
    await device.engine.whenIdle();
    expect((await device.db.messages.get(id))?.status).toBe('sent');
    expect(device.engine.getStatus()).toMatchObject({
      connectivity: 'online',
      lastError: null,
      pendingCount: 0,
    });
    expect(statuses.some((s) => s.connectivity === 'syncing')).toBe(true);
  });

  test('an expired session surfaces as an auth error and is not retried on its own', async () => {
    const device = openTestDevice();
    await device.engine.sendMessage(await conversationWith(device), 'hello');
    device.transport.failNextPush = new TransportError(
      'auth',
      'UNAUTHENTICATED',
      'missing, invalid or expired session token',
    );
    device.engine.start();
    await device.engine.whenIdle();
    expect(device.engine.getStatus()).toMatchObject({
      lastErrorCode: 'UNAUTHENTICATED',
      pendingCount: 1,
    });
    expect(device.timers.pending()).toEqual([]);
    expect(device.transport.pushes).toHaveLength(1);

    device.engine.syncNow();
    await device.engine.whenIdle();
    expect(device.engine.getStatus()).toMatchObject({ lastErrorCode: null, pendingCount: 0 });
  });

  test('[S3.2] the outbox survives a restart', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    const id = await device.engine.sendMessage(convKey, 'kept');
    device.transport.failNextPush = new TransportError('network', null, 'offline');
    device.engine.start();
    await device.engine.whenIdle();
    await device.restart();
    await device.engine.whenIdle();
    expect((await device.db.messages.get(id))?.status).toBe('sent');
    expect(device.transport.pushes.flat().filter((op) => op.kind === 'send')).toHaveLength(2);
    expect(device.transport.messages.size).toBe(1);
  });
});

describe('pull', () => {
  test('[S3.3] a page and the cursor covering it are stored together; each new message is announced once', async () => {
    const device = openTestDevice();
    const incoming: IncomingMessage[] = [];
    device.engine.onIncoming((m) => incoming.push(m));
    const conversation = device.transport.conversationView(50, OTHER);
    const first = incomingView({ messageId: 1, conversationId: 50, senderId: OTHER });
    const second = incomingView({ messageId: 2, conversationId: 50, senderId: OTHER });
    const mine = incomingView({ messageId: 3, conversationId: 50, senderId: ME });
    device.transport.pages.push(
      { conversations: [conversation], messages: [first, second], cursor: 'c1', hasMore: true },
      { conversations: [conversation], messages: [mine], cursor: 'c2', hasMore: false },
    );
    device.engine.start();
    await device.engine.whenIdle();

    // The third pull follows the push of the delivered receipt: the server pokes only the
    // other devices, so the one that pushed pulls what its receipt changed.
    expect(device.transport.pulls).toEqual([null, 'c1', 'c2']);
    expect((await device.db.syncState.get('cursor'))?.value).toBe('c2');
    expect(incoming.map((m) => m.message.serverId)).toEqual([1, 2]);
    expect(incoming[0]?.conversation.key).toBe('s50');
    expect(await device.db.conversations.get('s50')).toMatchObject({
      unreadCount: 2,
      lastMessagePreview: 'message 3',
      otherDisplayName: `User ${OTHER}`,
    });
    expect(device.engine.getStatus().lastSyncedAt).not.toBeNull();

    // A poke pulls again from the stored cursor; the same rows again announce nothing.
    device.transport.pages.push({
      conversations: [],
      messages: [first, { ...second, status: 'delivered', changeSeq: 9 }],
      cursor: 'c3',
      hasMore: false,
    });
    device.transport.poke();
    await device.engine.whenIdle();
    expect(device.transport.pulls.at(-1)).toBe('c2');
    expect(incoming).toHaveLength(2);
  });

  test('[S3.5] storing incoming messages queues one delivered receipt for the highest id', async () => {
    const device = openTestDevice();
    await pulledConversation(device, [
      incomingView({ messageId: 4, conversationId: 50, senderId: OTHER }),
      incomingView({ messageId: 7, conversationId: 50, senderId: OTHER }),
      incomingView({ messageId: 8, conversationId: 50, senderId: ME }),
    ]);
    const receipts = device.transport.pushes.flat().filter((op) => op.kind === 'deliveredUpTo');
    expect(receipts).toMatchObject([{ conversationId: 50, messageId: 7 }]);
    expect((await device.db.conversations.get('s50'))?.deliveredQueuedUpTo).toBe(7);
  });

  test('[S3.5] seeing a conversation reads it locally and queues one read receipt', async () => {
    const device = openTestDevice();
    const convKey = await pulledConversation(device, [
      incomingView({ messageId: 4, conversationId: 50, senderId: OTHER }),
      incomingView({
        messageId: 5,
        conversationId: 50,
        senderId: OTHER,
        isDeleted: true,
        content: '',
      }),
      incomingView({ messageId: 6, conversationId: 50, senderId: OTHER, status: 'delivered' }),
    ]);
    expect((await device.db.conversations.get(convKey))?.unreadCount).toBe(2);
    await device.engine.markSeen(convKey);
    expect((await device.db.conversations.get(convKey))?.unreadCount).toBe(0);
    expect((await device.db.messages.where('serverId').equals(6).first())?.status).toBe('read');
    await device.engine.whenIdle();
    expect(device.transport.pushes.flat().filter((op) => op.kind === 'readUpTo')).toMatchObject([
      { conversationId: 50, messageId: 6 },
    ]);
    // Seen again with nothing new: no second receipt.
    await device.engine.markSeen(convKey);
    await device.engine.whenIdle();
    expect(device.transport.pushes.flat().filter((op) => op.kind === 'readUpTo')).toHaveLength(1);
  });

  test('[S3.5] a status pulled later never moves a message backwards', async () => {
    const device = openTestDevice();
    const convKey = await pulledConversation(device, [
      incomingView({
        messageId: 4,
        conversationId: 50,
        senderId: ME,
        status: 'read',
        changeSeq: 5,
      }),
    ]);
    device.transport.pages.push({
      conversations: [],
      messages: [
        incomingView({
          messageId: 4,
          conversationId: 50,
          senderId: ME,
          status: 'delivered',
          changeSeq: 9,
        }),
      ],
      cursor: 'c2',
      hasMore: false,
    });
    device.transport.poke();
    await device.engine.whenIdle();
    const [message] = await messagePage(device.db, convKey, { limit: 10 });
    expect(message).toMatchObject({ status: 'read', serverStatus: 'read' });
  });

  test('[S3.7] pulled state does not overwrite an edit still waiting in the outbox', async () => {
    const device = openTestDevice();
    const convKey = await pulledConversation(device);
    const id = await device.engine.sendMessage(convKey, 'original');
    await device.engine.whenIdle();
    const synced = device.transport.messages.get(id)!;

    device.transport.failNextPush = new TransportError('network', null, 'offline');
    await device.engine.editMessage(id, 'edited');
    await device.engine.whenIdle();
    device.transport.pages.push({
      conversations: [],
      messages: [{ ...synced, status: 'delivered', changeSeq: synced.changeSeq + 100 }],
      cursor: 'c2',
      hasMore: false,
    });
    device.transport.poke();
    await device.engine.whenIdle();
    expect(await device.db.messages.get(id)).toMatchObject({
      content: 'edited',
      isEdited: true,
      status: 'delivered',
    });

    device.timers.fireAll();
    await device.engine.whenIdle();
    expect(device.transport.messages.get(id)).toMatchObject({ content: 'edited', isEdited: true });
    expect(await device.db.messages.get(id)).toMatchObject({
      content: 'edited',
      words: ['edited'],
    });
  });

  test('[S3.7] a delete wins over an edit, locally and from the server', async () => {
    const device = openTestDevice();
    const convKey = await pulledConversation(device);
    const a = await device.engine.sendMessage(convKey, 'a');
    const b = await device.engine.sendMessage(convKey, 'b');
    await device.engine.whenIdle();

    await device.engine.deleteMessage(a);
    await device.engine.editMessage(a, 'too late');
    expect(await device.db.messages.get(a)).toMatchObject({
      isDeleted: true,
      content: '',
      words: [],
    });

    // b: edited here (not yet pushed), deleted on another device.
    device.transport.failNextPush = new TransportError('network', null, 'offline');
    await device.engine.editMessage(b, 'edited');
    await device.engine.whenIdle();
    const bOnServer = device.transport.messages.get(b)!;
    device.transport.pages.push({
      conversations: [],
      messages: [
        { ...bOnServer, isDeleted: true, content: '', changeSeq: bOnServer.changeSeq + 100 },
      ],
      cursor: 'c2',
      hasMore: false,
    });
    device.transport.poke();
    await device.engine.whenIdle();
    expect(await device.db.messages.get(b)).toMatchObject({ isDeleted: true, content: '' });
    expect((await device.db.conversations.get(convKey))?.lastMessagePreview).toBeNull();
  });

  test('a conversation pulled while this device is still creating it is adopted, not duplicated', async () => {
    const device = openTestDevice();
    const convKey = await conversationWith(device);
    await device.engine.sendMessage(convKey, 'hi');
    device.transport.failNextPush = new TransportError('network', null, 'offline');
    device.transport.pages.push({
      conversations: [device.transport.conversationView(77, OTHER)],
      messages: [incomingView({ messageId: 1, conversationId: 77, senderId: OTHER })],
      cursor: 'c1',
      hasMore: false,
    });
    device.engine.start();
    await device.engine.whenIdle();
    expect(await device.db.conversations.toArray()).toMatchObject([
      { key: convKey, serverId: 77, unreadCount: 1 },
    ]);
    const send = (await device.db.outbox.toArray()).find((e) => e.kind === 'send');
    expect(send?.op).toMatchObject({ conversation: { conversationId: 77 } });
  });

  test('a create accepted for a conversation already stored under its server key merges the two', async () => {
    const device = openTestDevice();
    await device.db.conversations.add({
      key: 's10',
      serverId: 10,
      otherUserId: 99,
      otherDisplayName: 'Someone',
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
    });
    await device.db.drafts.put({ convKey: 's10', text: 'draft', updatedAt: 1 });
    device.transport.pages.push({
      conversations: [],
      messages: [incomingView({ messageId: 1, conversationId: 10, senderId: OTHER })],
      cursor: 'c1',
      hasMore: false,
    });
    const convKey = await conversationWith(device);
    const mine = await device.engine.sendMessage(convKey, 'mine');
    device.engine.start();
    await device.engine.whenIdle();

    expect((await device.db.conversations.toArray()).map((c) => c.key)).toEqual([convKey]);
    const page = await messagePage(device.db, convKey, { limit: 10 });
    expect(page.map((m) => m.serverId)).toEqual([1, 100]);
    expect(page[1]?.clientMsgId).toBe(mine);
    expect(await device.db.drafts.get(convKey)).toMatchObject({ text: 'draft' });
    expect(await device.db.conversations.get(convKey)).toMatchObject({
      serverId: 10,
      unreadCount: 1,
    });
  });
});

describe('connection', () => {
  test('[S3.4][S3.8] coming back online skips the backoff: it pulls from the stored cursor and pushes at once', async () => {
    const device = openTestDevice({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
    const convKey = await pulledConversation(device);
    device.transport.setConnected(true);
    device.transport.failNextPush = new TransportError('network', null, 'offline');
    const id = await device.engine.sendMessage(convKey, 'waiting');
    await device.engine.whenIdle();
    expect(device.timers.pending()).toHaveLength(1);
    const pullsBefore = device.transport.pulls.length;

    device.transport.setConnected(false);
    expect(device.engine.getStatus().connectivity).toBe('offline');
    device.transport.setConnected(true);
    await device.engine.whenIdle();
    expect(device.timers.pending()).toHaveLength(0);
    expect(device.transport.pulls.slice(pullsBefore)).toEqual(['c1']);
    expect((await device.db.messages.get(id))?.status).toBe('sent');
  });

  test('partners online: a snapshot replaces the set, changes adjust it, a lost connection clears it', async () => {
    const device = openTestDevice();
    const seen: number[][] = [];
    device.engine.onOnlineUsers((ids) => seen.push([...ids].sort()));
    device.engine.start();
    device.transport.setConnected(true);
    device.transport.presence({ snapshot: true, online: [2, 3], offline: [] });
    device.transport.presence({ snapshot: false, online: [4], offline: [2] });
    expect([...device.engine.getOnlineUsers()].sort()).toEqual([3, 4]);
    device.transport.presence({ snapshot: true, online: [5], offline: [] });
    device.transport.setConnected(false);
    expect(seen).toEqual([[2, 3], [3, 4], [5], []]);
    await device.engine.stop();
  });

  test('[S3.3] a cursor the server no longer recognises is dropped and the pull starts over', async () => {
    const device = openTestDevice();
    await pulledConversation(device);
    device.transport.failNextPull = new TransportError(
      'permanent',
      'VALIDATION_FAILED',
      'unrecognised cursor',
    );
    device.transport.poke();
    await device.engine.whenIdle();
    expect(device.transport.pulls.slice(-2)).toEqual(['c1', null]);
    expect(device.engine.getStatus().lastError).toBeNull();
  });

  test('a push refused as a whole (not per operation) backs off and fails no message', async () => {
    const device = openTestDevice();
    const convKey = await pulledConversation(device);
    device.transport.failNextPush = new TransportError(
      'permanent',
      'PAYLOAD_TOO_LARGE',
      'too large',
    );
    const id = await device.engine.sendMessage(convKey, 'hello');
    await device.engine.whenIdle();
    expect((await device.db.messages.get(id))?.status).toBe('pending');
    expect(device.engine.getStatus()).toMatchObject({
      lastErrorCode: 'PAYLOAD_TOO_LARGE',
      failedCount: 0,
    });
    expect(device.timers.pending()).toHaveLength(1);
  });
});

async function waitUntil(probe: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
