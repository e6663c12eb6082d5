// [S3.3–S3.4] The live subscription: hello on every connection, then the rows that change
// for the user, with version steps a device can check; not the pushing device's own; a
// retried push tells the others to catch up; it ends at once when its session does.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LiveEvent, PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import {
  createUser,
  listenLive,
  type TestUser,
  trpcClient,
  trpcRealtimeClient,
  waitFor,
} from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { signInAgain } from '../sync/support.ts';

let server: TestServer;

beforeAll(async () => {
  // A long recheck: a sign-out must end a stream by itself, not by the clock.
  server = await startTestServer({ label: 'live', env: { SESSION_RECHECK_MS: '600000' } });
});
afterAll(() => server?.dispose());

function watch(user: TestUser) {
  const realtime = trpcRealtimeClient(server.url, user.token);
  const events: LiveEvent[] = [];
  let errorCode: string | undefined;
  const stop = listenLive(
    realtime,
    (e) => events.push(e),
    (code) => (errorCode = code),
  );
  return {
    events,
    errorCode: () => errorCode,
    of: <T extends LiveEvent['type']>(type: T) =>
      events.filter((e): e is Extract<LiveEvent, { type: T }> => e.type === type),
    close() {
      stop();
      realtime.close();
    },
  };
}

async function pair() {
  const [alice, bob] = await Promise.all([
    createUser(server.url, 'Alice'),
    createUser(server.url, 'Bob'),
  ]);
  const { conversation } = await trpcClient(
    server.url,
    alice.token,
  ).conversations.findOrCreate.mutate({
    otherUserId: bob.user.userId,
  });
  return { alice, bob, conversationId: conversation.conversationId };
}

const sendOp = (conversationId: number, content: string) => ({
  opId: randomUUID(),
  kind: 'send' as const,
  conversation: { conversationId },
  clientMsgId: randomUUID(),
  content,
  messageType: 'text' as const,
});

it('[S3.3] says hello on connect, then brings a new message as its row with a step that joins', async () => {
  const { alice, bob, conversationId } = await pair();
  const bobs = watch(bob);
  try {
    await waitFor(() => bobs.of('hello').length === 1, { what: 'hello' });
    expect(bobs.events[0]).toEqual({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    await trpcClient(server.url, alice.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [sendOp(conversationId, 'ping'), sendOp(conversationId, 'pong')],
    });
    await waitFor(() => bobs.of('changes').length > 0, { what: 'the message on the stream' });
    const [{ changes }] = bobs.of('changes') as [Extract<LiveEvent, { type: 'changes' }>];
    expect(changes.messages.map((m) => [m.content, m.version])).toEqual([
      ['ping', 1],
      ['pong', 2],
    ]);
    expect(changes.versions).toEqual([{ conversationId, from: 0, to: 2 }]);
  } finally {
    bobs.close();
  }
});

it("[S3.3] a push reaches both users' other devices, not the device that pushed", async () => {
  const { alice, bob, conversationId } = await pair();
  const alicePhone = await signInAgain(server, alice);
  const [laptop, phone, bobs] = [alice, alicePhone, bob].map(watch) as [
    ReturnType<typeof watch>,
    ReturnType<typeof watch>,
    ReturnType<typeof watch>,
  ];
  try {
    await waitFor(() => [laptop, phone, bobs].every((d) => d.of('hello').length === 1), {
      what: 'three hellos',
    });
    // The laptop pushes over its own socket, so its session is the origin.
    const realtime = trpcRealtimeClient(server.url, alice.token);
    await waitFor(() => laptop.of('hello').length === 1);
    await realtime.client.sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [sendOp(conversationId, 'from the laptop')],
    });
    realtime.close();
    await waitFor(() => phone.of('changes').length === 1 && bobs.of('changes').length === 1, {
      what: "the message on Alice's phone and on Bob's",
    });
    // Events of one push are published together: had the laptop been sent it, it would be by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(laptop.of('changes').filter((e) => e.changes.messages.length > 0)).toEqual([]);
  } finally {
    for (const d of [laptop, phone, bobs]) d.close();
  }
});

it('[S3.5] a receipt reaches the sender as one member state, no message again', async () => {
  const { alice, bob, conversationId } = await pair();
  const pushed = await trpcClient(server.url, alice.token).sync.push.mutate({
    protocolVersion: PROTOCOL_VERSION,
    ops: [sendOp(conversationId, 'read me')],
  });
  const sent = pushed.results[0]?.status === 'accepted' ? pushed.results[0].message : undefined;
  const alices = watch(alice);
  try {
    await waitFor(() => alices.of('hello').length === 1);
    await trpcClient(server.url, bob.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [{ opId: randomUUID(), kind: 'readUpTo', conversationId, messageId: sent!.messageId }],
    });
    await waitFor(() => alices.of('changes').length === 1, { what: 'the receipt' });
    const [{ changes }] = alices.of('changes') as [Extract<LiveEvent, { type: 'changes' }>];
    expect(changes.messages).toEqual([]);
    expect(changes.members).toEqual([
      {
        conversationId,
        userId: bob.user.userId,
        deliveredUpTo: sent!.messageId,
        readUpTo: sent!.messageId,
      },
    ]);
  } finally {
    alices.close();
  }
});

it('[S3.4] a retried push whose answer was lost tells the other side to catch up', async () => {
  const { alice, bob, conversationId } = await pair();
  const op = sendOp(conversationId, 'said twice');
  const client = trpcClient(server.url, alice.token);
  await client.sync.push.mutate({ protocolVersion: PROTOCOL_VERSION, ops: [op] });
  const bobs = watch(bob);
  try {
    await waitFor(() => bobs.of('hello').length === 1);
    const retry = await client.sync.push.mutate({ protocolVersion: PROTOCOL_VERSION, ops: [op] });
    expect(retry.results[0]).toMatchObject({ status: 'accepted', duplicate: true });
    await waitFor(() => bobs.of('catchUp').length === 1, { what: 'a catch-up' });
    expect(bobs.of('catchUp')[0]).toEqual({ type: 'catchUp', reason: 'possibly-missed' });
  } finally {
    bobs.close();
  }
});

it('[S3.4] a message repeated within one push arrives once and tells nobody to catch up', async () => {
  const { alice, bob, conversationId } = await pair();
  const bobs = watch(bob);
  try {
    await waitFor(() => bobs.of('hello').length === 1);
    const op = sendOp(conversationId, 'in one push twice');
    const answer = await trpcClient(server.url, alice.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [op, { ...op, opId: randomUUID() }],
    });
    expect(answer.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    await waitFor(() => bobs.of('changes').length === 1, { what: 'the message' });
    // The next message comes after: had a catch-up been sent, it would be there by now.
    await trpcClient(server.url, alice.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [sendOp(conversationId, 'then another')],
    });
    await waitFor(() => bobs.of('changes').length === 2, { what: 'the next message' });
    expect(bobs.of('catchUp')).toEqual([]);
  } finally {
    bobs.close();
  }
});

it('[S3.4] a stream opened before a sign-out ends at once with UNAUTHORIZED', async () => {
  const carol = await createUser(server.url, 'Carol');
  const carols = watch(carol);
  try {
    await waitFor(() => carols.of('hello').length === 1);
    const signedOutAt = Date.now();
    await trpcClient(server.url, carol.token).auth.logout.mutate();
    await waitFor(() => carols.errorCode(), { what: 'the stream to end' });
    expect(carols.errorCode()).toBe('UNAUTHORIZED');
    expect(Date.now() - signedOutAt).toBeLessThan(5_000);
  } finally {
    carols.close();
  }
});

it('[S3.9] a client of the old protocol subscribing is told to update', async () => {
  const dan = await createUser(server.url, 'Dan');
  const realtime = trpcRealtimeClient(server.url, dan.token);
  let code: string | undefined;
  const sub = realtime.client.sync.onPoke.subscribe(undefined, {
    onError: (error) => (code = (error.data as { appCode?: string } | undefined)?.appCode),
  });
  try {
    await waitFor(() => code, { what: 'the refusal' });
    expect(code).toBe('PROTOCOL_INCOMPATIBLE');
  } finally {
    sub.unsubscribe();
    realtime.close();
  }
});
