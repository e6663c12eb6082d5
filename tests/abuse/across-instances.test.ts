// Two instances behind one address (DESIGN §7): rate-limit state lives in Redis, so a
// guesser gains nothing by alternating instances; a sign-out on one closes the device's
// sockets on the other at once; behind a trusted proxy, X-Forwarded-For names the
// client, and an IPv6 client spends from its /64, however many addresses it rotates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRawSocket, presenceUrl } from '../presence/presence-fixture.ts';
import { signInAgain } from '../server/support/actors.ts';
import { postJsonFrom } from '../server/support/source-address.ts';
import { rest, type TestUser, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openLiveSocket } from './support.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const env = {
  LOGIN_MAX_PER_ACCOUNT_ADDRESS: '3',
  REGISTER_MAX_PER_ADDRESS: '2',
  // The tests' own address is the "balancer": only it may name clients.
  TRUSTED_PROXIES: '127.0.0.1',
};

let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  first = await startTestServer({ label: 'instances', redisUrl: REDIS_URL, env });
  second = await startTestServer({ database: first.database, redisUrl: REDIS_URL, env });
});

afterAll(async () => {
  await second?.dispose();
  await first?.dispose();
});

let nextClient = 1;
/** A new account, registered as a client of its own (each has its sign-up budget). */
async function newUser(name: string): Promise<TestUser> {
  const email = `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@abuse.test`;
  const password = 'correct horse battery';
  const answer = await postJsonFrom(
    '127.0.0.1',
    `${first.url}/api/v1/auth/register`,
    { email, password, display_name: name },
    { 'x-forwarded-for': `198.18.0.${nextClient++}` },
  );
  const body = answer.body as {
    token: string;
    user: { user_id: number; email: string; display_name: string };
  };
  if (answer.status !== 201) throw new Error(`register failed: ${answer.status}`);
  return {
    token: body.token,
    password,
    user: {
      userId: body.user.user_id,
      email: body.user.email,
      displayName: body.user.display_name,
    },
  };
}

const wrongLogin = (server: TestServer, email: string, forwardedFor: string) =>
  postJsonFrom(
    '127.0.0.1',
    `${server.url}/api/v1/auth/login`,
    { email, password: 'not the password' },
    { 'x-forwarded-for': forwardedFor },
  );

describe('limits shared across instances', () => {
  it('failed sign-ins counted on either instance add up: the fourth try waits on both', async () => {
    const user = await newUser('Shared');
    const client = '198.51.100.7';
    expect((await wrongLogin(first, user.user.email, client)).status).toBe(401);
    expect((await wrongLogin(second, user.user.email, client)).status).toBe(401);
    expect((await wrongLogin(first, user.user.email, client)).status).toBe(401);
    for (const server of [first, second]) {
      const right = await postJsonFrom(
        '127.0.0.1',
        `${server.url}/api/v1/auth/login`,
        { email: user.user.email, password: user.password },
        { 'x-forwarded-for': client },
      );
      expect(right.status).toBe(429);
    }
    // Another client of the same balancer is a different key.
    const other = await postJsonFrom(
      '127.0.0.1',
      `${second.url}/api/v1/auth/login`,
      { email: user.user.email, password: user.password },
      { 'x-forwarded-for': '198.51.100.8' },
    );
    expect(other.status).toBe(200);
  });
});

describe('who the client is, behind a trusted proxy', () => {
  const signUp = (server: TestServer, forwardedFor: string, from = '127.0.0.1') =>
    postJsonFrom(
      from,
      `${server.url}/api/v1/auth/register`,
      {
        email: `xff-${Math.random().toString(36).slice(2)}@abuse.test`,
        password: 'long enough password',
        display_name: 'X',
      },
      { 'x-forwarded-for': forwardedFor },
    );

  it('IPv6 addresses of one /64 share a budget; another /64 has its own', async () => {
    expect((await signUp(first, '2001:db8:aa:1::1')).status).toBe(201);
    expect((await signUp(second, '2001:db8:aa:1:ffff:ffff:ffff:fffe')).status).toBe(201);
    expect((await signUp(first, '2001:db8:aa:1::abcd')).status).toBe(429);
    expect((await signUp(first, '2001:db8:aa:2::1')).status).toBe(201);
  });

  it('the rightmost address the proxy did not add counts; what the client wrote before it does not', async () => {
    // A client cannot buy fresh budgets by writing its own X-Forwarded-For: the proxy
    // appends the real address last.
    for (let i = 0; i < 2; i++) {
      expect((await signUp(first, `10.${i}.0.1, 203.0.113.9`)).status).toBe(201);
    }
    expect((await signUp(first, '10.99.0.1, 203.0.113.9')).status).toBe(429);
  });

  it('a peer that is not a trusted proxy is the client itself, whatever it forwards', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await signUp(first, `192.0.2.${i + 1}`, '127.0.0.42')).status).toBe(201);
    }
    expect((await signUp(first, '192.0.2.99', '127.0.0.42')).status).toBe(429);
  });
});

describe('revocation across instances', () => {
  it('signing a device out on one instance closes its live socket and presence on the other within a second', async () => {
    const [user, partner] = await Promise.all([newUser('Traveller'), newUser('Partner')]);
    const created = await rest<{ conversation_id: number }>(
      first.url,
      'POST',
      '/api/v1/chat/conversations',
      { token: user.token, body: { other_user_id: partner.user.userId } },
    );
    const phone = await signInAgain(first.url, user);
    const live = await openLiveSocket(second.url, phone);
    expect(await live.live(1)).toMatchObject({ result: { data: { type: 'hello' } } });
    const presence = await openRawSocket(
      presenceUrl(second, `conversation-${created.body.conversation_id}`, phone),
    );
    const startedAt = performance.now();
    const devices = await trpcClient(first.url, user.token).auth.devices.query();
    const phoneSession = devices.devices.find((d) => !d.isCurrent)!;
    await trpcClient(first.url, user.token).auth.signOutDevice.mutate({
      sessionId: phoneSession.sessionId,
    });
    const [liveClosed, presenceCode] = await Promise.all([live.closed, presence.closed]);
    const presenceClosedAt = performance.now();
    expect(liveClosed.code).toBe(4401);
    expect(presenceCode).toBe(4401);
    expect(liveClosed.at - startedAt).toBeLessThan(1_000);
    expect(presenceClosedAt - startedAt).toBeLessThan(1_000);
  });
});
