// Register, log in, log out, who-am-I, expiry and the login rate limits, over REST and
// tRPC against the real server: tokens are 256 random bits stored only as a hash,
// passwords only as scrypt strings, and a device's logout ends only that device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../server/auth/password.ts';
import { createUser, rest, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { expireSession, signInAgain, tokenHash } from './support/actors.ts';
import { trpcSocketClient } from './support/realtime.ts';
import { postJsonFrom } from './support/source-address.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';

const MAX_PER_PAIR = 3;
const MAX_PER_ACCOUNT = 6;
const MAX_PER_ADDRESS = 5;
const WINDOW_SECONDS = 900;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

let server: TestServer;
let probe: SqlProbe;

beforeAll(async () => {
  server = await startTestServer({
    label: 'auth',
    env: {
      LOGIN_MAX_PER_ACCOUNT_ADDRESS: String(MAX_PER_PAIR),
      LOGIN_MAX_PER_ACCOUNT: String(MAX_PER_ACCOUNT),
      LOGIN_MAX_PER_IP: String(MAX_PER_ADDRESS),
      LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
    },
  });
  probe = await openSqlProbe(server.database.address);
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

const uniqueEmail = (name: string) =>
  `${name}-${Math.random().toString(36).slice(2, 10)}@auth.test`;

interface SessionRow {
  session_id: number;
  token_hash: string;
  device_name: string | null;
  expires_at: Date;
  revoked_at: Date | null;
}

const sessionsOf = (userId: number) =>
  probe.query<SessionRow>(
    'SELECT session_id, token_hash, device_name, expires_at, revoked_at FROM sessions WHERE user_id = ? ORDER BY session_id',
    [userId],
  );

describe('register', () => {
  it('answers 201 with a 43-character base64url token whose sha256 alone is stored, email lowercased', async () => {
    const email = uniqueEmail('Dana');
    const answer = await rest<{
      token: string;
      user: { user_id: number; email: string; display_name: string };
    }>(server.url, 'POST', '/api/v1/auth/register', {
      body: {
        email,
        password: 'correct horse battery',
        display_name: 'Dana',
        device_name: 'laptop',
      },
    });

    expect(answer.status).toBe(201);
    expect(answer.body.token).toMatch(TOKEN_SHAPE);
    expect(answer.body.user).toEqual({
      user_id: expect.any(Number),
      email: email.toLowerCase(),
      display_name: 'Dana',
    });
    const sessions = await sessionsOf(answer.body.user.user_id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.token_hash).toBe(tokenHash(answer.body.token));
    expect(JSON.stringify(sessions)).not.toContain(answer.body.token);
    expect(sessions[0]!.device_name).toBe('laptop');
    const daysLeft = (sessions[0]!.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(29.9);
    expect(daysLeft).toBeLessThanOrEqual(30);
  });

  it('stores the password only as a scrypt string that verifies it', async () => {
    const dana = await createUser(server.url, 'Dana');
    const [row] = await probe.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE user_id = ?',
      [dana.user.userId],
    );
    expect(row!.password_hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(row!.password_hash).not.toContain(dana.password);
    expect(await verifyPassword(dana.password, row!.password_hash)).toBe(true);
    expect(await verifyPassword('another password', row!.password_hash)).toBe(false);
  });

  it('over tRPC gives a token and the user, like REST', async () => {
    const email = uniqueEmail('erin');
    const signedIn = await trpcClient(server.url, null).auth.register.mutate({
      email,
      password: 'correct horse battery',
      displayName: 'Erin',
    });
    expect(signedIn.token).toMatch(TOKEN_SHAPE);
    expect(signedIn.user).toEqual({ userId: expect.any(Number), email, displayName: 'Erin' });
    expect(await trpcClient(server.url, signedIn.token).auth.me.query()).toEqual(signedIn.user);
  });

  it('with an email already registered (in any letter case) answers 409 and writes nothing', async () => {
    const frank = await createUser(server.url, 'Frank');
    const before = await probe.rowCounts();
    const again = await rest<{ error: { code: string; fields?: Record<string, string[]> } }>(
      server.url,
      'POST',
      '/api/v1/auth/register',
      {
        body: {
          email: frank.user.email.toUpperCase(),
          password: 'another password',
          display_name: 'F',
        },
      },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect(again.body.error.fields).toHaveProperty('email');
    // Generic wording: no "already exists" to harvest.
    expect(JSON.stringify(again.body)).not.toMatch(/exist|already/i);
    await expect(
      trpcClient(server.url, null).auth.register.mutate({
        email: frank.user.email,
        password: 'another password',
        displayName: 'F',
      }),
    ).rejects.toMatchObject({ data: { code: 'CONFLICT', appCode: 'CONFLICT' } });
    expect(await probe.rowCounts()).toEqual(before);
  });
});

describe('login, who-am-I and logout', () => {
  it('logs in over REST (email in any case) with a new token for the same user', async () => {
    const gina = await createUser(server.url, 'Gina');
    const answer = await rest<{ token: string; user: { user_id: number } }>(
      server.url,
      'POST',
      '/api/v1/auth/login',
      { body: { email: gina.user.email.toUpperCase(), password: gina.password } },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.token).toMatch(TOKEN_SHAPE);
    expect(answer.body.token).not.toBe(gina.token);
    expect(answer.body.user).toEqual({
      user_id: gina.user.userId,
      email: gina.user.email,
      display_name: 'Gina',
    });
    expect(await sessionsOf(gina.user.userId)).toHaveLength(2);
  });

  it('logs in over tRPC, and auth.me names the signed-in user', async () => {
    const hal = await createUser(server.url, 'Hal');
    const signedIn = await trpcClient(server.url, null).auth.login.mutate({
      email: hal.user.email,
      password: hal.password,
      deviceName: 'phone',
    });
    expect(signedIn.user).toEqual(hal.user);
    expect(await trpcClient(server.url, signedIn.token).auth.me.query()).toEqual(hal.user);
  });

  it("logout revokes only that device's session", async () => {
    const ivy = await createUser(server.url, 'Ivy');
    const laptop = ivy.token;
    const phone = await signInAgain(server.url, ivy);

    expect(await trpcClient(server.url, phone).auth.logout.mutate()).toEqual({ ok: true });

    await expect(trpcClient(server.url, phone).auth.me.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    expect(
      (await rest(server.url, 'GET', '/api/v1/chat/conversations', { token: phone })).status,
    ).toBe(401);
    await expect(trpcClient(server.url, phone).auth.logout.mutate()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    expect(await trpcClient(server.url, laptop).auth.me.query()).toEqual(ivy.user);
    const sessions = await sessionsOf(ivy.user.userId);
    expect(sessions.map((s) => [s.token_hash, s.revoked_at === null])).toEqual([
      [tokenHash(laptop), true],
      [tokenHash(phone), false],
    ]);
  });

  it('an expired session answers 401 on REST and tRPC, and other sessions live on', async () => {
    const jack = await createUser(server.url, 'Jack');
    const other = await signInAgain(server.url, jack);
    await expireSession(probe, jack.token);

    const answer = await rest<{ error: { code: string } }>(
      server.url,
      'GET',
      '/api/v1/chat/conversations',
      {
        token: jack.token,
      },
    );
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('UNAUTHENTICATED');
    await expect(trpcClient(server.url, jack.token).auth.me.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED', appCode: 'UNAUTHENTICATED' },
    });
    expect(await trpcClient(server.url, other).auth.me.query()).toEqual(jack.user);
  });

  it.each([
    ['logged out', (token: string) => trpcClient(server.url, token).auth.logout.mutate()],
    ['expired', (token: string) => expireSession(probe, token)],
  ])('a WebSocket opened before its session was %s can call nothing more', async (_label, end) => {
    const pia = await createUser(server.url, 'Pia');
    const socket = trpcSocketClient(server.url, pia.token);
    try {
      expect(await socket.client.auth.me.query()).toEqual(pia.user);
      await end(pia.token);
      await expect(socket.client.auth.me.query()).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
      await expect(
        socket.client.conversations.findOrCreate.mutate({
          otherUserId: pia.user.userId + 1_000_000,
        }),
      ).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    } finally {
      socket.close();
    }
  });

  it('a wrong password and an unknown email get the same 401 answer', async () => {
    const kim = await createUser(server.url, 'Kim');
    const wrongPassword = await postJsonFrom('127.0.0.2', `${server.url}/api/v1/auth/login`, {
      email: kim.user.email,
      password: 'not the password',
    });
    const unknownEmail = await postJsonFrom('127.0.0.3', `${server.url}/api/v1/auth/login`, {
      email: uniqueEmail('nobody'),
      password: 'not the password',
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);

    const viaTrpc = await Promise.all(
      [kim.user.email, uniqueEmail('nobody')].map((email, i) =>
        postJsonFrom(`127.0.0.${4 + i}`, `${server.url}/trpc/auth.login`, {
          email,
          password: 'not the password',
        }),
      ),
    );
    expect(viaTrpc.map((a) => a.status)).toEqual([401, 401]);
    expect(viaTrpc[1]!.body).toEqual(viaTrpc[0]!.body);
  });
});

describe('login rate limits', () => {
  const wrongLogin = (address: string, email: string) =>
    postJsonFrom(address, `${server.url}/api/v1/auth/login`, {
      email,
      password: 'not the password',
    });
  const rightLogin = (address: string, user: { user: { email: string }; password: string }) =>
    postJsonFrom(address, `${server.url}/api/v1/auth/login`, {
      email: user.user.email,
      password: user.password,
    });

  const retryAfterOf = (answer: { status: number; headers: Record<string, unknown> }) => {
    expect(answer.status).toBe(429);
    const retryAfter = Number(answer.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    return retryAfter;
  };

  it(`per account and address: after ${MAX_PER_PAIR} failures that address waits, even with the right password, over REST and tRPC`, async () => {
    const liz = await createUser(server.url, 'Liz');
    // Letter case does not make another account.
    const spellings = [liz.user.email, liz.user.email.toUpperCase(), liz.user.email];
    for (const spelling of spellings.slice(0, MAX_PER_PAIR)) {
      expect((await wrongLogin('127.0.1.1', spelling)).status).toBe(401);
    }
    const rest429 = await rightLogin('127.0.1.1', liz);
    expect(retryAfterOf(rest429)).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(rest429.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const trpc429 = await postJsonFrom('127.0.1.1', `${server.url}/trpc/auth.login`, {
      email: liz.user.email,
      password: liz.password,
    });
    expect(retryAfterOf(trpc429)).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(trpc429.body).toMatchObject({
      error: { data: { code: 'TOO_MANY_REQUESTS', appCode: 'RATE_LIMITED' } },
    });
  });

  it('wrong guesses from another address never lock the owner out of their own', async () => {
    const owner = await createUser(server.url, 'Owner');
    // 15 guesses from the attacker's address (it is stopped after its share).
    const guesses = [];
    for (let i = 0; i < 15; i++)
      guesses.push((await wrongLogin('127.0.7.1', owner.user.email)).status);
    expect(guesses.filter((status) => status === 401)).toHaveLength(MAX_PER_PAIR);
    expect(guesses.slice(MAX_PER_PAIR).every((status) => status === 429)).toBe(true);
    expect((await rightLogin('127.0.7.2', owner)).status).toBe(200);
  });

  it(`past the account's ceiling of ${MAX_PER_ACCOUNT} failures from many addresses, it is slowed (a growing wait of at most a minute), not locked`, async () => {
    const pat = await createUser(server.url, 'Pat');
    for (let i = 0; i < MAX_PER_ACCOUNT; i++) {
      expect((await wrongLogin(`127.0.8.${i + 1}`, pat.user.email)).status).toBe(401);
    }
    // One more failure crosses the ceiling: the account must now wait.
    expect((await wrongLogin('127.0.8.50', pat.user.email)).status).toBe(401);
    const wait = retryAfterOf(await rightLogin('127.0.8.51', pat));
    expect(wait).toBeLessThanOrEqual(60);
    const waitAgain = retryAfterOf(await wrongLogin('127.0.8.52', pat.user.email));
    expect(waitAgain).toBeLessThanOrEqual(60);
  });

  it("a successful login clears that address's failures for the account", async () => {
    const mia = await createUser(server.url, 'Mia');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < MAX_PER_PAIR - 1; i++) {
        expect((await wrongLogin('127.0.2.1', mia.user.email)).status).toBe(401);
      }
      expect((await rightLogin('127.0.2.1', mia)).status).toBe(200);
    }
  });

  it(`per address: after ${MAX_PER_ADDRESS} failures on any accounts the address gets 429, and X-Forwarded-For from a client is not believed`, async () => {
    const ned = await createUser(server.url, 'Ned');
    const address = '127.0.3.1';
    for (let i = 0; i < MAX_PER_ADDRESS; i++) {
      expect((await wrongLogin(address, uniqueEmail(`spray${i}`))).status).toBe(401);
    }
    retryAfterOf(await rightLogin(address, ned));
    retryAfterOf(
      await postJsonFrom(
        address,
        `${server.url}/api/v1/auth/login`,
        { email: ned.user.email, password: ned.password },
        { 'x-forwarded-for': '10.9.8.7' },
      ),
    );
    expect((await rightLogin('127.0.3.2', ned)).status).toBe(200);
  });

  it('concurrent guesses get no more tries than sequential ones, per account and address and per address', async () => {
    const quinn = await createUser(server.url, 'Quinn');
    const perPair = await Promise.all(
      Array.from({ length: 20 }, () => wrongLogin('127.0.5.1', quinn.user.email)),
    );
    expect(perPair.filter((a) => a.status === 401).length).toBeLessThanOrEqual(MAX_PER_PAIR);
    expect(perPair.every((a) => a.status === 401 || a.status === 429)).toBe(true);

    const perAddress = await Promise.all(
      Array.from({ length: 20 }, (_, i) => wrongLogin('127.0.6.1', uniqueEmail(`burst${i}`))),
    );
    expect(perAddress.filter((a) => a.status === 401).length).toBeLessThanOrEqual(MAX_PER_ADDRESS);
    expect(perAddress.every((a) => a.status === 401 || a.status === 429)).toBe(true);
  });

  it('successful logins never use up an address', async () => {
    const oli = await createUser(server.url, 'Oli');
    for (let i = 0; i < MAX_PER_ADDRESS * 2; i++) {
      expect((await rightLogin('127.0.4.1', oli)).status).toBe(200);
    }
  });
});
