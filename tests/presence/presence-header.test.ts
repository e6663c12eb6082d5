// [§6][§4] The desktop page holds no session token, so its presence socket carries none in
// its URL: the main process adds the Authorization header to the upgrade. The handshake
// accepts the header under the same rules as the web build's `?token=`, which still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createPresenceClient } from '../../renderer/presence/presence-client.ts';
import { SHELL_ATTACHED_AUTH } from '../../shared/platform/server-auth.ts';
import { createUser, type TestUser, trpcClient } from '../support/clients.ts';
import { desktopShell } from '../support/desktop-shell.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  conversationBetween,
  handshakeStatus,
  openPresence,
  peerMatches,
  presenceUrl,
} from './presence-fixture.ts';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let aliceAndBob: number;
let bobAndCarol: number;

beforeAll(async () => {
  server = await startTestServer({ label: 'presence_header' });
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

/** The HTTP status an upgrade with these headers is answered with (101: accepted). */
function statusWithHeaders(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('[§6] a presence upgrade signed in by the Authorization header', () => {
  it('admits a participant whose upgrade carries a valid session in the header', async () => {
    const url = presenceUrl(server, room(aliceAndBob), null);
    expect(await statusWithHeaders(url, bearer(alice.token))).toBe(101);
  });

  it('refuses a forged or revoked token in the header with 401', async () => {
    const url = presenceUrl(server, room(aliceAndBob), null);
    expect(await statusWithHeaders(url, bearer('forged-token'))).toBe(401);
    expect(await statusWithHeaders(url, { authorization: alice.token })).toBe(401);
    const leaving = await createUser(server.url, 'Leaving');
    const conversationId = await conversationBetween(server, leaving, alice);
    await trpcClient(server.url, leaving.token).auth.logout.mutate();
    const theirs = presenceUrl(server, room(conversationId), null);
    expect(await statusWithHeaders(theirs, bearer(leaving.token))).toBe(401);
  });

  it('keeps a stranger out of a room with a valid header as with a URL token (404)', async () => {
    const url = presenceUrl(server, room(bobAndCarol), null);
    expect(await statusWithHeaders(url, bearer(alice.token))).toBe(404);
    expect(await handshakeStatus(presenceUrl(server, room(bobAndCarol), alice.token))).toBe(404);
  });

  it('lets a token in the URL (the web build) decide over the header', async () => {
    const url = presenceUrl(server, room(aliceAndBob), 'forged-token');
    expect(await statusWithHeaders(url, bearer(alice.token))).toBe(401);
    expect(await handshakeStatus(presenceUrl(server, room(aliceAndBob), alice.token))).toBe(101);
  });

  it('shows a desktop page that presents nothing as online to the other participant', async () => {
    const shell = desktopShell(server.url, () => alice.token);
    const desktop = createPresenceClient({
      serverUrl: server.url,
      auth: SHELL_ATTACHED_AUTH,
      conversationId: aliceAndBob,
      self: alice.user,
      WebSocketPolyfill: shell.WebSocket,
    });
    const web = openPresence(server, bob, aliceAndBob);
    try {
      await peerMatches(web, { online: true }, 5000);
      await peerMatches(desktop, { online: true }, 5000);
    } finally {
      desktop.destroy();
      web.destroy();
    }
  });
});
