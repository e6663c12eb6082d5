// The renderer's unit tests run the engine against an in-memory server
// (renderer/sync/test-support/fake-transport.ts). This runs one scenario — a conversation,
// sends, receipts, edits, retries, refusals, pulls from a cursor, page by page, and the
// live stream — against that fake and against the real server, and asserts that both
// answer the same, so the fake cannot drift from what it stands for.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeServer } from '../../renderer/sync/test-support/fake-transport.ts';
import { asTransportError, type SyncTransport } from '../../renderer/sync/transport.ts';
import {
  type ChangeSet,
  type ConversationRef,
  EMPTY_CHANGES,
  type LiveEvent,
  PROTOCOL_VERSION,
  type PushOp,
} from '../../shared/sync/protocol.ts';
import {
  createUsers,
  realTransport,
  type SyncServer,
  startSyncServer,
  waitFor,
} from './support.ts';

interface Step {
  step: string;
  seen: unknown;
}

interface Account {
  userId: number;
  connect(options?: { protocolVersion?: number }): SyncTransport;
}

interface Backend {
  /** Alice and Bob, signed up, each able to open a device. */
  accounts(): Promise<{ alice: Account; bob: Account }>;
}

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer('contract');
});
afterAll(async () => {
  await server?.dispose();
});

const realBackend: Backend = {
  async accounts() {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const account = (user: NonNullable<typeof alice>): Account => ({
      userId: user.user.userId,
      connect: (options = {}) => realTransport(server, user, options),
    });
    return { alice: account(alice!), bob: account(bob!) };
  },
};

const fakeBackend: Backend = {
  async accounts() {
    const fake = createFakeServer();
    const account = (userId: number): Account => ({
      userId,
      connect: (options = {}) => fake.connect(userId, options),
    });
    return { alice: account(fake.addUser('Alice')), bob: account(fake.addUser('Bob')) };
  },
};

/** A device's live stream, as the events come. */
function listen(transport: SyncTransport) {
  const events: LiveEvent[] = [];
  let isConnected = false;
  const stop = transport.subscribe({
    onEvent: (event) => events.push(event),
    onConnectionChange: (connected) => {
      isConnected = connected;
    },
  });
  return {
    stop,
    whenConnected: () => waitFor(() => isConnected && events.length >= 2, { what: 'hello' }),
    /** The events since the last call, with their change sets merged: how the server
     * frames them (one event or several) depends on timing, what they carry does not. */
    take() {
      const taken = events.splice(0);
      const changes: ChangeSet = structuredClone(EMPTY_CHANGES);
      for (const event of taken) {
        if (event.type !== 'changes') continue;
        changes.conversations.push(...event.changes.conversations);
        changes.members.push(...event.changes.members);
        changes.messages.push(...event.changes.messages);
        changes.versions.push(...event.changes.versions);
        changes.removed.push(...event.changes.removed);
      }
      return {
        types: [...new Set(taken.map((e) => e.type))].sort(),
        changes,
        presence: taken.flatMap((e) => (e.type === 'presence' ? [e] : [])),
        catchUp: taken.flatMap((e) => (e.type === 'catchUp' ? [e.reason] : [])),
      };
    },
    count: (type: LiveEvent['type']) => events.filter((e) => e.type === type).length,
    /** Rows of this kind in the change sets not taken yet, however they were framed. */
    rows: (kind: keyof ChangeSet) =>
      events.reduce((n, e) => n + (e.type === 'changes' ? e.changes[kind].length : 0), 0),
  };
}

/** Client ids chosen by the scenario, named so both runs' records can be compared. */
function ids() {
  const names = new Map<string, string>();
  return {
    names,
    new(name: string) {
      const id = randomUUID();
      names.set(id, name);
      return id;
    },
  };
}

async function failureOf(call: Promise<unknown>) {
  try {
    await call;
    return 'no failure';
  } catch (error) {
    const { kind, code } = asTransportError(error);
    return { kind, code };
  }
}

/** The scenario; returns everything either side observed, in order. */
async function scenario(backend: Backend) {
  const { alice, bob } = await backend.accounts();
  const named = ids();
  const op = (name: string) => named.new(name);
  const record: Step[] = [];
  const note = (step: string, seen: unknown) => record.push({ step, seen });

  const alicePhone = alice.connect();
  const bobLaptop = bob.connect();
  const aliceLive = listen(alicePhone);
  const bobLive = listen(bobLaptop);
  await Promise.all([aliceLive.whenConnected(), bobLive.whenConnected()]);
  note('alice connects', aliceLive.take());
  note('bob connects', bobLive.take());

  const clientConvId = named.new('conversation');
  const [first, second] = [named.new('first'), named.new('second')];
  const create: PushOp = {
    opId: op('create'),
    kind: 'createConversation',
    clientConvId,
    otherUserId: bob.userId,
    conversationType: 'service',
    contextId: 17,
    contextTitle: 'Guitar lessons',
  };
  const send = (
    opName: string,
    clientMsgId: string,
    content: string,
    conversation: ConversationRef = { clientConvId },
  ): PushOp => ({
    opId: op(opName),
    kind: 'send',
    conversation,
    clientMsgId,
    content,
    messageType: 'text',
  });
  const sent = await alicePhone.push([
    create,
    send('send first', first, 'Hello Bob'),
    send('send second', second, 'Are you free on Tuesday?'),
  ]);
  note('alice creates the conversation and sends twice', sent);
  const [createdResult] = sent.results;
  if (createdResult?.status !== 'accepted' || !createdResult.conversation) {
    throw new Error('the conversation was not created');
  }
  const conversationId = createdResult.conversation.conversationId;
  await waitFor(() => bobLive.rows('messages') >= 2, { what: 'bob hears the messages' });
  await waitFor(() => bobLive.count('presence') > 0, { what: 'bob hears alice is online' });
  await waitFor(() => aliceLive.count('presence') > 0, { what: 'alice hears bob is online' });
  note('bob hears of the conversation', bobLive.take());
  note('alice hears bob is online', aliceLive.take());

  const page = await bobLaptop.pull({ cursor: null });
  note('bob pulls from the start', page);
  const [firstId, secondId] = page.changes.messages.map((m) => m.messageId);
  if (firstId === undefined || secondId === undefined) throw new Error('nothing pulled');

  const receipts = await bobLaptop.push([
    { opId: op('delivered'), kind: 'deliveredUpTo', conversationId, messageId: secondId },
    { opId: op('read'), kind: 'readUpTo', conversationId, messageId: firstId },
  ]);
  note('bob says delivered up to the second, read up to the first', receipts);
  await waitFor(() => aliceLive.rows('members') >= 2, { what: 'alice hears both receipts' });
  note('alice hears the receipts', aliceLive.take());

  const changed = await alicePhone.push([
    { opId: op('edit'), kind: 'edit', clientMsgId: first, content: 'Hello Bob!' },
    { opId: op('delete'), kind: 'delete', clientMsgId: second },
    { opId: op('edit deleted'), kind: 'edit', clientMsgId: second, content: 'too late' },
  ]);
  note('alice edits the first, deletes the second, then edits it', changed);
  await waitFor(() => bobLive.rows('versions') >= 2, { what: 'bob hears the edit and the delete' });
  note('bob hears the edit and the delete', bobLive.take());

  const since = await bobLaptop.pull({ cursor: page.cursor });
  note('bob pulls from his cursor', since);

  const repeats = await bobLaptop.push([
    { opId: op('read again'), kind: 'readUpTo', conversationId, messageId: firstId },
    { opId: op('read past the end'), kind: 'readUpTo', conversationId, messageId: 999_999 },
  ]);
  note('bob reads again, and past the last message', repeats);
  const retried = await alicePhone.push([
    { ...create, opId: op('create again') },
    send('send first again', first, 'Hello Bob', { conversationId }),
  ]);
  note('alice retries her first push', retried);
  await waitFor(() => bobLive.count('catchUp') > 0, { what: 'bob told to catch up' });
  await waitFor(() => aliceLive.rows('members') > 0, { what: 'alice hears the read past the end' });
  note('bob hears of the retry', bobLive.take());
  note('alice hears the read past the end', aliceLive.take());

  const head = await bobLaptop.pull({ cursor: since.cursor, check: true });
  note('bob checks his head', head);
  note(
    'bob repeats a receipt on its own',
    await bobLaptop.push([
      { opId: op('read once more'), kind: 'readUpTo', conversationId, messageId: firstId },
    ]),
  );
  note('bob checks his head again', await bobLaptop.pull({ cursor: head.cursor, check: true }));

  const refused = await bobLaptop.push([
    { opId: op('edit theirs'), kind: 'edit', clientMsgId: first, content: 'not mine' },
    {
      opId: op('send nowhere'),
      kind: 'send',
      conversation: { conversationId: 2_000_000_000 },
      clientMsgId: named.new('lost'),
      content: 'hello?',
      messageType: 'text',
    },
    {
      opId: op('send to a conversation not created'),
      kind: 'send',
      conversation: { clientConvId: named.new('never created') },
      clientMsgId: named.new('orphan'),
      content: 'hello?',
      messageType: 'text',
    },
    {
      opId: op('create with nobody'),
      kind: 'createConversation',
      clientConvId: named.new('nobody'),
      otherUserId: 2_000_000_000,
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    },
    {
      opId: op('create with oneself'),
      kind: 'createConversation',
      clientConvId: named.new('oneself'),
      otherUserId: bob.userId,
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    },
    {
      opId: op('receipt elsewhere'),
      kind: 'readUpTo',
      conversationId: 2_000_000_000,
      messageId: 1,
    },
  ]);
  note('bob sends what the server refuses', refused);

  const pages: unknown[] = [];
  let cursor: string | null = null;
  for (let more = true; more && pages.length < 10; ) {
    const next = await bobLaptop.pull({ cursor, limit: 1 });
    pages.push(next);
    cursor = next.cursor;
    more = next.hasMore;
  }
  note('bob pulls everything again, one row at a time', pages);

  note('a cursor the server did not issue', await failureOf(bobLaptop.pull({ cursor: 'garbage' })));
  const outdated = bob.connect({ protocolVersion: PROTOCOL_VERSION - 1 });
  note('a device of the protocol before', {
    pull: await failureOf(outdated.pull({ cursor: null })),
    push: await failureOf(outdated.push([create])),
  });

  aliceLive.stop();
  bobLive.stop();
  for (const transport of [alicePhone, bobLaptop, outdated]) transport.close();
  return normalize(record, { [alice.userId]: 'alice', [bob.userId]: 'bob' }, named.names);
}

const MESSAGE_ID_KEYS = new Set(['messageId', 'lastMessageId', 'deliveredUpTo', 'readUpTo']);
const USER_ID_KEYS = new Set(['userId', 'user1Id', 'user2Id', 'senderId', 'otherUserId']);
const TIME_KEYS = new Set(['createdAt', 'updatedAt', 'lastMessageAt']);
const CLIENT_ID_KEYS = new Set(['opId', 'clientMsgId', 'clientConvId']);
/** Lists of ids, and what their items are. */
const ID_LISTS = new Map([
  ['removed', 'conversationId'],
  ['online', 'userId'],
  ['offline', 'userId'],
]);

/** Ids become names (messages and conversations by rank, so an order that differs still
 * shows), server times and cursors become their kind, lists that the server returns in
 * no particular order are sorted. */
function normalize(
  record: readonly Step[],
  users: Record<number, string>,
  clientIds: ReadonlyMap<string, string>,
): Step[] {
  const messageIds = new Set<number>();
  const conversationIds = new Set<number>();
  const collect = (value: unknown, key = ''): void => {
    if (Array.isArray(value)) {
      for (const item of value) collect(item, ID_LISTS.get(key) ?? '');
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) collect(v, k);
    } else if (typeof value === 'number' && value > 0) {
      if (MESSAGE_ID_KEYS.has(key)) messageIds.add(value);
      if (key === 'conversationId') conversationIds.add(value);
    }
  };
  collect(record);
  const rank = (values: Set<number>, prefix: string) =>
    new Map([...values].sort((a, b) => a - b).map((v, i) => [v, `${prefix}${i + 1}`]));
  const messages = rank(messageIds, 'M');
  const conversations = rank(conversationIds, 'C');
  const walk = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((item) => walk(item, ID_LISTS.get(key) ?? ''));
      return key === 'members'
        ? items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
        : items;
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof value === 'number') {
      if (MESSAGE_ID_KEYS.has(key)) return value === 0 ? 0 : (messages.get(value) ?? value);
      if (key === 'conversationId') return conversations.get(value) ?? value;
      if (USER_ID_KEYS.has(key)) return users[value] ?? 'someone else';
    }
    if (typeof value === 'string') {
      // As the seed's DATETIME columns store them: whole seconds.
      if (TIME_KEYS.has(key))
        return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(value) ? 'time' : value;
      if (key === 'cursor') return 'cursor';
      if (CLIENT_ID_KEYS.has(key)) return clientIds.get(value) ?? 'unknown client id';
    }
    return value;
  };
  return record.map(({ step, seen }) => ({ step, seen: walk(seen) }));
}

test('[S3.2][S3.3][S3.5] the fake transport answers the scenario exactly as the real server does', async () => {
  const real = await scenario(realBackend);
  const fake = await scenario(fakeBackend);
  expect(fake).toEqual(real);
  // The scenario saw what it is about.
  const seen = (step: string) => real.find((s) => s.step === step)?.seen;
  expect(seen('alice creates the conversation and sends twice')).toMatchObject({
    versions: [{ conversationId: 'C1', from: 0, to: 2 }],
  });
  expect(seen('bob hears of the conversation')).toMatchObject({
    changes: { conversations: [{ otherUser: { userId: 'alice' } }], messages: [{}, {}] },
    presence: [{ online: ['alice'] }],
  });
  expect(seen('alice hears the receipts')).toMatchObject({ changes: { members: [{}, {}] } });
  expect(seen('bob pulls from his cursor')).toMatchObject({
    changes: { versions: [{ from: null, to: 4 }] },
  });
  expect(seen('bob hears of the retry')).toMatchObject({ catchUp: ['possibly-missed'] });
  expect(seen('bob pulls everything again, one row at a time')).toHaveLength(3);
});
