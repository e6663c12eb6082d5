import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import type { LiveEvent } from '../../shared/sync/protocol.ts';
import type { IncomingMessage, SyncStatus } from './api.ts';
import { syncedSortKey } from './db.ts';
import { displayedStatus } from './marks.ts';
import { messagePage } from './queries.ts';
import {
  conversationFromOther,
  fakeWorld,
  ME,
  OTHER,
  openTestDevice,
  receiptOp,
  sendFromOther,
  sendOp,
  type TestDevice,
  type TestDeviceOptions,
  testProfile,
} from './test-support/device.ts';
import { createFakeServer, type FakeTransport } from './test-support/fake-transport.ts';
import { TransportError } from './transport.ts';

const HEAD_CHECK = 5_000;
const GAP_GRACE = 1_500;
const RECEIPT_FLUSH = 3_000;
/** The first backoff the test devices wait: random 0.5 × 1 s. */
const FIRST_BACKOFF = 500;

function openWith(device: TestDevice, otherUserId = OTHER): Promise<string> {
  return device.engine.openConversation({
    otherUserId,
    otherDisplayName: 'Other',
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
  });
}

/** ME's device running against a server where OTHER has a device too. */
async function running(options: TestDeviceOptions = {}) {
  const { server, other } = fakeWorld();
  const device = openTestDevice({ server, ...options });
  device.engine.start();
  await device.settle();
  return { server, other, device };
}

/** As `running`, with a conversation OTHER started, which the device heard of live. */
async function inConversation(options: TestDeviceOptions = {}) {
  const world = await running(options);
  const conversationId = await conversationFromOther(world.other);
  await world.device.settle();
  return { ...world, conversationId, convKey: `s${conversationId}` };
}

async function waitUntil(probe: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Live events for the device whose messages match are held; `release` delivers them in
 * the order asked for. */
function holdLive(transport: FakeTransport, isHeld: (event: LiveEvent) => boolean) {
  const held: (() => void)[] = [];
  transport.routeLive((event, deliver) => {
    if (isHeld(event)) held.push(deliver);
    else deliver();
  });
  return {
    count: () => held.length,
    release(order: 'as-sent' | 'reversed' = 'as-sent') {
      const due = held.splice(0);
      for (const deliver of order === 'reversed' ? due.reverse() : due) deliver();
    },
    drop: () => void held.splice(0),
  };
}

const carries = (event: LiveEvent, content: string) =>
  event.type === 'changes' && event.changes.messages.some((m) => m.content === content);

describe('local writes', () => {
  test('[S3.1] sending writes the pending message, its operation and the list fields in one transaction', async () => {
    let writes = 0;
    const device = openTestDevice({ onWriteTransaction: () => writes++ });
    const convKey = await openWith(device);
    writes = 0;
    const id = await device.engine.sendMessage(convKey, '  Hello there  ');

    expect(writes).toBe(1);
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

  test('[S3.1] client message ids are UUIDv7', async () => {
    const device = openTestDevice();
    const id = await device.engine.sendMessage(await openWith(device), 'x');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('[S3.6] pending messages keep the order they were written in, even when the clock goes back', async () => {
    let clock = Date.UTC(2025, 0, 10);
    const device = openTestDevice({ engine: { now: () => (clock -= 60_000) } });
    const convKey = await openWith(device);
    const ids = [];
    for (const text of ['first', 'second', 'third']) {
      ids.push(await device.engine.sendMessage(convKey, text));
    }
    const page = await messagePage(device.db, convKey, { limit: 10 });
    expect(page.map((m) => m.clientMsgId)).toEqual(ids);
  });

  test('opening the same pair and context twice gives the same conversation', async () => {
    const device = openTestDevice();
    expect(await openWith(device)).toBe(await openWith(device));
  });
});

describe('push', () => {
  test('[S3.2] the outbox drains in order, in batches of at most 1000, one push at a time', async () => {
    const device = openTestDevice();
    const convKey = await openWith(device);
    const ids: string[] = [];
    for (let i = 0; i < 1050; i++) ids.push(await device.engine.sendMessage(convKey, `m${i}`));
    device.engine.start();
    await device.settle();

    // The conversation's creation, then 1,050 sends.
    expect(device.transport.pushes.map((p) => p.length)).toEqual([1000, 51]);
    expect(device.transport.maxPushesInFlight).toBe(1);
    const sent = device.transport.pushes
      .flat()
      .flatMap((op) => (op.kind === 'send' ? [op.clientMsgId] : []));
    expect(sent).toEqual(ids);
    expect(device.server.messages().map((m) => m.clientMsgId)).toEqual(ids);
    const page = await messagePage(device.db, convKey, { limit: 1100 });
    expect(page.map((m) => m.clientMsgId)).toEqual(ids);
    expect(
      page.every((m) => m.status === 'sent' && m.sortKey === syncedSortKey(m.serverId ?? 0)),
    ).toBe(true);
    expect(await device.db.outbox.count()).toBe(0);
    // Both answers' steps joined: the device holds every change up to the server's version.
    expect((await device.db.conversations.get(convKey))?.version).toBe(1050);
    expect(device.engine.getStatus()).toMatchObject({ pendingCount: 0, failedCount: 0 });
  });

  test("[S3.2] long messages go in pushes that fit the server's request limit, in order", async () => {
    const device = openTestDevice();
    const convKey = await openWith(device);
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) {
      ids.push(await device.engine.sendMessage(convKey, `${i} ${'x'.repeat(9_990)}`));
    }
    device.engine.start();
    await device.settle();

    const sizes = device.transport.pushes.map((ops) => JSON.stringify(ops).length);
    // 2.5 M characters in pushes of at most half a million: five or six of them.
    expect(sizes.length).toBeGreaterThanOrEqual(5);
    expect(sizes.length).toBeLessThanOrEqual(6);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(LIMITS.pushBatchMaxJsonChars + 11_000);
    // Three bytes a character at worst, and the push envelope, within one frame.
    expect(3 * Math.max(...sizes) + 1024).toBeLessThan(LIMITS.requestMaxBytes);
    expect(device.server.messages().map((m) => m.clientMsgId)).toEqual(ids);
  });

  test('[S3.2] a refused operation is recorded and skipped; the ones behind it still go, and only the user retries it', async () => {
    const { server, device, convKey } = await inConversation();
    // Carol will be the next user to sign up: a conversation with her is refused until then.
    const carol = 3;
    device.transport.goOffline();
    const refusedKey = await openWith(device, carol);
    const first = await device.engine.sendMessage(convKey, 'one');
    const refused = await device.engine.sendMessage(refusedKey, 'to carol');
    const third = await device.engine.sendMessage(convKey, 'three');
    device.transport.goOnline();
    await device.settle();

    expect((await device.db.messages.get(first))?.status).toBe('sent');
    expect((await device.db.messages.get(third))?.status).toBe('sent');
    expect(await device.db.messages.get(refused)).toMatchObject({
      status: 'failed',
      failure: { code: 'CONVERSATION_REJECTED' },
    });
    expect(await device.db.conversations.get(refusedKey)).toMatchObject({
      serverId: null,
      failedCount: 1,
      createFailure: { code: 'NOT_FOUND', reason: 'user not found' },
    });
    expect(device.engine.getStatus().failedCount).toBe(1);

    // Nothing sends it again on its own…
    const pushes = device.transport.pushes.length;
    device.engine.syncNow();
    await device.settle();
    expect(device.transport.pushes).toHaveLength(pushes);

    // …until the user retries: the conversation is created afresh, the message keeps its id.
    expect(server.addUser('Carol')).toBe(carol);
    await device.engine.retry(refused);
    await device.settle();
    expect(device.transport.pushes.at(-1)).toMatchObject([
      { kind: 'createConversation', otherUserId: carol },
      { kind: 'send', clientMsgId: refused },
    ]);
    expect((await device.db.messages.get(refused))?.status).toBe('sent');
    expect((await device.db.conversations.get(refusedKey))?.serverId).not.toBeNull();
    expect(device.engine.getStatus().failedCount).toBe(0);
  });

  test('[S3.2] discarding a failed message removes it and its operations', async () => {
    const { device, convKey } = await inConversation();
    // A conversation this device has that the server does not know as the user's.
    const synced = await device.db.conversations.get(convKey);
    await device.db.conversations.add({ ...synced!, key: 's99', serverId: 99 });
    const refused = await device.engine.sendMessage('s99', 'nobody gets this');
    await device.settle();
    expect(await device.db.messages.get(refused)).toMatchObject({
      status: 'failed',
      failure: { code: 'NOT_FOUND' },
    });

    await device.engine.discard(refused);
    expect(await device.db.messages.get(refused)).toBeUndefined();
    expect(await device.db.outbox.count()).toBe(0);
    expect((await device.db.conversations.get('s99'))?.failedCount).toBe(0);
  });

  test('[S3.2] sends queued before the create was accepted are pointed at the server id afterwards', async () => {
    const device = openTestDevice();
    const convKey = await openWith(device);
    await device.engine.sendMessage(convKey, 'first');
    const release = device.transport.holdPushes();
    device.engine.start();
    await waitUntil(() => device.transport.pushes.length === 1, 'the first push');
    const second = await device.engine.sendMessage(convKey, 'second');
    release();
    await device.settle();

    const [conversation] = device.transport.pushes[0]!;
    expect(conversation?.kind).toBe('createConversation');
    expect(device.transport.pushes[1]).toMatchObject([
      { kind: 'send', clientMsgId: second, conversation: { conversationId: 1 } },
    ]);
    expect(await device.db.conversations.get(convKey)).toMatchObject({
      serverId: 1,
      pendingCount: 0,
    });
  });

  test('[S3.10] a failed push waits a jittered backoff, and the status says offline meanwhile', async () => {
    const { device, convKey } = await inConversation();
    const statuses: SyncStatus[] = [];
    device.engine.onStatus((s) => statuses.push(s));
    device.transport.failNext('push', new TransportError('network', null, 'fetch failed'));
    const id = await device.engine.sendMessage(convKey, 'hello');
    await device.settle();

    expect(device.timers.pending()).toContain(FIRST_BACKOFF);
    expect(device.engine.getStatus()).toMatchObject({ connectivity: 'offline', pendingCount: 1 });
    expect(device.engine.getStatus().lastError).toContain('fetch failed');
    device.timers.fire(FIRST_BACKOFF);
    await device.settle();
    expect((await device.db.messages.get(id))?.status).toBe('sent');
    expect(device.engine.getStatus()).toMatchObject({
      connectivity: 'online',
      lastError: null,
      pendingCount: 0,
    });
    expect(statuses.some((s) => s.connectivity === 'syncing')).toBe(true);
  });

  test('[S3.10] a push refused as a whole (not per operation) backs off and fails no message', async () => {
    const { device, convKey } = await inConversation();
    device.transport.failNext(
      'push',
      new TransportError('permanent', 'PAYLOAD_TOO_LARGE', 'too large'),
    );
    const id = await device.engine.sendMessage(convKey, 'hello');
    await device.settle();
    expect((await device.db.messages.get(id))?.status).toBe('pending');
    expect(device.engine.getStatus()).toMatchObject({
      lastErrorCode: 'PAYLOAD_TOO_LARGE',
      failedCount: 0,
    });
    expect(device.timers.pending()).toContain(FIRST_BACKOFF);
  });

  test('an expired session surfaces as an auth error and is not retried until sync is asked for', async () => {
    const { device, convKey } = await inConversation();
    device.transport.failNext(
      'push',
      new TransportError('auth', 'UNAUTHENTICATED', 'missing, invalid or expired session token'),
    );
    await device.engine.sendMessage(convKey, 'hello');
    await device.settle();
    expect(device.engine.getStatus()).toMatchObject({
      lastErrorCode: 'UNAUTHENTICATED',
      pendingCount: 1,
    });
    expect(device.timers.pending()).not.toContain(FIRST_BACKOFF);
    expect(device.transport.pushes).toHaveLength(1);

    device.engine.syncNow();
    await device.settle();
    expect(device.engine.getStatus()).toMatchObject({ lastErrorCode: null, pendingCount: 0 });
  });

  test('a session signed out elsewhere ends the stream with an auth error, and nothing is sent after it', async () => {
    const { server, device, convKey } = await inConversation();
    device.transport.endSession();
    await device.settle();
    expect(device.engine.getStatus()).toMatchObject({
      connectivity: 'offline',
      lastErrorCode: 'UNAUTHENTICATED',
    });
    const pushes = device.transport.pushes.length;
    await device.engine.sendMessage(convKey, 'after the sign-out');
    await device.settle();
    expect(device.transport.pushes).toHaveLength(pushes);
    expect(server.messages()).toEqual([]);
    expect(device.engine.getStatus().pendingCount).toBe(1);
  });

  test('[S3.1][S3.2] the outbox survives a restart and its message is stored once', async () => {
    const { server, device, convKey } = await inConversation();
    device.transport.goOffline();
    const id = await device.engine.sendMessage(convKey, 'kept');
    await device.settle();
    await device.restart();
    expect((await device.db.messages.get(id))?.status).toBe('pending');
    device.transport.goOnline();
    await device.settle();
    expect((await device.db.messages.get(id))?.status).toBe('sent');
    expect(server.messages().map((m) => m.clientMsgId)).toEqual([id]);
  });

  test('[S3.2] a push whose answer was lost is sent again and stores each message once', async () => {
    const { server, device, convKey } = await inConversation();
    device.transport.loseNextPushAnswer();
    const ids = [
      await device.engine.sendMessage(convKey, 'a'),
      await device.engine.sendMessage(convKey, 'b'),
    ];
    await device.settle();
    device.timers.fire(FIRST_BACKOFF);
    await device.settle();
    expect(server.messages().map((m) => m.clientMsgId)).toEqual(ids);
    const stored = await device.db.messages.bulkGet(ids);
    expect(stored.map((m) => m?.status)).toEqual(['sent', 'sent']);
    expect(new Set(stored.map((m) => m?.serverId)).size).toBe(2);
  });

  test('[S3.9] a server of another protocol stops all syncing; the outbox and everything stored are kept', async () => {
    const device = openTestDevice({ protocolVersion: 1 });
    const convKey = await openWith(device);
    const id = await device.engine.sendMessage(convKey, 'queued by an old app');
    device.engine.start();
    await device.settle();

    expect(device.engine.getStatus().lastErrorCode).toBe('PROTOCOL_INCOMPATIBLE');
    expect(device.server.messages()).toEqual([]);
    expect(await device.db.outbox.count()).toBe(2);
    expect((await device.db.messages.get(id))?.status).toBe('pending');
    // It stops asking: no backoff to try again, and a new write does not ask either.
    expect(device.timers.pending()).not.toContain(FIRST_BACKOFF);
    const calls = device.transport.pushes.length + device.transport.pulls.length;
    await device.engine.sendMessage(convKey, 'and another');
    await device.settle();
    expect(device.transport.pushes.length + device.transport.pulls.length).toBe(calls);
    expect(await device.db.outbox.count()).toBe(3);
  });
});

describe('pull', () => {
  test('[S3.3] a first pull brings the conversation, its marks and messages page by page, and keeps the last cursor', async () => {
    const { server, other } = fakeWorld();
    const conversationId = await conversationFromOther(other);
    const sent = await sendFromOther(other, conversationId, 'a', 'b', 'c', 'd', 'e');
    const device = openTestDevice({ server, engine: { pullPageSize: 2 } });
    const incoming: IncomingMessage[] = [];
    device.engine.onIncoming((m) => incoming.push(m));
    device.engine.start();
    await device.settle();

    const firstPass = device.transport.pulls.slice(0, 3);
    expect(firstPass.map((p) => p.cursor === null)).toEqual([true, false, false]);
    expect(new Set(firstPass.map((p) => p.cursor)).size).toBe(3);
    expect((await device.db.syncState.get('cursor'))?.value).toEqual(expect.any(String));
    expect(incoming.map((m) => m.message.serverId)).toEqual(sent);
    expect(incoming[0]?.conversation.key).toBe(`s${conversationId}`);
    expect(await device.db.conversations.get(`s${conversationId}`)).toMatchObject({
      version: 5,
      unreadCount: 5,
      lastMessagePreview: 'e',
      otherDisplayName: 'Bob Requester',
    });
    expect(device.engine.getStatus().lastSyncedAt).not.toBeNull();
  });

  test('[S3.9] a cursor the server does not recognise is dropped and the pull starts over', async () => {
    const elsewhere = createFakeServer();
    const stranger = elsewhere.connect(elsewhere.addUser('Someone'));
    const { cursor: foreign } = await stranger.pull({ cursor: null });
    const { server, other } = fakeWorld();
    await conversationFromOther(other);
    const device = openTestDevice({ server });
    await device.db.syncState.put({ key: 'cursor', value: foreign });
    device.engine.start();
    await device.settle();

    expect(device.transport.pulls.slice(0, 2).map((p) => p.cursor)).toEqual([foreign, null]);
    expect(await device.db.conversations.count()).toBe(1);
    expect(device.engine.getStatus().lastError).toBeNull();
  });

  test('[S3.7] a copy from the server does not overwrite an edit still waiting in the outbox', async () => {
    const { server, device, convKey } = await inConversation();
    const phone = server.connect(ME);
    const id = await device.engine.sendMessage(convKey, 'original');
    await device.settle();

    device.transport.goOffline();
    await device.engine.editMessage(id, 'edited here');
    await phone.push([
      { opId: crypto.randomUUID(), kind: 'edit', clientMsgId: id, content: 'on the phone' },
    ]);
    const release = device.transport.holdPushes();
    device.transport.goOnline();
    await waitUntil(
      async () => (await device.db.messages.get(id))?.confirmed?.content === 'on the phone',
      'the phone’s copy pulled',
    );
    expect(await device.db.messages.get(id)).toMatchObject({
      content: 'edited here',
      isEdited: true,
    });

    release();
    await device.settle();
    expect(await device.db.messages.get(id)).toMatchObject({
      content: 'edited here',
      words: ['edited', 'here'],
    });
    expect(server.messages()).toMatchObject([{ clientMsgId: id, content: 'edited here' }]);
  });

  test('[S3.7] a delete wins over an edit, locally and from the server', async () => {
    const { server, device, convKey } = await inConversation();
    const phone = server.connect(ME);
    const a = await device.engine.sendMessage(convKey, 'a');
    const b = await device.engine.sendMessage(convKey, 'b');
    await device.settle();

    await device.engine.deleteMessage(a);
    await device.engine.editMessage(a, 'too late');
    expect(await device.db.messages.get(a)).toMatchObject({
      isDeleted: true,
      content: '',
      words: [],
    });

    // b: edited here while offline, deleted on the phone meanwhile.
    device.transport.goOffline();
    await device.engine.editMessage(b, 'edited');
    await phone.push([{ opId: crypto.randomUUID(), kind: 'delete', clientMsgId: b }]);
    device.transport.goOnline();
    await device.settle();
    expect(await device.db.messages.get(b)).toMatchObject({ isDeleted: true, content: '' });
    expect(server.messages().map((m) => [m.content, m.isDeleted])).toEqual([
      ['', true],
      ['', true],
    ]);
    expect((await device.db.conversations.get(convKey))?.lastMessagePreview).toBeNull();
  });

  test('a conversation pulled while this device is still creating it is adopted, not duplicated', async () => {
    const { server, other } = fakeWorld();
    const device = openTestDevice({ server });
    const convKey = await openWith(device);
    const mine = await device.engine.sendMessage(convKey, 'hi');
    const conversationId = await conversationFromOther(other);
    await sendFromOther(other, conversationId, 'hello');
    const release = device.transport.holdPushes();
    device.engine.start();
    await waitUntil(
      async () => (await device.db.conversations.get(convKey))?.serverId === conversationId,
      'the pulled copy adopted',
    );
    expect(await device.db.conversations.toArray()).toMatchObject([
      { key: convKey, serverId: conversationId, unreadCount: 1 },
    ]);
    const send = (await device.db.outbox.toArray()).find((e) => e.kind === 'send');
    expect(send?.op).toMatchObject({ conversation: { conversationId } });

    release();
    await device.settle();
    expect((await device.db.messages.get(mine))?.status).toBe('sent');
    expect(await device.db.conversations.count()).toBe(1);
  });
});

describe('live stream', () => {
  test('[S3.3] a live message is stored at once, announced once, and moves the version', async () => {
    const { device, other, conversationId, convKey } = await inConversation();
    const incoming: IncomingMessage[] = [];
    device.engine.onIncoming((m) => incoming.push(m));
    const pulls = device.transport.pulls.length;
    await sendFromOther(other, conversationId, 'hi');
    await device.settle();
    expect(device.transport.pulls).toHaveLength(pulls);
    expect(incoming.map((m) => m.message.content)).toEqual(['hi']);
    expect(await device.db.conversations.get(convKey)).toMatchObject({
      version: 1,
      unreadCount: 1,
    });

    // The same row again in a pull is stored once more without a word.
    device.engine.syncNow();
    await device.settle();
    expect(device.transport.pulls.length).toBeGreaterThan(pulls);
    expect(incoming).toHaveLength(1);
  });

  test('[S3.3] live events that arrive while one is being stored are stored together, in one transaction', async () => {
    let writes = 0;
    const { device, other, conversationId, convKey } = await inConversation({
      onWriteTransaction: () => writes++,
    });
    const held = holdLive(device.transport, (event) => event.type === 'changes');
    for (const text of ['one', 'two', 'three', 'four']) {
      await sendFromOther(other, conversationId, text);
    }
    expect(held.count()).toBe(4);
    writes = 0;
    held.release();
    await device.settle();

    expect(writes).toBe(2);
    const page = await messagePage(device.db, convKey, { limit: 10 });
    expect(page.map((m) => m.content)).toEqual(['one', 'two', 'three', 'four']);
    expect((await device.db.conversations.get(convKey))?.version).toBe(4);
  });

  test('[S3.4] a step that does not join waits out the grace period, then a full pull fetches what was missed', async () => {
    const { device, other, conversationId, convKey } = await inConversation();
    const lost = holdLive(device.transport, (event) => carries(event, 'lost'));
    await sendFromOther(other, conversationId, 'lost');
    lost.drop();
    const pulls = device.transport.pulls.length;
    await sendFromOther(other, conversationId, 'after');
    await device.settle();

    // Stored at once; only the version waits.
    expect((await messagePage(device.db, convKey, { limit: 10 })).map((m) => m.content)).toEqual([
      'after',
    ]);
    expect((await device.db.conversations.get(convKey))?.version).toBe(0);
    expect(device.timers.pending()).toContain(GAP_GRACE);
    expect(device.transport.pulls).toHaveLength(pulls);

    device.timers.fire(GAP_GRACE);
    await device.settle();
    expect(device.transport.pulls.slice(pulls)).toMatchObject([{ check: false }]);
    expect((await messagePage(device.db, convKey, { limit: 10 })).map((m) => m.content)).toEqual([
      'lost',
      'after',
    ]);
    expect((await device.db.conversations.get(convKey))?.version).toBe(2);
  });

  test('[S3.4] a step that comes out of order joins when the one before it arrives within the grace period: nothing is pulled', async () => {
    const { device, other, conversationId, convKey } = await inConversation();
    const late = holdLive(device.transport, (event) => carries(event, 'sent first'));
    await sendFromOther(other, conversationId, 'sent first');
    await sendFromOther(other, conversationId, 'arrives first');
    await device.settle();
    expect((await device.db.conversations.get(convKey))?.version).toBe(0);

    const pulls = device.transport.pulls.length;
    late.release();
    await device.settle();
    expect((await device.db.conversations.get(convKey))?.version).toBe(2);
    device.timers.fire(GAP_GRACE);
    await device.settle();
    expect(device.transport.pulls).toHaveLength(pulls);
  });

  test('[S3.4] a retried push whose events were lost tells this device to catch up, and it pulls', async () => {
    const { device, other, conversationId, convKey } = await inConversation();
    const lost = holdLive(device.transport, (event) => carries(event, 'once'));
    const op = sendOp(conversationId, 'once');
    other.loseNextPushAnswer();
    await expect(other.push([op])).rejects.toMatchObject({ kind: 'network' });
    lost.drop();
    const pulls = device.transport.pulls.length;
    await other.push([op]);
    await device.settle();

    expect(device.transport.pulls.slice(pulls)).toMatchObject([{ check: false }]);
    expect((await messagePage(device.db, convKey, { limit: 10 })).map((m) => m.content)).toEqual([
      'once',
    ]);
  });

  test('[S3.4] a head check that shows messages missing keeps the cursor, and the full pull from it brings them', async () => {
    const { device, other, conversationId, convKey } = await inConversation();
    holdLive(device.transport, (event) => event.type === 'changes');
    await sendFromOther(other, conversationId, 'missed');
    await device.settle();
    const cursor = (await device.db.syncState.get('cursor'))?.value;
    const pulls = device.transport.pulls.length;

    expect(device.timers.fire(HEAD_CHECK)).toBe(1);
    await device.settle();
    expect(device.transport.pulls.slice(pulls)).toMatchObject([
      { cursor, check: true },
      { cursor, check: false },
    ]);
    expect((await messagePage(device.db, convKey, { limit: 10 })).map((m) => m.content)).toEqual([
      'missed',
    ]);
    expect((await device.db.syncState.get('cursor'))?.value).not.toBe(cursor);
  });

  test('[S3.4] a head check with nothing missing is one cheap pull, and the next one is scheduled', async () => {
    const { device } = await inConversation();
    const pulls = device.transport.pulls.length;
    device.timers.fire(HEAD_CHECK);
    await device.settle();
    expect(device.transport.pulls.slice(pulls)).toMatchObject([{ check: true }]);
    expect(device.timers.pending()).toContain(HEAD_CHECK);
  });

  test('[S3.4][S3.10] coming back online skips the backoff: it pulls from the stored cursor and pushes at once', async () => {
    const { device, convKey } = await inConversation({
      engine: { backoff: { baseMs: 60_000, maxMs: 60_000 } },
    });
    device.transport.failNext('push', new TransportError('network', null, 'offline'));
    const id = await device.engine.sendMessage(convKey, 'waiting');
    await device.settle();
    expect(device.timers.pending()).toContain(30_000);
    const cursor = (await device.db.syncState.get('cursor'))?.value;
    const pulls = device.transport.pulls.length;

    device.transport.goOffline();
    expect(device.engine.getStatus().connectivity).toBe('offline');
    device.transport.goOnline();
    await device.settle();
    expect(device.timers.pending()).not.toContain(30_000);
    expect(device.transport.pulls[pulls]).toMatchObject({ cursor, check: false });
    expect((await device.db.messages.get(id))?.status).toBe('sent');
  });

  test('partners online: a snapshot on connect, then changes; a lost connection clears the set', async () => {
    const { device, other } = await inConversation();
    const seen: number[][] = [];
    device.engine.onOnlineUsers((ids) => seen.push([...ids]));
    other.subscribe({ onEvent() {}, onConnectionChange() {} });
    await device.settle();
    other.goOffline();
    await device.settle();
    other.goOnline();
    await device.settle();
    device.transport.goOffline();
    device.transport.goOnline();
    await device.settle();
    expect(seen).toEqual([[OTHER], [], [OTHER], [], [OTHER]]);
    expect([...device.engine.getOnlineUsers()]).toEqual([OTHER]);
  });
});

describe('receipts', () => {
  test('[S3.5] storing someone else’s messages sends one delivered receipt, for the highest id', async () => {
    const { server, device, other, conversationId } = await inConversation();
    const [, , last] = await sendFromOther(other, conversationId, 'a', 'b', 'c');
    await device.settle();
    const receipts = device.transport.pushes.flat().filter((op) => op.kind !== 'send');
    expect(receipts).toMatchObject([{ kind: 'deliveredUpTo', conversationId, messageId: last }]);
    expect(server.conversationState(conversationId)?.members).toContainEqual({
      conversationId,
      userId: ME,
      deliveredUpTo: last,
      readUpTo: 0,
    });
    expect(server.messages().map((m) => m.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  test('[S3.5] seeing a conversation sends one read receipt; seeing it again with nothing new sends none', async () => {
    const { server, device, other, conversationId, convKey } = await inConversation();
    const [, last] = await sendFromOther(other, conversationId, 'a', 'b');
    await device.settle();
    await device.engine.markSeen(convKey);
    expect((await device.db.conversations.get(convKey))?.unreadCount).toBe(0);
    await device.settle();
    await device.engine.markSeen(convKey);
    await device.settle();

    const reads = device.transport.pushes.flat().filter((op) => op.kind === 'readUpTo');
    expect(reads).toMatchObject([{ conversationId, messageId: last }]);
    expect(server.messages().map((m) => m.status)).toEqual(['read', 'read']);
  });

  test('[S3.5] replying marks everything before the reply read: the unread count goes and a read receipt is sent', async () => {
    const { server, device, other, conversationId, convKey } = await inConversation();
    const [, last] = await sendFromOther(other, conversationId, 'a', 'b');
    await device.settle();
    expect((await device.db.conversations.get(convKey))?.unreadCount).toBe(2);

    await device.engine.sendMessage(convKey, 'got it');
    expect((await device.db.conversations.get(convKey))?.unreadCount).toBe(0);
    await device.settle();
    const reads = device.transport.pushes.flat().filter((op) => op.kind === 'readUpTo');
    expect(reads).toMatchObject([{ conversationId, messageId: last }]);
    expect(server.messages().map((m) => m.status)).toEqual(['read', 'read', 'sent']);
  });

  test('[S3.5] a confirmed receipt costs no write of its own: it waits for the next one, or a while', async () => {
    let writes = 0;
    const { device, other, conversationId, convKey } = await inConversation({
      onWriteTransaction: () => writes++,
    });
    writes = 0;
    await sendFromOther(other, conversationId, 'a');
    await device.settle();
    expect(device.transport.pushes.flat().map((op) => op.kind)).toEqual(['deliveredUpTo']);
    // One write: the live event. The receipt's confirmation is held in memory…
    expect(writes).toBe(1);
    expect((await device.db.conversations.get(convKey))?.receiptDue).toBe(1);

    // …and written on its own after a while.
    device.timers.fire(RECEIPT_FLUSH);
    await device.settle();
    expect(writes).toBe(2);
    const conversation = await device.db.conversations.get(convKey);
    expect(conversation?.receiptDue).toBeUndefined();
    expect(conversation?.confirmedMarks.deliveredUpTo).toBe(1);
  });

  test('[S3.5] marks never go back, whatever order their events arrive in', async () => {
    const { device, other, conversationId, convKey } = await inConversation();
    const ids = [
      await device.engine.sendMessage(convKey, 'one'),
      await device.engine.sendMessage(convKey, 'two'),
    ];
    await device.settle();
    const marks = holdLive(
      device.transport,
      (event) => event.type === 'changes' && event.changes.members.length > 0,
    );
    const upTo = Math.max(...device.server.messages().map((m) => m.messageId));
    await other.push([receiptOp('deliveredUpTo', conversationId, upTo)]);
    await other.push([receiptOp('readUpTo', conversationId, upTo)]);
    marks.release('reversed');
    await device.settle();

    const conversation = await device.db.conversations.get(convKey);
    expect(conversation?.members).toContainEqual({
      userId: OTHER,
      deliveredUpTo: upTo,
      readUpTo: upTo,
    });
    const stored = await device.db.messages.bulkGet(ids);
    expect(stored.map((m) => m && conversation && displayedStatus(m, conversation, ME))).toEqual([
      'read',
      'read',
    ]);
  });
});

describe('tabs of one profile', () => {
  test('[S3.8] a follower tab never opens the transport; what it writes goes out through the leader', async () => {
    const { server, other } = fakeWorld();
    const profile = testProfile();
    const leader = openTestDevice({ server, profile });
    const follower = openTestDevice({ server, profile });
    try {
      leader.engine.start();
      await leader.settle();
      follower.engine.start();
      const conversationId = await conversationFromOther(other);
      await waitUntil(
        async () => (await follower.db.conversations.count()) === 1,
        'the conversation stored by the leader',
      );
      expect([leader.engine.isLeader(), follower.engine.isLeader()]).toEqual([true, false]);

      await follower.engine.sendMessage(`s${conversationId}`, 'from the other tab');
      await waitUntil(() => server.messages().length === 1, 'the message on the server');
      expect(follower.opened).toBe(0);
      expect([follower.transport.pushes, follower.transport.pulls]).toEqual([[], []]);
      expect(leader.transport.pushes.flat()).toMatchObject([{ kind: 'send' }]);
    } finally {
      await Promise.all([leader.close(), follower.close()]);
    }
  });

  test('[S3.8] when the leading tab closes, the other takes over and sends what is waiting', async () => {
    const { server, other } = fakeWorld();
    const profile = testProfile();
    const leader = openTestDevice({ server, profile });
    const follower = openTestDevice({ server, profile });
    try {
      leader.engine.start();
      await leader.settle();
      follower.engine.start();
      const conversationId = await conversationFromOther(other);
      await waitUntil(async () => (await follower.db.conversations.count()) === 1, 'stored');
      leader.transport.goOffline();
      await follower.engine.sendMessage(`s${conversationId}`, 'waiting');

      await leader.close();
      await waitUntil(() => follower.engine.isLeader(), 'the other tab leads');
      await waitUntil(() => server.messages().length === 1, 'the message on the server');
      expect(follower.opened).toBe(1);
    } finally {
      await follower.close();
    }
  });
});
