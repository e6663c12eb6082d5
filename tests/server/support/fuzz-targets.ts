// What the fuzzer aims at: every REST route of DESIGN §5 (with the schemas of
// shared/rest.ts that define a valid request) and every tRPC procedure of the router,
// enumerated from it so that a procedure added later is fuzzed too. Each target has a
// valid example input, drawn fresh, which the fuzzer mutates.
import fc from 'fast-check';
import { z } from 'zod';
import { appRouter } from '../../../server/routers/index.ts';
import {
  restConversationIdParam,
  restConversationListQuery,
  restCreateConversationBody,
  restLoginBody,
  restMessageListQuery,
  restRegisterBody,
  restSendMessageBody,
} from '../../../shared/rest.ts';
import { PROTOCOL_VERSION } from '../../../shared/sync/protocol.ts';
import type { FuzzWorld } from './fuzz-world.ts';

export type RestMethod = 'GET' | 'POST' | 'DELETE';

export interface RestExample {
  param: string | null;
  query: [string, string][];
  body: unknown;
}

export interface RestRoute {
  method: RestMethod;
  /** The path, with `{id}` where the route takes one. */
  template: string;
  isSignedIn: boolean;
  /** How the route reads each part; a part without a schema is not read. */
  param?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  example: (world: FuzzWorld) => fc.Arbitrary<RestExample>;
}

const uniqueEmail = fc.uuid().map((id) => `fuzz-${id}@fuzz.test`);
const clientId = fc.uuid({ version: 7 });
const PASSWORD = 'correct horse battery';

const noInput = (param: string | null = null): RestExample => ({ param, query: [], body: null });

export const REST_ROUTES: readonly RestRoute[] = [
  {
    method: 'POST',
    template: '/api/v1/auth/register',
    isSignedIn: false,
    body: restRegisterBody,
    example: () =>
      fc
        .record({
          email: uniqueEmail,
          password: fc.constant(PASSWORD),
          display_name: fc.constantFrom('Fuzz', 'Ana María', 'ゆき', '🦊'),
        })
        .map((body) => ({ param: null, query: [], body })),
  },
  {
    method: 'POST',
    template: '/api/v1/auth/login',
    isSignedIn: false,
    body: restLoginBody,
    example: (w) =>
      fc.constantFrom(w.alice, w.carol).map((u) => ({
        param: null,
        query: [],
        body: { email: u.user.email, password: PASSWORD },
      })),
  },
  {
    method: 'GET',
    template: '/api/v1/auth/sessions',
    isSignedIn: true,
    example: () => fc.constant(noInput()),
  },
  {
    method: 'DELETE',
    template: '/api/v1/auth/sessions/{id}',
    isSignedIn: true,
    param: restConversationIdParam,
    example: (w) => fc.constantFrom(...w.aliceDevices.slice(0, 2)).map((id) => noInput(String(id))),
  },
  {
    method: 'GET',
    template: '/api/v1/chat/conversations',
    isSignedIn: true,
    query: restConversationListQuery,
    example: () =>
      fc
        .subarray<[string, string]>([
          ['search', 'Guitar lessons'],
          ['limit', '20'],
          ['cursor', '1767225600000.2'],
        ])
        .map((query) => ({ param: null, query, body: null })),
  },
  {
    method: 'POST',
    template: '/api/v1/chat/conversations',
    isSignedIn: true,
    body: restCreateConversationBody,
    example: (w) =>
      fc
        .constantFrom(
          { other_user_id: w.bob.user.userId, conversation_type: 'general' },
          {
            other_user_id: w.carol.user.userId,
            conversation_type: 'service',
            context_id: 5,
            context_title: 'Guitar lessons',
          },
        )
        .map((body) => ({ param: null, query: [], body })),
  },
  {
    method: 'GET',
    template: '/api/v1/chat/conversations/{id}',
    isSignedIn: true,
    param: restConversationIdParam,
    example: (w) =>
      fc
        .constantFrom(w.conversations.aliceBob, w.conversations.aliceCarol)
        .map((id) => noInput(String(id))),
  },
  {
    method: 'GET',
    template: '/api/v1/chat/conversations/{id}/messages',
    isSignedIn: true,
    param: restConversationIdParam,
    query: restMessageListQuery,
    example: (w) =>
      fc
        .tuple(
          fc.constantFrom(w.conversations.aliceBob, w.conversations.aliceCarol),
          fc.constantFrom<[string, string][]>(
            [],
            [['limit', '2']],
            [['before_id', String(w.messageIds.at(-1) ?? 1)]],
          ),
        )
        .map(([id, query]) => ({ param: String(id), query, body: null })),
  },
  {
    method: 'POST',
    template: '/api/v1/chat/messages',
    isSignedIn: true,
    body: restSendMessageBody,
    example: (w) =>
      fc
        .tuple(
          fc.oneof(
            fc.record({
              conversation_id: fc.constantFrom(
                w.conversations.aliceBob,
                w.conversations.aliceCarol,
              ),
              client_msg_id: clientId,
            }),
            // A retry of a message alice sent: answered with the stored one.
            fc
              .constantFrom(...w.aliceMessages)
              .map((m) => ({ conversation_id: m.conversationId, client_msg_id: m.clientMsgId })),
          ),
          fc.constantFrom('hello', 'Zoë says hi 👋'),
        )
        .map(([ids, content]) => ({ param: null, query: [], body: { ...ids, content } })),
  },
];

export function restPath(route: RestRoute, param: string | null): string {
  return route.template.replace('{id}', param ?? '');
}

// ---- tRPC ----------------------------------------------------------------------------

export type ProcedureType = 'query' | 'mutation' | 'subscription';

export interface Procedure {
  path: string;
  type: ProcedureType;
  /** The input parsers tRPC runs, in order; an input is valid when all accept it. */
  parsers: z.ZodType[];
}

const procedureDefSchema = z.object({
  type: z.enum(['query', 'mutation', 'subscription']),
  inputs: z.array(z.custom<z.ZodType>((p) => p instanceof z.ZodType)),
});

/** Every procedure of the router, read from tRPC's own record of them. */
export function listProcedures(): Procedure[] {
  return Object.entries(appRouter._def.procedures).map(([path, procedure]: [string, unknown]) => {
    const def =
      typeof procedure === 'function' && '_def' in procedure
        ? procedureDefSchema.safeParse(procedure._def)
        : null;
    if (!def?.success) throw new Error(`${path} is not a procedure this fuzzer understands`);
    return { path, type: def.data.type, parsers: def.data.inputs };
  });
}

export function isValidInput(procedure: Procedure, input: unknown): boolean {
  return procedure.parsers.every((parser) => parser.safeParse(input).success);
}

/** Procedures anyone may call; every other one needs a session. */
export const PUBLIC_PROCEDURES = new Set(['auth.register', 'auth.login']);

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Cursors in the format the server issues (server/sync/cursor.ts), at positions up to
 * `epoch`'s values. */
function cursorOf(w: FuzzWorld, epoch: fc.Arbitrary<number>): fc.Arbitrary<string> {
  return fc
    .record({
      v: fc.constant(2),
      s: fc.constant(w.serverIdPrefix),
      e: epoch,
      p: fc.option(
        fc.record(
          {
            t: epoch,
            me: epoch,
            mc: epoch,
            part: fc.tuple(fc.integer({ min: 1, max: 2 ** 31 }), epoch, fc.integer({ min: 1 })),
          },
          { requiredKeys: ['t', 'me', 'mc'] },
        ),
        { nil: undefined },
      ),
    })
    .map(base64url);
}

/** One valid operation of each kind the push takes, in alice's name. */
export function pushOpExample(w: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  const ids = { opId: clientId };
  const mine = fc.constantFrom(...w.aliceMessages.map((m) => m.clientMsgId));
  const conversationId = fc.constantFrom(w.conversations.aliceBob, w.conversations.aliceCarol);
  return fc.oneof(
    fc.record({
      ...ids,
      kind: fc.constant('send'),
      conversation: fc.oneof(
        conversationId.map((id) => ({ conversationId: id })),
        clientId.map((id) => ({ clientConvId: id })),
      ),
      clientMsgId: clientId,
      content: fc.constant('pushed'),
      messageType: fc.constant('text'),
    }),
    fc.record({ ...ids, kind: fc.constant('edit'), clientMsgId: mine, content: fc.constant('e') }),
    fc.record({ ...ids, kind: fc.constant('delete'), clientMsgId: mine }),
    fc.record({
      ...ids,
      kind: fc.constantFrom('deliveredUpTo', 'readUpTo'),
      conversationId,
      messageId: fc.constantFrom(...w.messageIds),
    }),
    fc.record({
      ...ids,
      kind: fc.constant('createGroup'),
      clientConvId: clientId,
      title: fc.constantFrom('Lesson planning', 'Zoë’s group 🎉'),
      memberIds: fc.constant([w.bob.user.userId, w.carol.user.userId]),
      conversationType: fc.constant('general'),
      contextId: fc.constant(null),
      contextTitle: fc.constant(null),
    }),
    fc.record({
      ...ids,
      kind: fc.constant('changeGroup'),
      conversation: conversationId.map((id) => ({ conversationId: id })),
      change: fc.oneof(
        fc.record({ type: fc.constant('rename'), title: fc.constant('Renamed') }),
        fc.record({ type: fc.constant('leave') }),
      ),
    }),
    fc.record({
      ...ids,
      kind: fc.constant('createConversation'),
      clientConvId: clientId,
      otherUserId: fc.constantFrom(w.bob.user.userId, w.carol.user.userId),
      conversationType: fc.constant('general'),
      contextId: fc.constant(null),
      contextTitle: fc.constant(null),
    }),
  );
}

/** A valid input for each procedure; the completeness test requires one for each. */
export const PROCEDURE_EXAMPLES: Record<string, (w: FuzzWorld) => fc.Arbitrary<unknown>> = {
  'auth.register': () =>
    fc.record({
      email: uniqueEmail,
      password: fc.constant(PASSWORD),
      displayName: fc.constantFrom('Fuzz', 'Ana María'),
    }),
  'auth.login': (w) =>
    fc.constantFrom(w.alice, w.carol).map((u) => ({ email: u.user.email, password: PASSWORD })),
  'auth.logout': () => fc.constant(undefined),
  'auth.me': () => fc.constant(undefined),
  'auth.devices': () => fc.constant(undefined),
  'auth.signOutDevice': (w) =>
    fc.constantFrom(...w.aliceDevices.slice(2)).map((sessionId) => ({ sessionId })),
  'conversations.list': () =>
    fc.option(
      fc.record(
        {
          search: fc.constantFrom('bob', 'Guitar lessons', 'Zoë'),
          limit: fc.integer({ min: 1, max: 200 }),
          cursor: fc.constantFrom('1.1', '1767225600000.2'),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  'conversations.findOrCreate': (w) =>
    fc.constantFrom(
      { otherUserId: w.bob.user.userId },
      { otherUserId: w.carol.user.userId, conversationType: 'service', contextId: 5 },
    ),
  'conversations.get': (w) =>
    fc.constantFrom(w.conversations.aliceBob, w.conversations.aliceCarol).map((conversationId) => ({
      conversationId,
    })),
  'messages.list': (w) =>
    fc.record(
      {
        conversationId: fc.constantFrom(w.conversations.aliceBob, w.conversations.aliceCarol),
        limit: fc.integer({ min: 1, max: 200 }),
        beforeId: fc.constantFrom(...w.messageIds),
      },
      { requiredKeys: ['conversationId'] },
    ),
  'messages.send': (w) =>
    fc.record({
      conversationId: fc.constantFrom(w.conversations.aliceBob, w.conversations.aliceCarol),
      content: fc.constantFrom('hello', 'Zoë says hi 👋'),
      clientMsgId: clientId,
    }),
  'sync.push': (w) =>
    fc.record({
      protocolVersion: fc.constant(PROTOCOL_VERSION),
      ops: fc.array(pushOpExample(w), { minLength: 1, maxLength: 3 }),
    }),
  'sync.pull': (w) =>
    fc.record(
      {
        protocolVersion: fc.constant(PROTOCOL_VERSION),
        cursor: fc.oneof(fc.constant(null), cursorOf(w, fc.constantFrom(0, 1))),
        limit: fc.integer({ min: 1, max: 2000 }),
        check: fc.boolean(),
      },
      { requiredKeys: ['protocolVersion', 'cursor'] },
    ),
  'sync.live': () => fc.constant({ protocolVersion: PROTOCOL_VERSION }),
  'sync.onPoke': () => fc.constant(undefined),
  'catalog.list': () => fc.constant(undefined),
  'people.search': () => fc.record({ query: fc.constantFrom('Bob', 'Al', 'Carol Third') }),
  'groups.receiptDetails': (w) =>
    fc.record({
      conversationId: fc.constant(w.conversations.aliceBob),
      messageId: fc.constantFrom(...w.aliceMessages.map((m) => m.messageId)),
    }),
};

/** Inputs the contract accepts but the server may still refuse, depending on its state:
 * pull cursors at positions the database has not reached or never will. */
const EDGE_EXAMPLES: Record<string, (w: FuzzWorld) => fc.Arbitrary<unknown>> = {
  'sync.pull': (w) =>
    fc.record({
      protocolVersion: fc.constant(PROTOCOL_VERSION),
      cursor: cursorOf(w, fc.oneof(fc.nat({ max: 50 }), fc.constantFrom(2 ** 31, 2 ** 53 - 1))),
    }),
};

export function exampleOf(path: string, world: FuzzWorld): fc.Arbitrary<unknown> {
  return PROCEDURE_EXAMPLES[path]?.(world) ?? fc.constant(undefined);
}

/** What the fuzzer mutates: the example, sometimes an edge of it. */
export function seedInputOf(path: string, world: FuzzWorld): fc.Arbitrary<unknown> {
  const edge = EDGE_EXAMPLES[path];
  return edge
    ? fc.oneof(
        { weight: 2, arbitrary: exampleOf(path, world) },
        { weight: 1, arbitrary: edge(world) },
      )
    : exampleOf(path, world);
}

/** Paths no procedure has, including prototype names a lookup must not resolve. */
export const UNKNOWN_PROCEDURE_PATHS = [
  'nope',
  '',
  'auth',
  'auth.',
  '.me',
  'auth.me.x',
  'AUTH.ME',
  'auth..me',
  '__proto__',
  'constructor',
  'toString',
  'auth.__proto__',
  'auth.constructor',
  '_def',
  'auth._def',
  'sync.onPoke.x',
  'createCaller',
];
