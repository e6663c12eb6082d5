// [§4] What a presence socket may not do: send document content, open a second socket for
// the same device and room, send oversized or too many messages, outlive its session, or
// go silent. Each is checked with real sockets against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createUser, rest, type TestUser, trpcClient, waitFor } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  awarenessMessage,
  conversationBetween,
  expireSession,
  openRawSocket,
  presenceUrl,
  type RawSocket,
  SYNC_STEP1,
  SYNC_UPDATE,
  syncMessage,
  TEST_HEARTBEAT_MS,
  within,
  wsPolyfill,
} from './presence-fixture.ts';

const SYNC_STEP2 = 1;
const EMPTY_UPDATE = Uint8Array.of(0, 0);

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: number;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    label: 'presence_guards',
    env: { PRESENCE_HEARTBEAT_MS: String(TEST_HEARTBEAT_MS) },
  });
  [alice, bob] = await Promise.all([
    createUser(server.url, 'Alice'),
    createUser(server.url, 'Bob'),
  ]);
  conversationId = await conversationBetween(server, alice, bob);
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server?.dispose();
});

const room = () => `conversation-${conversationId}`;

async function socketOf(user: TestUser | string, options: { autoPong?: boolean } = {}) {
  const token = typeof user === 'string' ? user : user.token;
  const socket = await openRawSocket(presenceUrl(server, room(), token), options);
  sockets.push(socket);
  return socket;
}

/** Proves a socket is still served: a sync step 1 is answered. */
async function isServed(socket: RawSocket): Promise<boolean> {
  const before = socket.received.length;
  socket.send(syncMessage(SYNC_STEP1, Uint8Array.of(0)));
  await waitFor(() => socket.received.length > before, { timeoutMs: 2000, what: 'an answer' });
  return true;
}

function providerFor(token: string) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/yjs`, room(), doc, {
    params: { token },
    WebSocketPolyfill: wsPolyfill,
    disableBc: true,
  });
  return { doc, provider };
}

async function signIn(user: TestUser): Promise<string> {
  const res = await rest<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', {
    body: { email: user.user.email, password: user.password },
  });
  return res.body.token;
}

describe('[§4] no document content is accepted', () => {
  it('a client sending a document update is disconnected and nothing changes', async () => {
    const a = providerFor(alice.token);
    const b = providerFor(bob.token);
    await waitFor(() => a.provider.synced && b.provider.synced, {
      timeoutMs: 5000,
      what: 'both synced',
    });
    const closed = new Promise<number>((resolve) =>
      a.provider.on('closed', ({ code }) => resolve(code)),
    );
    a.doc.getText('draft').insert(0, 'this is not presence');
    expect(await within(2000, closed, 'disconnect')).toBe(4400);
    // y-websocket treats 4400 as final: the offender does not come back to retry.
    expect(a.provider.shouldConnect).toBe(false);

    const late = providerFor(await signIn(bob)); // Bob's second device
    await waitFor(() => late.provider.synced, { timeoutMs: 5000, what: 'late joiner synced' });
    expect(Y.encodeStateAsUpdate(b.doc)).toEqual(EMPTY_UPDATE);
    expect(Y.encodeStateAsUpdate(late.doc)).toEqual(EMPTY_UPDATE);
    expect(b.doc.getText('draft').toString()).toBe('');
    for (const { provider, doc } of [a, b, late]) {
      provider.destroy();
      doc.destroy();
    }
  });

  it('document content in a sync step 2 or an update message is refused the same way', async () => {
    const source = new Y.Doc();
    source.getMap('m').set('k', 'v');
    const content = Y.encodeStateAsUpdate(source);
    for (const step of [SYNC_STEP2, SYNC_UPDATE]) {
      const socket = await socketOf(alice);
      socket.send(syncMessage(step, content));
      expect(await within(2000, socket.closed, `close after step ${step}`)).toBe(4400);
    }
  });

  it('an empty sync step 2 (what an empty client answers) is harmless', async () => {
    const socket = await socketOf(alice);
    socket.send(syncMessage(SYNC_STEP2, EMPTY_UPDATE));
    expect(await isServed(socket)).toBe(true);
    socket.ws.close();
  });

  it('malformed, unknown and text messages close the socket', async () => {
    const hostile: (Uint8Array | string)[] = [
      Uint8Array.of(0xff, 0xff),
      Uint8Array.of(2, 0), // an auth message: the server sends those, clients do not
      Uint8Array.of(9),
      Uint8Array.of(1, 5, 1, 2), // an awareness update cut short
      'hello',
    ];
    for (const message of hostile) {
      const socket = await socketOf(alice);
      socket.send(message);
      expect(await within(2000, socket.closed, `close after ${String(message)}`)).toBe(4400);
    }
  });
});

describe('[§4] limits', () => {
  it('a second socket from the same device into the same room replaces the first', async () => {
    const first = await socketOf(alice);
    const second = await socketOf(alice);
    expect(await within(2000, first.closed, 'replaced socket closed')).toBe(4409);
    expect(await isServed(second)).toBe(true);

    // Another device of the same user is another socket, not a replacement.
    const otherDevice = await socketOf(await signIn(alice));
    expect(await isServed(otherDevice)).toBe(true);
    expect(await isServed(second)).toBe(true);
    second.ws.close();
    otherDevice.ws.close();
  });

  it('a message of 8 KB is accepted and a larger one closes the socket', async () => {
    const socket = await socketOf(alice);
    let padding = 'x'.repeat(8000);
    const state = () => ({ user: alice.user, typing: false, active: false, padding });
    let message = awarenessMessage([{ clientId: 777_100, clock: 1, state: state() }]);
    padding += 'x'.repeat(8192 - message.length);
    message = awarenessMessage([{ clientId: 777_100, clock: 1, state: state() }]);
    expect(message.length).toBe(8192);
    socket.send(message);
    expect(await isServed(socket)).toBe(true);

    socket.send(new Uint8Array(8193));
    expect(await within(2000, socket.closed, 'close after an oversized message')).toBe(1009);
  });

  it('a socket flooding messages is closed', async () => {
    const socket = await socketOf(alice);
    for (let i = 0; i < 200; i++) socket.send(syncMessage(SYNC_STEP1, Uint8Array.of(0)));
    expect(await within(2000, socket.closed, 'close after a flood')).toBe(1008);
  });

  it('a socket that stops answering pings is dropped; one that answers stays', async () => {
    const silent = await socketOf(alice, { autoPong: false });
    const lively = await socketOf(bob);
    const code = await within(TEST_HEARTBEAT_MS * 10, silent.closed, 'idle socket dropped');
    expect(code).toBe(1006);
    expect(await isServed(lively)).toBe(true);
    lively.ws.close();
  });
});

describe('[§4] sessions', () => {
  it('the sockets of a signed-out session are closed; other sessions keep theirs', async () => {
    const token = await signIn(alice);
    const revoked = await socketOf(token);
    const kept = await socketOf(bob);
    await trpcClient(server.url, token).auth.logout.mutate();
    expect(await within(TEST_HEARTBEAT_MS * 10, revoked.closed, 'revoked socket closed')).toBe(
      4401,
    );
    expect(await isServed(kept)).toBe(true);
    kept.ws.close();
  });

  it('sockets admitted while sessions are being re-checked stay open', async () => {
    // Within the room's cap (16 sockets).
    const tokens = await Promise.all(Array.from({ length: 12 }, () => signIn(bob)));
    // Concurrent upgrades queue their queries next to the heartbeat's re-check, so some
    // are admitted while it runs.
    const opened: RawSocket[] = [];
    for (let wave = 0; wave < 4; wave++) {
      opened.push(
        ...(await Promise.all(tokens.slice(wave * 3, wave * 3 + 3).map((t) => socketOf(t)))),
      );
      await new Promise((r) => setTimeout(r, TEST_HEARTBEAT_MS / 2));
    }
    const firstClose = await Promise.race([
      ...opened.map((s) => s.closed),
      new Promise<null>((r) => setTimeout(() => r(null), TEST_HEARTBEAT_MS * 3)),
    ]);
    expect(firstClose).toBeNull();
    for (const s of opened) s.ws.close();
    await Promise.all(opened.map((s) => s.closed));
  });

  it('the sockets of a session that expires are closed', async () => {
    const token = await signIn(alice);
    const socket = await socketOf(token);
    await expireSession(server, token);
    expect(await within(TEST_HEARTBEAT_MS * 10, socket.closed, 'expired socket closed')).toBe(4401);
  });
});
