// The HTTP surface itself: health, unknown routes and methods, errors that show no stack
// traces or SQL even when the database fails, and a shutdown that lets in-flight
// requests finish while refusing new connections.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { rest, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Scene, startScene } from './support/actors.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';
import { callProcedure } from './support/trpc-http.ts';

let server: TestServer;
let probe: SqlProbe;
let scene: Scene;

beforeAll(async () => {
  server = await startTestServer({ label: 'http' });
  probe = await openSqlProbe(server.database.address);
  scene = await startScene(server.url);
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

/** What must never reach a client: stack frames, file paths, SQL, driver or ORM names.
 * (A bare "at " would also match honest messages such as "must be at most ...".) */
const LEAK =
  /\n\s+at |\bat (?:async )?[\w$.<>]+ \(|node_modules|\.[cm]?[jt]s:\d+|\b(?:SELECT|INSERT|UPDATE|DELETE)\b.*\b(?:FROM|INTO|SET)\b|prisma|mariadb|mysql|sqlState|\bER_[A-Z_]+|errno/i;

async function raw(method: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.url}${path}`, { method, ...init });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('health', () => {
  it('/healthz answers 200 once ready, 503 while not', async () => {
    const ready = await raw('GET', '/healthz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ ok: true });
    server.http.setReady(false);
    try {
      expect((await raw('GET', '/healthz')).status).toBe(503);
    } finally {
      server.http.setReady(true);
    }
  });
});

describe('graceful stop', () => {
  it('[§7] with a drain delay, /healthz answers 503 while every other request is still served, then the listener closes', async () => {
    const draining = await startTestServer({
      label: 'drain',
      env: { DRAIN_DELAY_MS: '1500' },
    });
    const stopped = draining.dispose();
    try {
      const health = await fetch(`${draining.url}/healthz`);
      expect(health.status).toBe(503);
      const login = await fetch(`${draining.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@test.local', password: 'not the password' }),
      });
      expect(login.status).toBe(401);
    } finally {
      await stopped;
    }
    await expect(fetch(`${draining.url}/healthz`)).rejects.toThrow();
  });
});

describe('unknown routes and methods', () => {
  it.each([
    '/nope',
    '/api/v1/nope',
    '/api/v2/chat/messages',
    '/api/v1/chat/conversations/1/members',
    '/api/v1/chat/conversations/',
  ])('%s answers 404 with a JSON error', async (path) => {
    const answer = await raw('GET', path);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String) },
    });
  });

  it('an unknown tRPC procedure answers 404 with a JSON error', async () => {
    const answer = await callProcedure(server.url, 'query', 'messages.drop', {
      token: scene.alice.token,
    });
    expect(answer.status).toBe(404);
    expect(answer.body.error?.data.code).toBe('NOT_FOUND');
  });

  it.each([
    ['PUT', '/api/v1/chat/messages', 'POST'],
    ['DELETE', '/api/v1/chat/conversations/1', 'GET'],
    ['GET', '/api/v1/auth/register', 'POST'],
    ['GET', '/api/v1/auth/login', 'POST'],
    ['PATCH', '/api/v1/chat/conversations', 'GET, POST'],
    ['POST', '/api/v1/chat/conversations/1/messages', 'GET'],
  ])('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    const answer = await raw(method, path, {
      headers: { authorization: `Bearer ${scene.alice.token}`, 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { body: '{}' }),
    });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe(allow);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { message: expect.any(String) } });
  });

  it('a tRPC mutation called with GET answers 405 with Allow: POST', async () => {
    const answer = await raw('GET', '/trpc/messages.send', {
      headers: { authorization: `Bearer ${scene.alice.token}` },
    });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it('a REST body over 256 KiB answers 413 and stores nothing', async () => {
    const before = await probe.rowCounts();
    const answer = await rest(server.url, 'POST', '/api/v1/chat/messages', {
      token: scene.alice.token,
      rawBody: JSON.stringify({
        conversation_id: scene.conversationId,
        content: 'x'.repeat(300_000),
      }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) },
    });
    expect(await probe.rowCounts()).toEqual(before);
  });
});

describe('error bodies show no stack traces or SQL', () => {
  const auth = () => ({
    authorization: `Bearer ${scene.alice.token}`,
    'content-type': 'application/json',
  });
  const failing = (): [string, () => Promise<{ status: number; text: string }>][] => [
    [
      'REST malformed JSON',
      () => raw('POST', '/api/v1/chat/messages', { headers: auth(), body: '{"a":' }),
    ],
    ['REST bad id', () => raw('GET', '/api/v1/chat/conversations/abc', { headers: auth() })],
    [
      'REST not found',
      () => raw('GET', '/api/v1/chat/conversations/2147483647', { headers: auth() }),
    ],
    ['REST no token', () => raw('GET', '/api/v1/chat/conversations')],
    [
      'REST unknown user',
      () =>
        raw('POST', '/api/v1/chat/conversations', {
          headers: auth(),
          body: JSON.stringify({ other_user_id: 2_147_483_647 }),
        }),
    ],
    [
      'tRPC malformed JSON',
      () => raw('POST', '/trpc/messages.send', { headers: auth(), body: '{"a":' }),
    ],
    [
      'tRPC bad input',
      () =>
        raw('POST', '/trpc/messages.send', {
          headers: auth(),
          body: JSON.stringify({ conversationId: 'x' }),
        }),
    ],
    [
      'tRPC bad cursor',
      () =>
        raw(
          'GET',
          `/trpc/sync.pull?input=${encodeURIComponent('{"protocolVersion":2,"cursor":"x"}')}`,
          { headers: auth() },
        ),
    ],
    ['tRPC no token', () => raw('GET', '/trpc/auth.me')],
  ];

  it.each(failing())('%s', async (_label, call) => {
    const answer = await call();
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.text).not.toMatch(LEAK);
  });

  it('even when the database fails under them (500 and 503 say nothing inside)', async () => {
    await probe.execute('RENAME TABLE messages TO messages_away');
    try {
      const answers = await Promise.all([
        raw('GET', `/api/v1/chat/conversations/${scene.conversationId}/messages`, {
          headers: auth(),
        }),
        raw('GET', '/api/v1/chat/conversations', { headers: auth() }),
        raw('POST', '/api/v1/chat/messages', {
          headers: auth(),
          body: JSON.stringify({ conversation_id: scene.conversationId, content: 'into the void' }),
        }),
        raw(
          'GET',
          `/trpc/messages.list?input=${encodeURIComponent(JSON.stringify({ conversationId: scene.conversationId }))}`,
          {
            headers: auth(),
          },
        ),
        raw(
          'GET',
          `/trpc/sync.pull?input=${encodeURIComponent(JSON.stringify({ protocolVersion: PROTOCOL_VERSION, cursor: null }))}`,
          {
            headers: auth(),
          },
        ),
      ]);
      expect(answers.map((a) => a.status)).toEqual([500, 500, 503, 500, 500]);
      for (const answer of answers) expect(answer.text).not.toMatch(LEAK);
      expect(JSON.parse(answers[0]!.text)).toEqual({
        error: { code: 'INTERNAL', message: 'internal error' },
      });
      expect(JSON.parse(answers[3]!.text).error).toMatchObject({
        message: 'internal error',
        data: { code: 'INTERNAL_SERVER_ERROR' },
      });
    } finally {
      await probe.execute('RENAME TABLE messages_away TO messages');
    }
    const healed = await rest(server.url, 'POST', '/api/v1/chat/messages', {
      token: scene.alice.token,
      body: { conversation_id: scene.conversationId, content: 'back again' },
    });
    expect(healed.status).toBe(201);
  });
});

// Last: it closes the server.
describe('shutdown', () => {
  const refusesConnections = (port: number) =>
    new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });

  it('close() lets an in-flight request finish, refuses new connections, and does not wait on open event streams', async () => {
    // An open subscription over server-sent events never ends by itself.
    const liveInput = encodeURIComponent(JSON.stringify({ protocolVersion: PROTOCOL_VERSION }));
    const events = await fetch(`${server.url}/trpc/sync.live?input=${liveInput}`, {
      headers: { authorization: `Bearer ${scene.bob.token}`, accept: 'text/event-stream' },
    });
    expect(events.status).toBe(200);
    const eventReader = events.body!.getReader();
    await eventReader.read();

    // Hold the conversation's row lock so the push below stays in flight until released.
    await using blocker = await openSqlProbe(server.database.address);
    await blocker.execute('START TRANSACTION');
    await blocker.execute(
      'SELECT conversation_id FROM conversations WHERE conversation_id = ? FOR UPDATE',
      [scene.conversationId],
    );
    const ops = Array.from({ length: 200 }, (_, i) => ({
      opId: randomUUID(),
      kind: 'send' as const,
      conversation: { conversationId: scene.conversationId },
      clientMsgId: randomUUID(),
      content: `drained ${i} ${'z'.repeat(500)}`,
      messageType: 'text' as const,
    }));
    const push = trpcClient(server.url, scene.alice.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops,
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [waiting] = await probe.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
          WHERE DB = ? AND ID <> ? AND INFO LIKE '%FOR UPDATE%'`,
        [
          server.database.address.database,
          (await blocker.query<{ id: number }>('SELECT CONNECTION_ID() AS id'))[0]!.id,
        ],
      );
      if (waiting!.n > 0) break;
      if (Date.now() > deadline) throw new Error('the push never reached the database');
      await new Promise((r) => setTimeout(r, 20));
    }

    const startedAt = Date.now();
    const closing = server.close();
    expect(await refusesConnections(server.port)).toBe('ECONNREFUSED');
    await blocker.execute('COMMIT');

    const { results } = await push;
    expect(results).toHaveLength(ops.length);
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    await closing;
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    const [stored] = await probe.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM messages WHERE content LIKE 'drained %'",
    );
    expect(stored!.n).toBe(ops.length);
    // Whatever it had sent before, the stream has ended (cut or closed), not waited for.
    for (;;) {
      const chunk = await eventReader.read().catch(() => ({ done: true }));
      if (chunk.done) break;
    }
  });
});
