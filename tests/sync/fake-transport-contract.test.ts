// The renderer's unit tests run the engine against an in-memory server
// (renderer/sync/test-support/fake-transport.ts). This runs two scenarios against that
// fake and against the real server and asserts that both answer the same, so the fake
// cannot drift from what it stands for: a conversation (sends, receipts, edits, retries,
// refusals, pulls from a cursor, page by page, and the live stream), and a group (created,
// renamed, joined, left, retried, read; docs/groups.md).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFakeServer } from '../../renderer/sync/test-support/fake-transport.ts';
import { asTransportError, type SyncTransport } from '../../renderer/sync/transport.ts';
import type { GroupChange } from '../../shared/groups.ts';
import {
  type ChangeSet,
  type ConversationRef,
  EMPTY_CHANGES,
  type LiveEvent,
  type OpOfKind,
  PROTOCOL_VERSION,
  type PushOp,
  type PushResult,
} from '../../shared/sync/protocol.ts';
import { createUser } from '../support/clients.ts';
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
  /** People of these names, signed up one after the other (their ids rise in order). */
  people(...names: string[]): Promise<Account[]>;
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
  async people(...names) {
    const accounts: Account[] = [];
    for (const name of names) {
      const user = await createUser(server.url, name);
      accounts.push({
        userId: user.user.userId,
        connect: (options = {}) => realTransport(server, user, options),
      });
    }
    return accounts;
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
  async people(...names) {
    const fake = createFakeServer();
    return names.map((name) => {
      const userId = fake.addUser(name);
      return { userId, connect: (options = {}) => fake.connect(userId, options) };
    });
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
        changes.rosters.push(...event.changes.rosters);
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
    /** Who was said to have come online since the last take, however it was framed. */
    cameOnline: () =>
      new Set(events.flatMap((e) => (e.type === 'presence' && !e.snapshot ? e.online : []))),
    /** Rows of this kind in the change sets not taken yet, however they were framed. */
    rows: (kind: keyof ChangeSet) =>
      events.reduce((n, e) => n + (e.type === 'changes' ? (e.changes[kind] ?? []).length : 0), 0),
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

type Listener = ReturnType<typeof listen>;

/** What a stream brought since the last take; presence as who came online and went,
 * since the server merges presence changes that queue. */
function heard(live: Listener) {
  const { types, changes, presence, catchUp } = live.take();
  const changed = presence.filter((p) => !p.snapshot);
  const ids = (list: number[]) => [...new Set(list)].sort((a, b) => a - b);
  return {
    types,
    changes,
    snapshot: ids(presence.filter((p) => p.snapshot).flatMap((p) => p.online)),
    online: ids(changed.flatMap((p) => p.online)),
    offline: ids(changed.flatMap((p) => p.offline)),
    catchUp,
  };
}

function acceptedMessageId(answer: PushResult, index = 0): number {
  const result = answer.results[index];
  if (result?.status !== 'accepted' || !result.message) {
    throw new Error(`no message accepted: ${JSON.stringify(result)}`);
  }
  return result.message.messageId;
}

/** The parts of the group scenario, in the order they run. */
const GROUP_PARTS = [
  'create',
  'refusals',
  'add',
  'remove',
  'duplicates',
  'receipts',
  'leave',
  'rename',
  'end',
] as const;
type GroupPart = (typeof GROUP_PARTS)[number];

interface PartStep extends Step {
  part: GroupPart;
}

/** The group scenario (docs/groups.md): Ada creates a group with Ben and Cleo, adds Dev,
 * removes Cleo, retries what she pushed, is read, and leaves; Ben, admin after her,
 * renames it; Eve is a stranger. Dev signs up before Ben, so the longest-standing member
 * is not the one with the lowest id. */
async function groupScenario(backend: Backend): Promise<PartStep[]> {
  const [ada, dev, ben, cleo, eve] = await backend.people('Ada', 'Dev', 'Ben', 'Cleo', 'Eve');
  if (!ada || !dev || !ben || !cleo || !eve) throw new Error('not everyone signed up');
  const named = ids();
  const op = (name: string) => named.new(name);
  const record: PartStep[] = [];
  let part: GroupPart = 'create';
  const note = (step: string, seen: unknown) => record.push({ part, step, seen });

  const phones = {
    ada: ada.connect(),
    ben: ben.connect(),
    cleo: cleo.connect(),
    dev: dev.connect(),
  };
  const eveLaptop = eve.connect();
  const live = {
    ada: listen(phones.ada),
    ben: listen(phones.ben),
    cleo: listen(phones.cleo),
    dev: listen(phones.dev),
  };
  await Promise.all(Object.values(live).map((l) => l.whenConnected()));
  note('everyone connects, nobody knows anybody', {
    ada: heard(live.ada),
    ben: heard(live.ben),
    cleo: heard(live.cleo),
    dev: heard(live.dev),
  });
  const hasHeard = (l: Listener, ...users: Account[]) =>
    users.every((u) => l.cameOnline().has(u.userId));

  // --- create ---------------------------------------------------------------------------
  const clientConvId = named.new('group');
  const createGroup: PushOp = {
    opId: op('create group'),
    kind: 'createGroup',
    clientConvId,
    title: 'Lesson planning',
    memberIds: [ben.userId, cleo.userId],
    conversationType: 'service',
    contextId: 17,
    contextTitle: 'Guitar lessons',
  };
  const send = (
    opName: string,
    content: string,
    conversation: ConversationRef,
    clientMsgId = named.new(`${opName} message`),
  ): PushOp => ({
    opId: op(opName),
    kind: 'send',
    conversation,
    clientMsgId,
    content,
    messageType: 'text',
  });
  const created = await phones.ada.push([
    createGroup,
    send('send welcome', 'Welcome, both of you', { clientConvId }),
  ]);
  note('ada creates the group and sends into it by her device’s id, in one push', created);
  const [createdResult] = created.results;
  if (createdResult?.status !== 'accepted' || !createdResult.conversation) {
    throw new Error('the group was not created');
  }
  const conversationId = createdResult.conversation.conversationId;
  const group: ConversationRef = { conversationId };
  const welcomeId = acceptedMessageId(created, 1);
  const change = (opName: string, wanted: GroupChange, target = group): PushOp => ({
    opId: op(opName),
    kind: 'changeGroup',
    conversation: target,
    change: wanted,
  });
  const receipt = (
    opName: string,
    kind: 'deliveredUpTo' | 'readUpTo',
    messageId: number,
  ): PushOp => ({ opId: op(opName), kind, conversationId, messageId });

  await waitFor(
    () =>
      live.ben.rows('messages') >= 2 &&
      live.cleo.rows('messages') >= 2 &&
      hasHeard(live.ben, ada, cleo) &&
      hasHeard(live.cleo, ada, ben) &&
      hasHeard(live.ada, ben, cleo),
    { what: 'the members hear of the group and of each other' },
  );
  note('ben hears of the group', heard(live.ben));
  note('cleo hears of the group', heard(live.cleo));
  note('ada hears who of her group is online', heard(live.ada));

  const benFirst = await phones.ben.pull({ cursor: null });
  note('ben pulls from the start', benFirst);
  const cleoFirst = await phones.cleo.pull({ cursor: null });
  note('cleo pulls from the start', cleoFirst);
  note(
    'ben has the welcome on his phone',
    await phones.ben.push([receipt('ben has the welcome', 'deliveredUpTo', welcomeId)]),
  );
  await waitFor(() => live.ada.rows('members') >= 1 && live.cleo.rows('members') >= 1, {
    what: 'the group hears ben’s receipt',
  });
  note('ada hears ben has the welcome', heard(live.ada));
  note('cleo hears ben has the welcome', heard(live.cleo));

  // --- refusals -------------------------------------------------------------------------
  part = 'refusals';
  note(
    'ben, a member, renames the group',
    await phones.ben.push([change('ben renames', { type: 'rename', title: 'Ben’s group' })]),
  );
  note(
    'eve, a stranger, renames the group, sends into it and reads it',
    await eveLaptop.push([
      change('eve renames', { type: 'rename', title: 'Eve’s group' }),
      send('eve sends', 'hello?', group),
      receipt('eve reads', 'readUpTo', welcomeId),
    ]),
  );
  const refusedGroup = named.new('group with nobody');
  const createOf = (opName: string, fields: Partial<OpOfKind<'createGroup'>>): PushOp => ({
    opId: op(opName),
    kind: 'createGroup',
    clientConvId: named.new(`${opName} group`),
    title: 'Another group',
    memberIds: [ben.userId, cleo.userId],
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
    ...fields,
  });
  note(
    'ada pushes what the server refuses',
    await phones.ada.push([
      createOf('create with herself', { memberIds: [ada.userId, ben.userId] }),
      createOf('create with nobody', {
        clientConvId: refusedGroup,
        memberIds: [ben.userId, 2_000_000_000],
      }),
      send('send into the refused group', 'anyone?', { clientConvId: refusedGroup }),
      createOf('create a request group about nothing', { conversationType: 'request' }),
      createOf('create with one other', { memberIds: [ben.userId] }),
      change('remove herself', { type: 'remove', userId: ada.userId }),
      change('add nobody', { type: 'add', userIds: [2_000_000_000] }),
    ]),
  );

  // --- add ------------------------------------------------------------------------------
  part = 'add';
  const addDev = change('ada adds dev', { type: 'add', userIds: [dev.userId] });
  note('ada adds dev', await phones.ada.push([addDev]));
  await waitFor(
    () =>
      live.dev.rows('messages') >= 1 &&
      live.ben.rows('versions') >= 1 &&
      live.cleo.rows('versions') >= 1 &&
      hasHeard(live.dev, ada, ben, cleo) &&
      hasHeard(live.ben, dev) &&
      hasHeard(live.cleo, dev) &&
      hasHeard(live.ada, dev),
    { what: 'the group hears of dev, and dev of the group' },
  );
  note('dev hears he was added', heard(live.dev));
  note('ben hears dev was added', heard(live.ben));
  note('cleo hears dev was added', heard(live.cleo));
  note('ada hears dev is online', heard(live.ada));
  const devFirst = await phones.dev.pull({ cursor: null });
  note('dev pulls from the start: the log starts where he was added', devFirst);
  const benSecond = await phones.ben.pull({ cursor: benFirst.cursor });
  note('ben pulls from his cursor', benSecond);
  note(
    'ada adds dev again: done already',
    await phones.ada.push([change('ada adds dev again', { type: 'add', userIds: [dev.userId] })]),
  );

  // --- remove ---------------------------------------------------------------------------
  part = 'remove';
  note('ben greets dev', await phones.ben.push([send('ben greets dev', 'Hi Dev', group)]));
  await waitFor(
    () =>
      live.ada.rows('messages') >= 1 &&
      live.cleo.rows('messages') >= 1 &&
      live.dev.rows('messages') >= 1,
    { what: 'the group hears ben' },
  );
  note('dev hears ben', heard(live.dev));
  heard(live.ada);
  heard(live.cleo);
  const removeCleo = change('ada removes cleo', { type: 'remove', userId: cleo.userId });
  note('ada removes cleo', await phones.ada.push([removeCleo]));
  await waitFor(
    () =>
      live.cleo.rows('messages') >= 1 &&
      live.ben.rows('versions') >= 1 &&
      live.dev.rows('versions') >= 1,
    { what: 'the group and cleo hear of her removal' },
  );
  note('cleo hears she was removed', heard(live.cleo));
  note('ben hears cleo was removed', heard(live.ben));
  heard(live.dev);
  const lastId = acceptedMessageId(
    await phones.ada.push([send('ada writes after cleo went', 'Cleo has left us', group)]),
  );
  await waitFor(() => live.ben.rows('messages') >= 1 && live.dev.rows('messages') >= 1, {
    what: 'the group hears ada',
  });
  note('ben hears what ada wrote after cleo went', heard(live.ben));
  heard(live.dev);
  note(
    'cleo pulls from her cursor: the log up to her removal, read-only',
    await phones.cleo.pull({ cursor: cleoFirst.cursor }),
  );
  note(
    'cleo writes into the group she was removed from',
    await phones.cleo.push([
      send('cleo sends', 'wait, what?', group),
      receipt('cleo reads', 'readUpTo', lastId),
      change('cleo renames', { type: 'rename', title: 'Cleo’s group' }),
      change('cleo leaves', { type: 'leave' }),
    ]),
  );
  note('cleo pulls again from the start', await phones.cleo.pull({ cursor: null }));
  note(
    'ada removes cleo again: done already',
    await phones.ada.push([
      change('ada removes cleo again', { type: 'remove', userId: cleo.userId }),
    ]),
  );

  // --- duplicates -----------------------------------------------------------------------
  part = 'duplicates';
  const benThird = await phones.ben.pull({ cursor: benSecond.cursor });
  note('ben pulls from his cursor before the retries', benThird);
  note(
    'ada retries her create, addition (twice) and removal, as after lost answers',
    await phones.ada.push([createGroup, addDev, addDev, removeCleo]),
  );
  await waitFor(() => live.ben.count('catchUp') >= 1 && live.dev.count('catchUp') >= 1, {
    what: 'the group told to catch up',
  });
  note('ben hears of the retries', heard(live.ben));
  note('dev hears of the retries', heard(live.dev));
  const benFourth = await phones.ben.pull({ cursor: benThird.cursor });
  note('ben pulls from his cursor after the retries: nothing was written', benFourth);

  // --- receipts -------------------------------------------------------------------------
  part = 'receipts';
  note(
    'dev reads up to the last message',
    await phones.dev.push([receipt('dev reads', 'readUpTo', lastId)]),
  );
  note(
    'ben has up to the last message',
    await phones.ben.push([receipt('ben has it all', 'deliveredUpTo', lastId)]),
  );
  await waitFor(() => live.ada.rows('members') >= 2, { what: 'ada hears both receipts' });
  note('ada hears the receipts', heard(live.ada));
  heard(live.ben);
  heard(live.dev);
  note('ada pulls from the start: delivered', await phones.ada.pull({ cursor: null }));
  note(
    'ada asks who has her last message',
    await phones.ada.receiptDetails({ conversationId, messageId: lastId }),
  );
  note(
    'ada asks who has her welcome',
    await phones.ada.receiptDetails({ conversationId, messageId: welcomeId }),
  );
  note(
    'ben asks who has ada’s message',
    await failureOf(phones.ben.receiptDetails({ conversationId, messageId: lastId })),
  );
  note(
    'ben reads up to the last message',
    await phones.ben.push([receipt('ben reads', 'readUpTo', lastId)]),
  );
  await waitFor(() => live.ada.rows('members') >= 1, { what: 'ada hears ben read' });
  heard(live.ada);
  heard(live.dev);
  const adaRead = await phones.ada.pull({ cursor: null });
  note('ada pulls from the start: read', adaRead);
  note(
    'ada asks who read her last message',
    await phones.ada.receiptDetails({ conversationId, messageId: lastId }),
  );

  // --- leave ----------------------------------------------------------------------------
  part = 'leave';
  const leave = change('ada leaves', { type: 'leave' });
  note('ada, the last admin, leaves', await phones.ada.push([leave]));
  await waitFor(() => live.ben.rows('rosters') >= 1 && live.dev.rows('rosters') >= 1, {
    what: 'the group hears ada left',
  });
  note('ben hears ada left, and that he is admin', heard(live.ben));
  note('dev hears ada left', heard(live.dev));
  note(
    'ben pulls from his cursor: he is admin',
    await phones.ben.pull({ cursor: benFourth.cursor }),
  );
  note('ada pulls from her cursor', await phones.ada.pull({ cursor: adaRead.cursor }));
  note('ada retries her leaving', await phones.ada.push([leave]));
  await waitFor(() => live.ben.count('catchUp') >= 1 && live.dev.count('catchUp') >= 1, {
    what: 'the group told to catch up',
  });
  note('ben hears of the retry', heard(live.ben));
  heard(live.dev);
  note(
    'ada writes into the group she left',
    await phones.ada.push([send('ada sends after leaving', 'one more thing', group)]),
  );
  note('ben pulls everything again', await phones.ben.pull({ cursor: null }));
  const devBefore = await phones.dev.pull({ cursor: devFirst.cursor });
  note('dev pulls from his cursor', devBefore);

  // --- rename ---------------------------------------------------------------------------
  part = 'rename';
  const benRenames = change('ben renames', { type: 'rename', title: 'Ben’s plans' });
  note(
    'ben, now the admin, renames the group, the same operation twice in one push',
    await phones.ben.push([benRenames, benRenames]),
  );
  await waitFor(() => live.dev.rows('versions') >= 1, { what: 'dev hears ben’s rename' });
  note('dev hears ben’s rename, and no call to catch up', heard(live.dev));
  note(
    'dev pulls from his cursor after the rename',
    await phones.dev.pull({ cursor: devBefore.cursor }),
  );
  note('ben retries his rename', await phones.ben.push([benRenames]));
  await waitFor(() => live.dev.count('catchUp') >= 1, { what: 'dev told to catch up' });
  note('dev hears of the retried rename', heard(live.dev));

  // --- end ------------------------------------------------------------------------------
  part = 'end';
  note('what the streams brought last', {
    ada: heard(live.ada),
    ben: heard(live.ben),
    cleo: heard(live.cleo),
    dev: heard(live.dev),
  });

  for (const l of Object.values(live)) l.stop();
  for (const transport of [...Object.values(phones), eveLaptop]) transport.close();
  const users = {
    [ada.userId]: 'ada',
    [ben.userId]: 'ben',
    [cleo.userId]: 'cleo',
    [dev.userId]: 'dev',
    [eve.userId]: 'eve',
  };
  const normalized = normalize(record, users, named.names);
  return normalized.map((s, i) => ({ ...s, part: record[i]?.part ?? 'end' }));
}

const MESSAGE_ID_KEYS = new Set([
  'messageId',
  'lastMessageId',
  'deliveredUpTo',
  'readUpTo',
  'leftUpTo',
  'historyFrom',
]);
const USER_ID_KEYS = new Set(['userId', 'user1Id', 'user2Id', 'senderId', 'otherUserId']);
const TIME_KEYS = new Set(['createdAt', 'updatedAt', 'lastMessageAt']);
/** Times of columns that keep milliseconds (a member's joining, a receipt's mark). */
const PRECISE_TIME_KEYS = new Set(['joinedAt', 'deliveredAt', 'readAt']);
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
      if (PRECISE_TIME_KEYS.has(key))
        return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) ? 'time' : value;
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

/** The steps of the group scenario (or of one part of it) as both sides must answer
 * them. A view's `clientConvId` on the live stream is left out here, as a rule with its
 * own test below. */
function comparable(record: readonly PartStep[], part?: GroupPart): Step[] {
  const withoutDeviceIds = (changes: unknown): unknown => {
    if (typeof changes !== 'object' || changes === null || !('conversations' in changes)) {
      return changes;
    }
    const views: unknown[] = Array.isArray(changes.conversations) ? changes.conversations : [];
    return {
      ...changes,
      conversations: views.map((view) =>
        typeof view === 'object' && view !== null
          ? Object.fromEntries(Object.entries(view).filter(([k]) => k !== 'clientConvId'))
          : view,
      ),
    };
  };
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const isStream = entries.some(([k]) => k === 'types') && entries.some(([k]) => k === 'changes');
    return Object.fromEntries(
      entries.map(([k, v]) => [
        k,
        isStream && k === 'changes' ? withoutDeviceIds(strip(v)) : strip(v),
      ]),
    );
  };
  return record
    .filter((s) => part === undefined || s.part === part)
    .map(({ step, seen }) => ({ step, seen: strip(seen) }));
}

/** Steps where someone other than the group's creator (ada) was shown a view naming the
 * id her device gave the group. */
function deviceIdsShownToOthers(record: readonly PartStep[]): string[] {
  const named = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(named);
    if (typeof value !== 'object' || value === null) return false;
    return Object.entries(value).some(([k, v]) => (k === 'clientConvId' ? v !== null : named(v)));
  };
  return record
    .filter(({ step, seen }) => !step.startsWith('ada') && named(seen))
    .map(({ step }) => step);
}

/** What a rename did to the roster: the versions and titles of the rosters its steps
 * carry, and those a pull after it brought, beside the roster before it. */
function rosterAfterRename(record: readonly PartStep[]) {
  const versionsIn = (value: unknown): unknown[] => {
    if (Array.isArray(value)) return value.flatMap(versionsIn);
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([k, v]) =>
      k === 'roster' || k === 'rosters'
        ? [v]
            .flat()
            .map((r: unknown) =>
              typeof r === 'object' && r && 'version' in r && 'title' in r
                ? `v${r.version} “${r.title}”`
                : r,
            )
        : versionsIn(v),
    );
  };
  const before = record.find((s) => s.step === 'dev pulls from his cursor');
  const pulled = record.find((s) => s.step === 'dev pulls from his cursor after the rename');
  return {
    before: versionsIn(before?.seen),
    renamed: [
      ...new Set(record.filter((s) => s.part === 'rename').flatMap((s) => versionsIn(s.seen))),
    ],
    pulledAfter: versionsIn(pulled?.seen),
  };
}

const SYSTEM_TEXT = {
  created: 'Ada created the group “Lesson planning” with Ben and Cleo',
  added: 'Ada added Dev',
  removed: 'Ada removed Cleo',
  left: 'Ada left the group',
};

describe('[§4a] groups: the fake transport answers as the real server does', () => {
  let real: PartStep[] = [];
  let fake: PartStep[] = [];
  beforeAll(async () => {
    real = await groupScenario(realBackend);
    fake = await groupScenario(fakeBackend);
  });
  const seen = (step: string) => {
    const found = real.filter((s) => s.step === step);
    if (found.length !== 1) throw new Error(`${found.length} steps “${step}”`);
    return found[0]?.seen;
  };
  const messagesOf = (step: string) => {
    const page = seen(step) as { changes: { messages: { content: string }[] } };
    return page.changes.messages.map((m) => m.content);
  };
  const codesOf = (step: string) =>
    (seen(step) as PushResult).results.map((r) => (r.status === 'rejected' ? r.code : r.status));

  test('[§4a] creating a group, with a send into it by its device id in the same push, gives the creator and each member the group, its roster with the creator as admin, and the system message', () => {
    expect(comparable(fake, 'create')).toEqual(comparable(real, 'create'));
    const roster = {
      version: 1,
      members: [
        { userId: 'ada', role: 'admin' },
        { userId: 'ben', role: 'member' },
        { userId: 'cleo', role: 'member' },
      ],
    };
    expect(
      seen('ada creates the group and sends into it by her device’s id, in one push'),
    ).toMatchObject({
      results: [
        {
          status: 'accepted',
          conversation: { isGroup: true, title: 'Lesson planning', clientConvId: 'group' },
          roster,
          message: { messageType: 'system', content: SYSTEM_TEXT.created, version: 1 },
        },
        { status: 'accepted', message: { content: 'Welcome, both of you', version: 2 } },
      ],
      versions: [
        { from: null, to: 1 },
        { from: 1, to: 2 },
      ],
      rosters: [roster],
    });
    for (const step of ['ben pulls from the start', 'cleo pulls from the start']) {
      expect(seen(step)).toMatchObject({
        changes: {
          conversations: [
            { isGroup: true, title: 'Lesson planning', leftUpTo: null, clientConvId: null },
          ],
          rosters: [roster],
          versions: [{ from: null, to: 2 }],
        },
      });
      expect(messagesOf(step)).toEqual([SYSTEM_TEXT.created, 'Welcome, both of you']);
    }
    expect(seen('ben hears of the group')).toMatchObject({ online: ['ada', 'cleo'] });
  });

  test('[§4a] a member who is not an admin may not rename the group (FORBIDDEN), a stranger finds no group (NOT_FOUND), and what breaks the rules is refused alone', () => {
    expect(comparable(fake, 'refusals')).toEqual(comparable(real, 'refusals'));
    expect(codesOf('ben, a member, renames the group')).toEqual(['FORBIDDEN']);
    expect(codesOf('eve, a stranger, renames the group, sends into it and reads it')).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
    ]);
    expect(codesOf('ada pushes what the server refuses')).toEqual([
      'VALIDATION_FAILED',
      'NOT_FOUND',
      'CONVERSATION_REJECTED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'NOT_FOUND',
    ]);
  });

  test('[§4a] a member added later gets the group from the message that added him, with a step from null; adding him again is done already', () => {
    expect(comparable(fake, 'add')).toEqual(comparable(real, 'add'));
    expect(seen('dev hears he was added')).toMatchObject({
      changes: {
        messages: [{ content: SYSTEM_TEXT.added }],
        versions: [{ from: null, to: 3 }],
        rosters: [{ version: 2 }],
      },
      online: ['ada', 'ben', 'cleo'],
    });
    expect(messagesOf('dev pulls from the start: the log starts where he was added')).toEqual([
      SYSTEM_TEXT.added,
    ]);
    expect(seen('ben hears dev was added')).toMatchObject({
      changes: { members: [{ userId: 'dev' }], versions: [{ from: 2, to: 3 }] },
      online: ['dev'],
    });
    expect(seen('ada adds dev again: done already')).toEqual({
      results: [{ opId: 'ada adds dev again', status: 'accepted' }],
      versions: [],
      members: [],
      rosters: [],
    });
  });

  test('[§4a] a removed member keeps the group read-only up to the message that removed her, hears and pulls nothing after it, and may write nothing (FORBIDDEN)', () => {
    expect(comparable(fake, 'remove')).toEqual(comparable(real, 'remove'));
    const gone = { conversations: [{ leftUpTo: 'M5' }], members: [], versions: [], rosters: [] };
    expect(seen('cleo hears she was removed')).toMatchObject({
      changes: { ...gone, messages: [{ messageId: 'M5', content: SYSTEM_TEXT.removed }] },
    });
    // A full pass brings no version of a group she left: a device's version of it never
    // passes her going (a head check gives it, for a device that heard only that she went
    // to see that it lacks the end of her stay).
    expect(seen('cleo pulls from her cursor: the log up to her removal, read-only')).toMatchObject({
      changes: gone,
    });
    expect(messagesOf('cleo pulls again from the start')).toEqual([
      SYSTEM_TEXT.created,
      'Welcome, both of you',
      SYSTEM_TEXT.added,
      'Hi Dev',
      SYSTEM_TEXT.removed,
    ]);
    expect(codesOf('cleo writes into the group she was removed from')).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    expect(seen('what the streams brought last')).toMatchObject({ cleo: { types: [] } });
  });

  test('[§4a][S3.2] a retried createGroup or changeGroup is answered as a duplicate, tells the members to catch up, and writes nothing twice', () => {
    expect(comparable(fake, 'duplicates')).toEqual(comparable(real, 'duplicates'));
    const retried = seen(
      'ada retries her create, addition (twice) and removal, as after lost answers',
    ) as PushResult;
    expect(retried.results.map((r) => r.status === 'accepted' && r.duplicate)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(retried).toMatchObject({ versions: [], members: [] });
    expect(seen('ben hears of the retries')).toMatchObject({ catchUp: ['possibly-missed'] });
    expect(seen('ben pulls from his cursor after the retries: nothing was written')).toMatchObject({
      changes: { conversations: [], messages: [], members: [], rosters: [] },
    });
    const log = messagesOf('ben pulls everything again');
    for (const text of Object.values(SYSTEM_TEXT)) {
      expect(log.filter((content) => content === text)).toHaveLength(1);
    }
  });

  test('[§3.5][§4a] a message in a group is delivered, then read, once every other current member has it, and receiptDetails tells its sender who and when', () => {
    expect(comparable(fake, 'receipts')).toEqual(comparable(real, 'receipts'));
    const statuses = (step: string) =>
      (
        seen(step) as { changes: { messages: { senderId: string; status: string }[] } }
      ).changes.messages.map((m) => `${m.senderId}:${m.status}`);
    const ada = (status: string) => `ada:${status}`;
    // Ben's greeting is not read by Ada, who sends no receipts.
    const expected = (s: string) => [ada(s), ada(s), ada(s), 'ben:sent', ada(s), ada(s)];
    expect(statuses('ada pulls from the start: delivered')).toEqual(expected('delivered'));
    expect(statuses('ada pulls from the start: read')).toEqual(expected('read'));
    expect(seen('ada asks who has her last message')).toMatchObject({
      members: [
        { userId: 'ben', isDelivered: true, isRead: false, deliveredAt: 'time', readAt: null },
        { userId: 'dev', isDelivered: true, isRead: true, deliveredAt: 'time', readAt: 'time' },
      ],
    });
    // Dev came after it: the welcome is not his to have.
    expect(seen('ada asks who has her welcome')).toMatchObject({
      members: [{ userId: 'ben', isDelivered: true, isRead: false }],
    });
    expect(seen('ben asks who has ada’s message')).toEqual({
      kind: 'permanent',
      code: 'NOT_FOUND',
    });
  });

  test('[§4a] when the last admin leaves, the longest-standing member becomes admin; she keeps the log up to her leaving and writes nothing more', () => {
    expect(comparable(fake, 'leave')).toEqual(comparable(real, 'leave'));
    expect(seen('ada, the last admin, leaves')).toMatchObject({
      results: [
        {
          status: 'accepted',
          conversation: { leftUpTo: 'M7' },
          message: { content: SYSTEM_TEXT.left },
        },
      ],
      versions: [],
      rosters: [],
    });
    const roster = {
      version: 4,
      members: [
        { userId: 'ben', role: 'admin' },
        { userId: 'dev', role: 'member' },
      ],
    };
    expect(seen('ben hears ada left, and that he is admin')).toMatchObject({
      changes: { rosters: [roster] },
    });
    expect(seen('ben pulls from his cursor: he is admin')).toMatchObject({
      changes: { rosters: [roster] },
    });
    expect(seen('ada pulls from her cursor')).toMatchObject({
      changes: {
        conversations: [{ leftUpTo: 'M7' }],
        members: [],
        rosters: [],
        versions: [],
      },
    });
    expect(seen('ada retries her leaving')).toMatchObject({
      results: [{ status: 'accepted', duplicate: true, conversation: { leftUpTo: 'M7' } }],
    });
    expect(codesOf('ada writes into the group she left')).toEqual(['FORBIDDEN']);
    expect(seen('what the streams brought last')).toMatchObject({ ada: { types: [] } });
  });

  test('[§4a] the admin renames the group: the members hear the system message and the step; the same operation again, in the push or after it, is a duplicate', () => {
    expect(comparable(fake, 'rename')).toEqual(comparable(real, 'rename'));
    const renamed = { content: 'Ben renamed the group to “Ben’s plans”', version: 8 };
    expect(
      seen('ben, now the admin, renames the group, the same operation twice in one push'),
    ).toMatchObject({
      results: [
        { status: 'accepted', conversation: { title: 'Ben’s plans' }, message: renamed },
        { status: 'accepted', duplicate: true, message: renamed },
      ],
      versions: [{ from: 7, to: 8 }],
    });
    expect(seen('dev hears ben’s rename, and no call to catch up')).toMatchObject({
      types: ['changes'],
      changes: { conversations: [{ title: 'Ben’s plans' }], versions: [{ from: 7, to: 8 }] },
      catchUp: [],
    });
    expect(seen('ben retries his rename')).toMatchObject({
      results: [{ status: 'accepted', duplicate: true, message: renamed }],
      versions: [],
    });
    expect(seen('dev hears of the retried rename')).toMatchObject({
      catchUp: ['possibly-missed'],
    });
    expect(comparable(fake, 'end')).toEqual(comparable(real, 'end'));
  });

  test('[§4a] the whole group scenario, step by step and in order, the same', () => {
    expect(comparable(fake)).toEqual(comparable(real));
  });

  test('[§4a] the fake names a group’s device id (clientConvId) to its creator only, in pulls and on the live stream', () => {
    expect(deviceIdsShownToOthers(fake)).toEqual([]);
  });

  test('[§4a] the real server names a group’s device id (clientConvId) to its creator only, on the live stream as in pulls', () => {
    expect(deviceIdsShownToOthers(real)).toEqual([]);
  });

  // A roster is the group's facts at a version, its title among them.
  const renamedRoster = {
    before: ['v4 “Lesson planning”'],
    renamed: ['v5 “Ben’s plans”'],
    pulledAfter: ['v5 “Ben’s plans”'],
  };

  test('[§4a] in the fake a rename moves the roster: its answer and its steps carry the next version with the new title, and a pull after it brings that roster', () => {
    expect(rosterAfterRename(fake)).toEqual(renamedRoster);
  });

  test('[§4a] on the real server a rename moves the roster: its answer and its steps carry the next version with the new title, and a pull after it brings that roster', () => {
    expect(rosterAfterRename(real)).toEqual(renamedRoster);
  });
});

/** Ada's message in a group of three: Ben has it on a device, then Cleo reads it. */
async function deliveredThenReadByOthers(backend: Backend) {
  const [ada, ben, cleo] = await backend.people('Ada', 'Ben', 'Cleo');
  if (!ada || !ben || !cleo) throw new Error('not everyone signed up');
  const [adaPhone, benPhone, cleoPhone] = [ada, ben, cleo].map((a) => a.connect());
  if (!adaPhone || !benPhone || !cleoPhone) throw new Error('no phones');
  const created = await adaPhone.push([
    {
      opId: randomUUID(),
      kind: 'createGroup',
      clientConvId: randomUUID(),
      title: 'Three of us',
      memberIds: [ben.userId, cleo.userId],
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    },
  ]);
  const [result] = created.results;
  if (result?.status !== 'accepted' || !result.conversation) throw new Error('no group');
  const { conversationId } = result.conversation;
  const sent = await adaPhone.push([
    {
      opId: randomUUID(),
      kind: 'send',
      conversation: { conversationId },
      clientMsgId: randomUUID(),
      content: 'Who has this?',
      messageType: 'text',
    },
  ]);
  const messageId = acceptedMessageId(sent);
  const receipt = (kind: 'deliveredUpTo' | 'readUpTo'): PushOp[] => [
    { opId: randomUUID(), kind, conversationId, messageId },
  ];
  await benPhone.push(receipt('deliveredUpTo'));
  await cleoPhone.push(receipt('readUpTo'));
  const page = await adaPhone.pull({ cursor: null });
  const details = await adaPhone.receiptDetails({ conversationId, messageId });
  for (const phone of [adaPhone, benPhone, cleoPhone]) phone.close();
  return {
    status: page.changes.messages.find((m) => m.messageId === messageId)?.status,
    everyoneHasIt: details.members.every((m) => m.isDelivered),
  };
}

describe('[§3.5][§4a] a read receipt that completes delivery', () => {
  test('the fake marks the message delivered once every other member has it, whichever receipt says so last', async () => {
    expect(await deliveredThenReadByOthers(fakeBackend)).toEqual({
      status: 'delivered',
      everyoneHasIt: true,
    });
  });

  test('the real server marks the message delivered once every other member has it, whichever receipt says so last', async () => {
    expect(await deliveredThenReadByOthers(realBackend)).toEqual({
      status: 'delivered',
      everyoneHasIt: true,
    });
  });
});
