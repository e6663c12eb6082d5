// [§5] Every tRPC procedure and every REST route × {no token, forged token, expired
// token, non-participant, participant}: public routes answer everyone alike,
// signed-in routes answer 401 without a live session, and conversation routes answer a
// stranger 404 exactly as for a conversation that does not exist. A refused call
// writes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../server/routers/index.ts';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { createUser, rest, type TestUser } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  expireSession,
  forgedToken,
  type Scene,
  signInAgain,
  startScene,
  tokenHash,
} from './support/actors.ts';
import { firstLiveOutcome } from './support/realtime.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';
import { callProcedure, type ProcedureKind, resultOf } from './support/trpc-http.ts';

const PRINCIPALS = [
  'no token',
  'forged token',
  'expired token',
  'non-participant',
  'participant',
] as const;
type Principal = (typeof PRINCIPALS)[number];
type Expected = Record<Principal, number>;

/** Statuses per principal, in PRINCIPALS order. */
const statuses = (...s: [number, number, number, number, number]): Expected =>
  Object.fromEntries(PRINCIPALS.map((p, i) => [p, s[i]])) as Expected;

const PUBLIC_CREATED = statuses(201, 201, 201, 201, 201);
const PUBLIC_OK = statuses(200, 200, 200, 200, 200);
const SIGNED_IN_OK = statuses(401, 401, 401, 200, 200);
const SIGNED_IN_CREATED = statuses(401, 401, 401, 201, 201);
const PARTICIPANT_OK = statuses(401, 401, 401, 404, 200);
const PARTICIPANT_CREATED = statuses(401, 401, 401, 404, 201);
/** Signing out a device: its owner may, anyone else finds no such session. */
const OWNER_OK = statuses(401, 401, 401, 404, 200);
const OWNER_NO_CONTENT = statuses(401, 401, 401, 404, 204);

const NONEXISTENT_CONVERSATION = 2_147_483_647;

let server: TestServer;
let probe: SqlProbe;
let scene: Scene;
let expiredToken: string;
/** Signs in with the login routes; never rate limited because it never fails. */
let dora: TestUser;
/** A message of the participant (alice), for the calls about one of hers. */
let aliceMessageId = 0;
/** Other devices of the participant (alice), for the sign-out-a-device cells. */
const aliceDevices: number[] = [];

/** One of alice's other devices; a call "in" the missing conversation names a session
 * that does not exist, so a stranger's answer can be compared with it. */
function aliceDevice(conversationId: number): number {
  if (conversationId === NONEXISTENT_CONVERSATION) return NONEXISTENT_CONVERSATION;
  const id = aliceDevices.pop();
  if (id === undefined) throw new Error('no spare device session left');
  return id;
}

beforeAll(async () => {
  server = await startTestServer({ label: 'authz' });
  probe = await openSqlProbe(server.database.address);
  scene = await startScene(server.url);
  dora = await createUser(server.url, 'Dora');
  const sent = await rest<{ message_id: number }>(server.url, 'POST', '/api/v1/chat/messages', {
    token: scene.alice.token,
    body: { conversation_id: scene.conversationId, content: 'for the matrix' },
  });
  aliceMessageId = sent.body.message_id;
  expiredToken = await signInAgain(server.url, scene.alice);
  await expireSession(probe, expiredToken);
  for (let i = 0; i < 12; i++) {
    const token = await signInAgain(server.url, scene.alice);
    const [row] = await probe.query<{ session_id: number }>(
      'SELECT session_id FROM sessions WHERE token_hash = ?',
      [tokenHash(token)],
    );
    aliceDevices.push(row!.session_id);
  }
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

/** A token for the principal; signed-in principals get a session of their own per cell,
 * so a cell that logs out spoils no other. */
async function tokenFor(principal: Principal): Promise<string | null> {
  switch (principal) {
    case 'no token':
      return null;
    case 'forged token':
      return forgedToken();
    case 'expired token':
      return expiredToken;
    case 'non-participant':
      return signInAgain(server.url, scene.carol);
    case 'participant':
      return signInAgain(server.url, scene.alice);
  }
}

interface Answer {
  status: number;
  body: unknown;
}

interface Cell {
  principal: Principal;
  token: string | null;
  answer: Answer;
}

interface Endpoint {
  name: string;
  expected: Expected;
  call: (token: string | null, conversationId: number) => Promise<Answer>;
  /** What else a successful or refused answer must show. */
  check?: (cell: Cell) => Promise<void> | void;
}

const uniqueEmail = () => `matrix-${randomUUID()}@authz.test`;

function trpc(kind: ProcedureKind, path: string, input: (conversationId: number) => unknown) {
  return async (token: string | null, conversationId: number): Promise<Answer> =>
    callProcedure(server.url, kind, path, { token, input: input(conversationId) });
}

function restCall(
  method: 'GET' | 'POST',
  path: (conversationId: number) => string,
  body?: () => unknown,
) {
  return (token: string | null, conversationId: number): Promise<Answer> =>
    rest(server.url, method, path(conversationId), { token, body: body?.() });
}

const sendOp = (conversationId: number) => ({
  opId: randomUUID(),
  kind: 'send',
  conversation: { conversationId },
  clientMsgId: randomUUID(),
  content: 'from the matrix',
  messageType: 'text',
});

const TRPC_ENDPOINTS: Endpoint[] = [
  {
    name: 'auth.register',
    expected: PUBLIC_OK,
    call: trpc('mutation', 'auth.register', () => ({
      email: uniqueEmail(),
      password: 'correct horse battery',
      displayName: 'Matrix',
    })),
  },
  {
    name: 'auth.login',
    expected: PUBLIC_OK,
    call: trpc('mutation', 'auth.login', () => ({
      email: dora.user.email,
      password: dora.password,
    })),
  },
  {
    name: 'auth.logout',
    expected: SIGNED_IN_OK,
    call: trpc('mutation', 'auth.logout', () => undefined),
  },
  { name: 'auth.me', expected: SIGNED_IN_OK, call: trpc('query', 'auth.me', () => undefined) },
  {
    name: 'auth.devices',
    expected: SIGNED_IN_OK,
    call: trpc('query', 'auth.devices', () => undefined),
  },
  {
    name: 'auth.signOutDevice',
    expected: OWNER_OK,
    call: (token, conversationId) =>
      callProcedure(server.url, 'mutation', 'auth.signOutDevice', {
        token,
        input: { sessionId: aliceDevice(conversationId) },
      }),
  },
  {
    name: 'conversations.list',
    expected: SIGNED_IN_OK,
    call: trpc('query', 'conversations.list', () => undefined),
    check({ principal, answer }) {
      if (answer.status !== 200) return;
      const ids = (
        answer.body as { result: { data: { conversations: { conversationId: number }[] } } }
      ).result.data.conversations.map((c) => c.conversationId);
      if (principal === 'participant') expect(ids).toContain(scene.conversationId);
      else expect(ids).not.toContain(scene.conversationId);
    },
  },
  {
    name: 'conversations.findOrCreate',
    expected: SIGNED_IN_OK,
    call: trpc('mutation', 'conversations.findOrCreate', () => ({ otherUserId: dora.user.userId })),
  },
  {
    name: 'conversations.get',
    expected: PARTICIPANT_OK,
    call: trpc('query', 'conversations.get', (id) => ({ conversationId: id })),
  },
  {
    name: 'messages.list',
    expected: PARTICIPANT_OK,
    call: trpc('query', 'messages.list', (id) => ({ conversationId: id })),
  },
  {
    name: 'messages.send',
    expected: PARTICIPANT_OK,
    call: trpc('mutation', 'messages.send', (id) => ({
      conversationId: id,
      content: 'from the matrix',
    })),
  },
  {
    name: 'sync.push',
    expected: SIGNED_IN_OK,
    call: trpc('mutation', 'sync.push', (id) => ({
      protocolVersion: PROTOCOL_VERSION,
      ops: [sendOp(id)],
    })),
    async check({ principal, answer }) {
      if (answer.status !== 200) return;
      const [result] = (
        answer.body as { result: { data: { results: { status: string; code?: string }[] } } }
      ).result.data.results;
      // A stranger's push is answered per operation, and writes nothing (checked below).
      if (principal === 'non-participant')
        expect(result).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
      else expect(result).toMatchObject({ status: 'accepted' });
    },
  },
  {
    name: 'sync.pull',
    expected: SIGNED_IN_OK,
    call: trpc('query', 'sync.pull', () => ({ protocolVersion: PROTOCOL_VERSION, cursor: null })),
    check({ principal, answer }) {
      if (answer.status !== 200) return;
      const data = (
        answer.body as {
          result: {
            data: {
              changes: {
                conversations: { conversationId: number }[];
                messages: { conversationId: number }[];
              };
            };
          };
        }
      ).result.data.changes;
      const seen = [...data.conversations, ...data.messages].map((x) => x.conversationId);
      if (principal === 'participant') expect(seen).toContain(scene.conversationId);
      else expect(seen).not.toContain(scene.conversationId);
    },
  },
  {
    name: 'catalog.list',
    expected: SIGNED_IN_OK,
    call: trpc('query', 'catalog.list', () => undefined),
  },
  {
    name: 'people.search',
    expected: SIGNED_IN_OK,
    call: trpc('query', 'people.search', () => ({ query: 'Bob' })),
  },
  {
    name: 'groups.receiptDetails',
    expected: PARTICIPANT_OK,
    call: trpc('query', 'groups.receiptDetails', (id) => ({
      conversationId: id,
      messageId: aliceMessageId,
    })),
  },
];

const REST_ENDPOINTS: Endpoint[] = [
  {
    name: 'GET /api/v1/auth/sessions',
    expected: SIGNED_IN_OK,
    call: restCall('GET', () => '/api/v1/auth/sessions'),
  },
  {
    name: 'DELETE /api/v1/auth/sessions/{id}',
    expected: OWNER_NO_CONTENT,
    call: (token, conversationId) =>
      rest(server.url, 'DELETE', `/api/v1/auth/sessions/${aliceDevice(conversationId)}`, {
        token,
      }),
  },
  {
    name: 'POST /api/v1/auth/register',
    expected: PUBLIC_CREATED,
    call: restCall(
      'POST',
      () => '/api/v1/auth/register',
      () => ({
        email: uniqueEmail(),
        password: 'correct horse battery',
        display_name: 'Matrix',
      }),
    ),
  },
  {
    name: 'POST /api/v1/auth/login',
    expected: PUBLIC_OK,
    call: restCall(
      'POST',
      () => '/api/v1/auth/login',
      () => ({ email: dora.user.email, password: dora.password }),
    ),
  },
  {
    name: 'GET /api/v1/chat/conversations',
    expected: SIGNED_IN_OK,
    call: restCall('GET', () => '/api/v1/chat/conversations'),
    check({ principal, answer }) {
      if (answer.status !== 200) return;
      const ids = (
        answer.body as { conversations: { conversation_id: number }[] }
      ).conversations.map((c) => c.conversation_id);
      if (principal === 'participant') expect(ids).toContain(scene.conversationId);
      else expect(ids).not.toContain(scene.conversationId);
    },
  },
  {
    name: 'POST /api/v1/chat/conversations',
    expected: SIGNED_IN_CREATED,
    // A context of its own per call, so each cell creates.
    call: restCall(
      'POST',
      () => '/api/v1/chat/conversations',
      () => ({
        other_user_id: dora.user.userId,
        conversation_type: 'service',
        context_id: Math.floor(Math.random() * 1_000_000_000) + 1,
      }),
    ),
  },
  {
    name: 'GET /api/v1/chat/conversations/{id}',
    expected: PARTICIPANT_OK,
    call: restCall('GET', (id) => `/api/v1/chat/conversations/${id}`),
  },
  {
    name: 'GET /api/v1/chat/conversations/{id}/messages',
    expected: PARTICIPANT_OK,
    call: restCall('GET', (id) => `/api/v1/chat/conversations/${id}/messages`),
  },
  {
    name: 'POST /api/v1/chat/messages',
    expected: PARTICIPANT_CREATED,
    call: (token, id) =>
      rest(server.url, 'POST', '/api/v1/chat/messages', {
        token,
        body: { conversation_id: id, content: 'from the matrix' },
      }),
  },
];

/** One row per cell: [endpoint name, principal, expected status] (arrays keep the long
 * names whole in test titles). */
const cells = (endpoints: Endpoint[]) =>
  endpoints.flatMap((endpoint) =>
    PRINCIPALS.map(
      (principal) => [endpoint.name, principal, endpoint.expected[principal]] as const,
    ),
  );

const byName = new Map([...TRPC_ENDPOINTS, ...REST_ENDPOINTS].map((e) => [e.name, e]));

async function runCell(name: string, principal: Principal, status: number) {
  const endpoint = byName.get(name)!;
  const token = await tokenFor(principal);
  const before = await probe.rowCounts();
  const answer = await endpoint.call(token, scene.conversationId);
  expect(answer.status).toBe(status);
  await endpoint.check?.({ principal, token, answer });
  const isRefused = status >= 400 || (name === 'sync.push' && principal === 'non-participant');
  if (isRefused) expect(await probe.rowCounts()).toEqual(before);
  if (status === 404) {
    // Not being in a conversation looks exactly like its not existing.
    const missing = await endpoint.call(token, NONEXISTENT_CONVERSATION);
    expect({ status: missing.status, body: missing.body }).toEqual({
      status: answer.status,
      body: answer.body,
    });
  }
  return answer;
}

describe('[§5] tRPC procedures', () => {
  it('the matrix names every procedure of the router', () => {
    const covered = [...TRPC_ENDPOINTS.map((e) => e.name), 'sync.live', 'sync.onPoke'].sort();
    expect(covered).toEqual(Object.keys(appRouter._def.procedures).sort());
  });

  it.each(cells(TRPC_ENDPOINTS))('%s with %s answers %i', async (name, principal, status) => {
    const answer = await runCell(name, principal, status);
    const error = (answer.body as { error?: { data: { code: string } } }).error;
    if (status === 401) expect(error?.data.code).toBe('UNAUTHORIZED');
    if (status === 404) expect(error?.data.code).toBe('NOT_FOUND');
    if (status === 200) expect(error).toBeUndefined();
  });

  const LIVE: Record<Principal, string> = {
    'no token': 'UNAUTHORIZED',
    'forged token': 'UNAUTHORIZED',
    'expired token': 'UNAUTHORIZED',
    'non-participant': 'hello event',
    participant: 'hello event',
  };
  it.each(PRINCIPALS.map((principal) => [principal, LIVE[principal]] as const))(
    'sync.live over WebSocket with %s gets %s',
    async (principal, outcome) => {
      const first = await firstLiveOutcome(server.url, await tokenFor(principal));
      if (outcome === 'UNAUTHORIZED')
        expect(first).toMatchObject({ kind: 'error', code: 'UNAUTHORIZED' });
      else
        expect(first).toEqual({
          kind: 'event',
          event: { type: 'hello', protocolVersion: PROTOCOL_VERSION },
        });
    },
  );
});

describe('[§5] REST routes', () => {
  it.each(cells(REST_ENDPOINTS))('%s with %s answers %i', async (name, principal, status) => {
    const answer = await runCell(name, principal, status);
    const error = (answer.body as { error?: { code: string; message: string } } | null)?.error;
    if (status === 401)
      expect(error).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    if (status === 404) expect(error).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
    if (status < 300) expect(error).toBeUndefined();
  });
});

describe("[§3.2] push operations aimed at other people's data", () => {
  const snapshot = () =>
    probe.query(
      `SELECT message_id, content, status, is_edited, is_deleted, change_epoch FROM messages ORDER BY message_id`,
    );

  it('are each rejected NOT_FOUND and change nothing', async () => {
    const aliceMsg = await rest<{ message_id: number; client_msg_id: string }>(
      server.url,
      'POST',
      '/api/v1/chat/messages',
      {
        token: scene.alice.token,
        body: { conversation_id: scene.conversationId, content: 'mine alone' },
      },
    );
    expect(aliceMsg.status).toBe(201);
    const { message_id: messageId, client_msg_id: clientMsgId } = aliceMsg.body;
    const before = await snapshot();
    const conversationsBefore = await probe.query(
      'SELECT * FROM conversations ORDER BY conversation_id',
    );

    const attempts: [TestUser, Record<string, unknown>][] = [
      [scene.carol, { kind: 'readUpTo', conversationId: scene.conversationId, messageId }],
      [scene.carol, { kind: 'deliveredUpTo', conversationId: scene.conversationId, messageId }],
      [scene.carol, { kind: 'edit', clientMsgId, content: 'not yours' }],
      [scene.carol, { kind: 'delete', clientMsgId }],
      [scene.bob, { kind: 'edit', clientMsgId, content: 'not yours either' }],
      [scene.bob, { kind: 'delete', clientMsgId }],
    ];
    for (const [who, op] of attempts) {
      const answer = await callProcedure(server.url, 'mutation', 'sync.push', {
        token: who.token,
        input: { protocolVersion: PROTOCOL_VERSION, ops: [{ opId: randomUUID(), ...op }] },
      });
      expect(answer.status).toBe(200);
      const results = resultOf<{ results: unknown[] }>(answer).results;
      expect(results).toEqual([expect.objectContaining({ status: 'rejected', code: 'NOT_FOUND' })]);
    }
    expect(await snapshot()).toEqual(before);
    expect(await probe.query('SELECT * FROM conversations ORDER BY conversation_id')).toEqual(
      conversationsBefore,
    );
  });
});
