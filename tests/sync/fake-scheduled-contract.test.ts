// The renderer's unit tests schedule messages against the in-memory server
// (renderer/sync/test-support/fake-scheduled.ts). This runs one scenario of scheduled
// messages against that fake and against the real server (docs/scheduling.md) and
// asserts both answer the same: scheduled in the push that creates the conversation,
// changed with an older and a later stamp, cancelled, refused, pulled, sent at its time
// to the other person and to every device of the sender, then changed too late.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeServer } from '../../renderer/sync/test-support/fake-transport.ts';
import type { SyncTransport } from '../../renderer/sync/transport.ts';
import type { ChangeSet, LiveEvent, OpOfKind, PushOp } from '../../shared/sync/protocol.ts';
import {
  createUsers,
  realTransport,
  type SyncServer,
  signInAgain,
  startSyncServer,
  waitFor,
} from './support.ts';

interface World {
  /** Each connection of Alice's is a device of its own (a session of its own). */
  alice: { userId: number; connect(): Promise<SyncTransport> };
  bob: { userId: number; connect(): SyncTransport };
  /** What the server's delivery loop does by itself; the fake is asked to do it. */
  deliverDue(): void;
}

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer('scheduledcontract');
});
afterAll(async () => {
  await server?.dispose();
});

async function realWorld(): Promise<World> {
  const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
  if (!alice || !bob) throw new Error('not signed up');
  return {
    alice: {
      userId: alice.user.userId,
      connect: async () => realTransport(server, await signInAgain(server, alice)),
    },
    bob: { userId: bob.user.userId, connect: () => realTransport(server, bob) },
    deliverDue: () => {},
  };
}

async function fakeWorld(): Promise<World> {
  const fake = createFakeServer();
  const alice = fake.addUser('Alice');
  const bob = fake.addUser('Bob');
  return {
    alice: { userId: alice, connect: async () => fake.connect(alice) },
    bob: { userId: bob, connect: () => fake.connect(bob) },
    deliverDue: () => void fake.deliverDue(),
  };
}

/** A device's live stream: the change sets it brought, merged, since the last take. */
function listen(transport: SyncTransport) {
  const events: LiveEvent[] = [];
  let isConnected = false;
  const stop = transport.subscribe({
    onEvent: (event) => events.push(event),
    onConnectionChange: (connected) => {
      isConnected = connected;
    },
  });
  const changesOf = (event: LiveEvent): ChangeSet[] =>
    event.type === 'changes' ? [event.changes] : [];
  return {
    stop,
    whenConnected: () => waitFor(() => isConnected && events.length >= 2, { what: 'hello' }),
    count: (kind: 'messages' | 'scheduled') =>
      events.flatMap(changesOf).reduce((n, c) => n + (c[kind] ?? []).length, 0),
    take() {
      const taken = events.splice(0).flatMap(changesOf);
      return {
        messages: taken.flatMap((c) => c.messages),
        scheduled: taken.flatMap((c) => c.scheduled ?? []),
        versions: taken.flatMap((c) => c.versions),
      };
    },
  };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ISO_IN_TEXT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

/** Ids become names (client ids by the scenario's names, server ids by rank), times and
 * cursors their kind, so both runs' records can be compared. */
function normalize(
  record: readonly { step: string; seen: unknown }[],
  users: Record<number, string>,
  names: ReadonlyMap<string, string>,
) {
  const ranks = new Map<string, Map<number, string>>();
  const rank = (kind: string, id: number) => {
    const of = ranks.get(kind) ?? new Map<number, string>();
    ranks.set(kind, of);
    if (!of.has(id)) of.set(id, `${kind}${of.size + 1}`);
    return of.get(id);
  };
  const walk = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((item) => walk(item));
      // Views changed at one epoch come in the order of their random ids: by name instead.
      return key === 'scheduled'
        ? items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
        : items;
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof value === 'number' && value > 0) {
      if (key === 'messageId' || key === 'lastMessageId') return rank('M', value);
      if (key === 'conversationId') return rank('C', value);
      if (key === 'senderId' || key === 'user1Id' || key === 'user2Id' || key === 'userId') {
        return users[value] ?? 'someone else';
      }
    }
    if (typeof value === 'string') {
      if (key === 'cursor') return 'cursor';
      if (key === 'opId' || key === 'clientMsgId' || key === 'clientConvId') {
        return names.get(value) ?? 'unknown client id';
      }
      if (ISO.test(value)) return 'time';
      if (key === 'reason') return value.replace(ISO_IN_TEXT, 'time');
    }
    return value;
  };
  return record.map(({ step, seen }) => ({ step, seen: walk(seen) }));
}

async function scenario(world: World) {
  const names = new Map<string, string>();
  const id = (name: string) => {
    const value = randomUUID();
    names.set(value, name);
    return value;
  };
  const record: { step: string; seen: unknown }[] = [];
  const note = (step: string, seen: unknown) => record.push({ step, seen });
  const alicePhone = await world.alice.connect();
  const aliceLaptop = await world.alice.connect();
  const bobLaptop = world.bob.connect();
  const phone = listen(alicePhone);
  const laptop = listen(aliceLaptop);
  const bob = listen(bobLaptop);
  await Promise.all([phone, laptop, bob].map((l) => l.whenConnected()));
  for (const l of [phone, laptop, bob]) l.take();

  const clientConvId = id('conversation');
  const [soon, later, dropped] = [id('soon'), id('later'), id('dropped')];
  const start = Date.now();
  const dueSoon = new Date(start + 3000).toISOString();
  const dueLater = new Date(start + 3_600_000).toISOString();
  const schedule = (
    opName: string,
    clientMsgId: string,
    content: string,
    dueAt: string,
    at = new Date().toISOString(),
    conversation: { clientConvId: string } | { conversationId: number } = { clientConvId },
  ): OpOfKind<'schedule'> => ({
    opId: id(opName),
    kind: 'schedule',
    conversation,
    clientMsgId,
    content,
    dueAt,
    at,
  });
  const cancel = (opName: string, clientMsgId: string): PushOp => ({
    opId: id(opName),
    kind: 'cancelScheduled',
    clientMsgId,
    at: new Date().toISOString(),
  });

  const scheduleSoon = schedule('schedule soon', soon, 'See you in a moment', dueSoon);
  const created = await alicePhone.push([
    {
      opId: id('create'),
      kind: 'createConversation',
      clientConvId,
      otherUserId: world.bob.userId,
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
    },
    scheduleSoon,
    schedule('schedule later', later, 'See you in an hour', dueLater),
    schedule('schedule dropped', dropped, 'Never mind', dueLater),
  ]);
  note('alice creates the conversation and schedules three in the same push', created);
  const [conversationResult] = created.results;
  if (conversationResult?.status !== 'accepted' || !conversationResult.conversation) {
    throw new Error('the conversation was not created');
  }
  const conversationId = conversationResult.conversation.conversationId;
  const byId = { conversationId };
  await waitFor(() => laptop.count('scheduled') >= 3, { what: 'the laptop hears of them' });
  note('alice’s laptop hears of the three', laptop.take());

  const before = new Date(start - 10_000).toISOString();
  note(
    'alice changes one with a stamp older than its schedule, then with a later one',
    await alicePhone.push([
      schedule('change older', later, 'overtaken', dueLater, before, byId),
      schedule('change later', later, 'See you in two hours', dueLater, undefined, byId),
    ]),
  );
  const dropping = cancel('cancel dropped', dropped);
  note('alice cancels one, twice', await alicePhone.push([dropping, dropping]));
  note(
    'what the server refuses',
    await alicePhone.push([
      cancel('cancel unknown', id('unknown')),
      schedule(
        'too far',
        id('far'),
        'far',
        new Date(start + 400 * 86_400_000).toISOString(),
        undefined,
        byId,
      ),
      schedule('elsewhere', id('elsewhere'), 'hi', dueLater, undefined, {
        conversationId: 2_000_000_000,
      }),
    ]),
  );
  note('bob cancels alice’s', await bobLaptop.push([cancel('bob cancels', soon)]));
  await waitFor(() => laptop.count('scheduled') >= 2, { what: 'the laptop hears the changes' });
  note('alice’s laptop hears the change and the cancel', laptop.take());
  const fromNothing = await aliceLaptop.pull({ cursor: null });
  note('alice’s laptop pulls from nothing: those waiting', fromNothing);

  await waitFor(
    () => {
      world.deliverDue();
      return bob.count('messages') >= 1 && laptop.count('scheduled') >= 1;
    },
    { timeoutMs: 15_000, what: 'the one due soon sent' },
  );
  await waitFor(() => phone.count('messages') >= 1 && laptop.count('messages') >= 1, {
    what: 'every device of alice hears it',
  });
  note('bob gets it at its time', bob.take());
  note('alice’s laptop hears it was sent', laptop.take());
  note('alice’s phone hears it was sent', phone.take());

  note(
    'alice changes and cancels it after it went, and retries its schedule',
    await alicePhone.push([
      schedule('too late', soon, 'too late', dueSoon, undefined, byId),
      cancel('cancel too late', soon),
      // As the device retries it once the conversation's id is known.
      { ...scheduleSoon, conversation: byId },
    ]),
  );
  note(
    'alice’s laptop pulls from its cursor',
    await aliceLaptop.pull({ cursor: fromNothing.cursor }),
  );
  const bobs = await bobLaptop.pull({ cursor: null });
  note('bob pulls from nothing', bobs);

  for (const l of [phone, laptop, bob]) l.stop();
  for (const t of [alicePhone, aliceLaptop, bobLaptop]) t.close();
  return normalize(record, { [world.alice.userId]: 'alice', [world.bob.userId]: 'bob' }, names);
}

test('[§4a][S3.2] the fake schedules, changes, cancels, refuses and sends scheduled messages as the real server does', async () => {
  const real = await scenario(await realWorld());
  const fake = await scenario(await fakeWorld());
  expect(fake).toEqual(real);
  const seen = (step: string) => real.find((s) => s.step === step)?.seen;
  expect(seen('alice creates the conversation and schedules three in the same push')).toMatchObject(
    {
      results: [
        { status: 'accepted' },
        { status: 'accepted', scheduled: { state: 'scheduled', content: 'See you in a moment' } },
        { status: 'accepted', scheduled: { state: 'scheduled' } },
        { status: 'accepted', scheduled: { state: 'scheduled' } },
      ],
    },
  );
  expect(
    seen('alice changes one with a stamp older than its schedule, then with a later one'),
  ).toMatchObject({
    results: [
      { duplicate: true, scheduled: { content: 'See you in an hour' } },
      { scheduled: { content: 'See you in two hours' } },
    ],
  });
  expect(seen('alice cancels one, twice')).toMatchObject({
    results: [{ scheduled: { state: 'cancelled' } }, { duplicate: true }],
  });
  expect(seen('what the server refuses')).toMatchObject({
    results: [{ code: 'NOT_FOUND' }, { code: 'VALIDATION_FAILED' }, { code: 'NOT_FOUND' }],
  });
  expect(seen('bob cancels alice’s')).toMatchObject({ results: [{ code: 'NOT_FOUND' }] });
  expect(seen('alice’s laptop pulls from nothing: those waiting')).toMatchObject({
    changes: { scheduled: [{ clientMsgId: 'later' }, { clientMsgId: 'soon' }] },
  });
  expect(seen('bob gets it at its time')).toMatchObject({
    messages: [{ content: 'See you in a moment', senderId: 'alice', scheduledFor: 'time' }],
    scheduled: [],
  });
  expect(seen('alice’s laptop hears it was sent')).toMatchObject({
    scheduled: [{ clientMsgId: 'soon', state: 'sent', messageId: 'M1' }],
  });
  expect(
    seen('alice changes and cancels it after it went, and retries its schedule'),
  ).toMatchObject({
    results: [
      { code: 'ALREADY_SENT', reason: 'already sent at time: it can no longer be changed' },
      { code: 'ALREADY_SENT' },
      { status: 'accepted', duplicate: true, scheduled: { state: 'sent' } },
    ],
  });
  expect(seen('alice’s laptop pulls from its cursor')).toMatchObject({
    changes: { scheduled: [{ clientMsgId: 'soon', state: 'sent' }] },
  });
  expect(seen('bob pulls from nothing')).toMatchObject({
    changes: { messages: [{ clientMsgId: 'soon', scheduledFor: 'time' }] },
  });
  expect((seen('bob pulls from nothing') as { changes: object }).changes).not.toHaveProperty(
    'scheduled',
  );
});
