// [§4] A presence socket is accepted only with a valid session token and only into rooms
// of conversations its user belongs to; every refusal is an HTTP answer before any Yjs
// message is exchanged.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createUser, type TestUser, trpcClient, waitFor } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  conversationBetween,
  expireSession,
  handshakeStatus,
  presenceUrl,
  wsPolyfill,
} from './presence-fixture.ts';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let aliceAndBob: number;
let bobAndCarol: number;

beforeAll(async () => {
  server = await startTestServer({ label: 'presence_handshake' });
  [alice, bob, carol] = await Promise.all([
    createUser(server.url, 'Alice'),
    createUser(server.url, 'Bob'),
    createUser(server.url, 'Carol'),
  ]);
  aliceAndBob = await conversationBetween(server, alice, bob);
  bobAndCarol = await conversationBetween(server, bob, carol);
});
afterAll(() => server?.dispose());

const room = (id: number) => `conversation-${id}`;

describe('[§4] presence handshake', () => {
  it('accepts a participant with a valid token and syncs it against an empty document', async () => {
    expect(await handshakeStatus(presenceUrl(server, room(aliceAndBob), alice.token))).toBe(101);
    const provider = new WebsocketProvider(
      `${server.url.replace(/^http/, 'ws')}/yjs`,
      room(aliceAndBob),
      new Y.Doc(),
      { params: { token: alice.token }, WebSocketPolyfill: wsPolyfill, disableBc: true },
    );
    try {
      // y-websocket calls itself synced only after the server answered its sync step 1.
      await waitFor(() => provider.synced, { timeoutMs: 5000, what: 'synced provider' });
      expect(provider.doc.share.size).toBe(0);
    } finally {
      provider.destroy();
    }
  });

  it('refuses a socket without a token with 401', async () => {
    expect(await handshakeStatus(presenceUrl(server, room(aliceAndBob), null))).toBe(401);
  });

  it('refuses forged tokens with 401', async () => {
    const wellFormed = randomBytes(32).toString('base64url');
    for (const token of [wellFormed, 'not-a-token', '', `${alice.token}x`, alice.token.slice(1)]) {
      expect(await handshakeStatus(presenceUrl(server, room(aliceAndBob), token)), token).toBe(401);
    }
  });

  it('refuses an expired token with 401', async () => {
    const user = await createUser(server.url, 'Expiring');
    const conversationId = await conversationBetween(server, user, alice);
    expect(await handshakeStatus(presenceUrl(server, room(conversationId), user.token))).toBe(101);
    await expireSession(server, user.token);
    expect(await handshakeStatus(presenceUrl(server, room(conversationId), user.token))).toBe(401);
  });

  it('refuses a signed-out (revoked) token with 401', async () => {
    const user = await createUser(server.url, 'Leaving');
    const conversationId = await conversationBetween(server, user, alice);
    await trpcClient(server.url, user.token).auth.logout.mutate();
    expect(await handshakeStatus(presenceUrl(server, room(conversationId), user.token))).toBe(401);
  });

  it('refuses a conversation the user is not in with 404, the same as one that does not exist', async () => {
    expect(await handshakeStatus(presenceUrl(server, room(bobAndCarol), alice.token))).toBe(404);
    expect(await handshakeStatus(presenceUrl(server, room(2_000_000_000), alice.token))).toBe(404);
  });

  it('refuses malformed room names with 400', async () => {
    const hostile = [
      '',
      'conversation-',
      'conversation-abc',
      'conversation-0',
      'conversation-01',
      'conversation--1',
      'conversation-1.5',
      'conversation-2147483648',
      'conversation-99999999999',
      `conversation-${aliceAndBob}/extra`,
      `conversation-${aliceAndBob}%00`,
      `conversation-${aliceAndBob}%2F..`,
      `Conversation-${aliceAndBob}`,
      `conversation-${aliceAndBob} `,
      `conversation-${aliceAndBob}x`,
      `room-${aliceAndBob}`,
    ];
    for (const name of hostile) {
      expect(await handshakeStatus(presenceUrl(server, name, alice.token)), name).toBe(400);
    }
    const bare = `${server.url.replace(/^http/, 'ws')}/yjs?token=${alice.token}`;
    expect(await handshakeStatus(bare)).toBe(400);
  });
});
