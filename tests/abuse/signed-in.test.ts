// What a signed-in account may hold and do is bounded too: live streams per socket,
// devices per account, new conversations and messages per account and network, and a
// conversation list that comes in pages. Users see and end their own devices, and an
// ended session loses its sockets at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/password.ts';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { signInAgain, tokenHash } from '../server/support/actors.ts';
import { openSqlProbe, type SqlProbe } from '../server/support/sql-probe.ts';
import { createUser, rest, type TestUser, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openLiveSocket, sendOp } from './support.ts';

const MAX_SESSIONS = 3;
const MAX_CONVERSATIONS = 5;
const MAX_MESSAGES = 6;

let server: TestServer;
let probe: SqlProbe;

beforeAll(async () => {
  server = await startTestServer({
    label: 'signedin',
    env: {
      MAX_SESSIONS_PER_USER: String(MAX_SESSIONS),
      CONVERSATIONS_MAX_PER_HOUR: String(MAX_CONVERSATIONS),
      MESSAGES_MAX_PER_MINUTE: String(MAX_MESSAGES),
      SCRYPT_COST: '2048',
    },
  });
  probe = await openSqlProbe(server.database.address);
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

const conversationWith = async (a: TestUser, b: TestUser) => {
  const answer = await rest<{ conversation_id: number }>(
    server.url,
    'POST',
    '/api/v1/chat/conversations',
    { token: a.token, body: { other_user_id: b.user.userId } },
  );
  return answer;
};

describe('live streams', () => {
  it('one socket holds at most two live streams; a third is refused with TOO_MANY_REQUESTS', async () => {
    const user = await createUser(server.url, 'Streams');
    const socket = await openLiveSocket(server.url, user.token);
    const answers = [];
    for (let id = 1; id <= 3; id++) answers.push(await socket.live(id));
    const hello = { result: { type: 'data', data: { type: 'hello' } } };
    expect(answers[0]).toMatchObject(hello);
    expect(answers[1]).toMatchObject(hello);
    expect(answers[2]).toMatchObject({ error: { data: { code: 'TOO_MANY_REQUESTS' } } });
    socket.ws.close();
  });
});

describe('devices', () => {
  it(`an account keeps at most ${MAX_SESSIONS} devices: signing in on another signs out the least recently used`, async () => {
    const user = await createUser(server.url, 'Devices');
    const tokens = [user.token];
    for (let i = 0; i < MAX_SESSIONS + 1; i++) tokens.push(await signInAgain(server.url, user));
    const devices = await trpcClient(server.url, tokens.at(-1)!).auth.devices.query();
    expect(devices.devices).toHaveLength(MAX_SESSIONS);
    expect(devices.devices.filter((d) => d.isCurrent)).toHaveLength(1);
    // The first two are gone; the last three live.
    for (const token of tokens.slice(0, 2)) {
      expect((await rest(server.url, 'GET', '/api/v1/auth/sessions', { token })).status).toBe(401);
    }
    for (const token of tokens.slice(2)) {
      expect((await rest(server.url, 'GET', '/api/v1/auth/sessions', { token })).status).toBe(200);
    }
  });

  it('lists devices with name and last seen, and signs out another one over REST', async () => {
    const user = await createUser(server.url, 'Lister');
    const laptop = await rest<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', {
      body: { email: user.user.email, password: user.password, device_name: 'Laptop' },
    });
    const list = await rest<{
      sessions: {
        session_id: number;
        device_name: string | null;
        last_seen_at: string;
        is_current: boolean;
      }[];
    }>(server.url, 'GET', '/api/v1/auth/sessions', { token: user.token });
    expect(list.status).toBe(200);
    const other = list.body.sessions.find((s) => s.device_name === 'Laptop');
    expect(other).toMatchObject({ is_current: false, last_seen_at: expect.any(String) });
    const deleted = await rest(server.url, 'DELETE', `/api/v1/auth/sessions/${other!.session_id}`, {
      token: user.token,
    });
    expect(deleted.status).toBe(204);
    expect(
      (await rest(server.url, 'GET', '/api/v1/auth/sessions', { token: laptop.body.token })).status,
    ).toBe(401);
  });

  it('a session unused for longer than the idle limit has expired; use refreshes last seen', async () => {
    const user = await createUser(server.url, 'Idle');
    await probe.execute(
      'UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(3) - INTERVAL 2 HOUR WHERE token_hash = ?',
      [tokenHash(user.token)],
    );
    expect(
      (await rest(server.url, 'GET', '/api/v1/auth/sessions', { token: user.token })).status,
    ).toBe(200);
    const [seen] = await probe.query<{ age: number }>(
      'SELECT TIMESTAMPDIFF(SECOND, last_seen_at, UTC_TIMESTAMP(3)) AS age FROM sessions WHERE token_hash = ?',
      [tokenHash(user.token)],
    );
    expect(Number(seen!.age)).toBeLessThan(60);
    await probe.execute(
      'UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(3) - INTERVAL 31 DAY WHERE token_hash = ?',
      [tokenHash(user.token)],
    );
    expect(
      (await rest(server.url, 'GET', '/api/v1/auth/sessions', { token: user.token })).status,
    ).toBe(401);
  });

  it("a password hashed at an older cost is rehashed at today's at the next sign-in", async () => {
    const user = await createUser(server.url, 'Rehash');
    await probe.execute('UPDATE users SET password_hash = ? WHERE user_id = ?', [
      await hashPassword(user.password, 1024),
      user.user.userId,
    ]);
    await signInAgain(server.url, user);
    const [row] = await probe.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE user_id = ?',
      [user.user.userId],
    );
    expect(row!.password_hash.startsWith('scrypt$2048$8$1$')).toBe(true);
  });
});

describe('signing out closes what the device has open', () => {
  it('the live socket of a device signed out elsewhere closes (4401) in well under a second', async () => {
    const user = await createUser(server.url, 'Revoked');
    const phone = await signInAgain(server.url, user);
    const socket = await openLiveSocket(server.url, phone);
    expect(await socket.live(1)).toMatchObject({ result: { data: { type: 'hello' } } });
    const devices = await trpcClient(server.url, user.token).auth.devices.query();
    const phoneSession = devices.devices.find((d) => !d.isCurrent)!;
    const startedAt = performance.now();
    await trpcClient(server.url, user.token).auth.signOutDevice.mutate({
      sessionId: phoneSession.sessionId,
    });
    const { code, at } = await socket.closed;
    expect(code).toBe(4401);
    expect(at - startedAt).toBeLessThan(1_000);
  });
});

describe('spam', () => {
  it(`${MAX_CONVERSATIONS} new conversations an hour, then 429; finding an existing one is free`, async () => {
    const spammer = await createUser(server.url, 'Spammer');
    const victims = await Promise.all(
      Array.from({ length: MAX_CONVERSATIONS + 1 }, (_, i) => createUser(server.url, `V${i}`)),
    );
    for (const victim of victims.slice(0, MAX_CONVERSATIONS)) {
      expect((await conversationWith(spammer, victim)).status).toBe(201);
    }
    expect((await conversationWith(spammer, victims[0]!)).status).toBe(200);
    const refused = await conversationWith(spammer, victims.at(-1)!);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it(`a push over the account's ${MAX_MESSAGES} messages a minute is refused whole and writes nothing`, async () => {
    const [a, b] = await Promise.all([
      createUser(server.url, 'Fast'),
      createUser(server.url, 'Reader'),
    ]);
    const { body } = await conversationWith(a, b);
    const push = (count: number) =>
      trpcClient(server.url, a.token).sync.push.mutate({
        protocolVersion: PROTOCOL_VERSION,
        ops: Array.from({ length: count }, (_, i) => sendOp(body.conversation_id, `m${i}`)),
      });
    await push(MAX_MESSAGES - 1);
    const before = await probe.rowCounts();
    await expect(push(2)).rejects.toMatchObject({
      data: {
        code: 'TOO_MANY_REQUESTS',
        appCode: 'RATE_LIMITED',
        retryAfterSeconds: expect.any(Number),
      },
    });
    expect(await probe.rowCounts()).toEqual(before);
    await push(1);
  });
});

describe('the conversation list comes in pages', () => {
  it('250 conversations come as pages of 100, each exactly once, newest activity first', async () => {
    const popular = await createUser(server.url, 'Popular');
    const others = await Promise.all(
      Array.from({ length: 250 }, (_, i) => createUser(server.url, `P${i}`)),
    );
    // Written straight to the database (the creation limit is not what this tests), with
    // activity times that tie, so the cursor must order by id too.
    for (const [i, other] of others.entries()) {
      await probe.execute(
        `INSERT INTO conversations (user1_id, user2_id, conversation_type, pair_key, created_at)
         VALUES (?, ?, 'general', ?, UTC_TIMESTAMP(3) - INTERVAL ? SECOND)`,
        [
          popular.user.userId,
          other.user.userId,
          `${popular.user.userId}:${other.user.userId}:general:0`,
          i % 7,
        ],
      );
    }
    const ids = (
      await probe.query<{ conversation_id: number }>(
        'SELECT conversation_id FROM conversations WHERE user1_id = ?',
        [popular.user.userId],
      )
    ).map((r) => r.conversation_id);
    await probe.execute(
      `INSERT INTO conversation_members (conversation_id, user_id)
       SELECT conversation_id, user1_id FROM conversations WHERE user1_id = ?
       UNION ALL SELECT conversation_id, user2_id FROM conversations WHERE user1_id = ?`,
      [popular.user.userId, popular.user.userId],
    );
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: {
        status: number;
        body: {
          conversations: { conversation_id: number }[];
          has_more: boolean;
          next_cursor: string | null;
        };
      } = await rest(
        server.url,
        'GET',
        `/api/v1/chat/conversations${cursor ? `?cursor=${cursor}` : ''}`,
        {
          token: popular.token,
        },
      );
      expect(page.status).toBe(200);
      expect(page.body.conversations.length).toBeLessThanOrEqual(100);
      seen.push(...page.body.conversations.map((c) => c.conversation_id));
      expect(page.body.has_more).toBe(page.body.next_cursor !== null);
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect([...seen].sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
  });
});
