// [§4] Typing and presence between the two participants of a conversation, through real
// y-websocket providers (the renderer's presence client) against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { PresenceClient } from '../../renderer/presence/presence-client.ts';
import { createUser, type TestUser, waitFor } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  awarenessMessage,
  conversationBetween,
  openPresence,
  openRawSocket,
  peerMatches,
  presenceUrl,
  wsPolyfill,
} from './presence-fixture.ts';

const DEADLINE_MS = 300;

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: number;
const open: { destroy: () => void }[] = [];

beforeAll(async () => {
  server = await startTestServer({ label: 'presence_typing' });
  [alice, bob] = await Promise.all([
    createUser(server.url, 'Alice'),
    createUser(server.url, 'Bob'),
  ]);
  conversationId = await conversationBetween(server, alice, bob);
});
afterAll(async () => {
  for (const client of open) client.destroy();
  await server?.dispose();
});

function track<T extends { destroy: () => void }>(client: T): T {
  open.push(client);
  return client;
}

/** Alice and Bob both looking at the conversation, each seeing the other online. */
async function bothInRoom(aliceOptions: { typingIdleMs?: number } = {}) {
  const a = track(openPresence(server, alice, conversationId, aliceOptions));
  const b = track(openPresence(server, bob, conversationId));
  await Promise.all([
    peerMatches(a, { online: true }, 5000),
    peerMatches(b, { online: true }, 5000),
  ]);
  return { a, b };
}

function leave(...clients: PresenceClient[]) {
  for (const c of clients) c.destroy();
}

describe('[§4] typing indicator', () => {
  it('a participant typing reaches the other participant within 300 ms', async () => {
    const { a, b } = await bothInRoom();
    const latencies: number[] = [];
    for (let round = 0; round < 20; round++) {
      const started = performance.now();
      a.setTyping(true);
      await peerMatches(b, { typing: true }, DEADLINE_MS);
      latencies.push(performance.now() - started);
      a.setTyping(false);
      await peerMatches(b, { typing: false }, DEADLINE_MS);
    }
    latencies.sort((x, y) => x - y);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    console.info(
      `typing reached the other participant: p50 ${at(0.5).toFixed(1)} ms, ` +
        `p95 ${at(0.95).toFixed(1)} ms, max ${at(1).toFixed(1)} ms over ${latencies.length} rounds`,
    );
    expect(at(1)).toBeLessThan(DEADLINE_MS);
    leave(a, b);
  });

  it('typing stays on while the composer keeps changing and clears after the idle time', async () => {
    const idleMs = 250;
    const { a, b } = await bothInRoom({ typingIdleMs: idleMs });
    const seen: boolean[] = [];
    const unsubscribe = b.subscribe(() => seen.push(b.peer().typing));
    a.setTyping(true);
    await peerMatches(b, { typing: true }, DEADLINE_MS);
    // Keystrokes closer together than the idle time keep one typing burst alive.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, idleMs / 3));
      a.setTyping(true);
    }
    const lastKeystroke = performance.now();
    expect(seen).toEqual([true]);
    await peerMatches(b, { typing: false }, idleMs + DEADLINE_MS);
    const clearedAfter = performance.now() - lastKeystroke;
    console.info(
      `typing cleared ${clearedAfter.toFixed(0)} ms after the last keystroke (idle ${idleMs} ms)`,
    );
    expect(clearedAfter).toBeGreaterThanOrEqual(idleMs - 5);
    unsubscribe();
    leave(a, b);
  });

  it('typing clears when the message is sent', async () => {
    const { a, b } = await bothInRoom();
    a.setTyping(true);
    await peerMatches(b, { typing: true }, DEADLINE_MS);
    a.setTyping(false);
    await peerMatches(b, { typing: false, online: true }, DEADLINE_MS);
    leave(a, b);
  });

  it('typing and online clear when the typist closes the conversation', async () => {
    const { a, b } = await bothInRoom();
    a.setTyping(true);
    await peerMatches(b, { typing: true }, DEADLINE_MS);
    a.destroy();
    await peerMatches(b, { typing: false, online: false }, DEADLINE_MS);
    leave(b);
  });

  it('typing clears when the typist drops off without saying goodbye', async () => {
    const b = track(openPresence(server, bob, conversationId));
    const raw = await openRawSocket(
      presenceUrl(server, `conversation-${conversationId}`, alice.token),
    );
    raw.send(
      awarenessMessage([
        { clientId: 777_001, clock: 1, state: { user: alice.user, typing: true, active: true } },
      ]),
    );
    await peerMatches(b, { typing: true, online: true }, 2000);
    raw.ws.terminate();
    await peerMatches(b, { typing: false, online: false }, 2000);
    leave(b);
  });

  it('a participant whose connection drops is back online as soon as it reconnects', async () => {
    const sockets: InstanceType<typeof WebSocket>[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const a = track(
      openPresence(server, alice, conversationId, {
        WebSocketPolyfill: TrackedWebSocket as unknown as typeof globalThis.WebSocket,
      }),
    );
    const b = track(openPresence(server, bob, conversationId));
    await peerMatches(b, { online: true }, 5000);
    sockets.at(-1)?.terminate();
    await peerMatches(b, { online: false }, 2000);
    // The server still knows Alice's last clock; without a fresh one it would ignore her
    // until the next 15 s renewal.
    await peerMatches(b, { online: true }, 3000);
    expect(sockets.length).toBe(2);
    leave(a, b);
  });

  it('whether the other participant has the window focused reaches the other side', async () => {
    const { a, b } = await bothInRoom();
    expect(b.peer().active).toBe(false);
    a.setActive(true);
    await peerMatches(b, { active: true }, DEADLINE_MS);
    a.setActive(false);
    await peerMatches(b, { active: false, online: true }, DEADLINE_MS);
    leave(a, b);
  });
});

describe('[§4] awareness carries the sender’s own identity only', () => {
  it('drops a state claiming another user and stamps the account’s display name', async () => {
    const doc = new Y.Doc();
    const observer = new WebsocketProvider(
      `${server.url.replace(/^http/, 'ws')}/yjs`,
      `conversation-${conversationId}`,
      doc,
      {
        params: { token: bob.token },
        WebSocketPolyfill: wsPolyfill,
        disableBc: true,
      },
    );
    track(observer);
    observer.awareness.setLocalState({ user: bob.user, typing: false, active: true });
    const seen: { clientId: number; state: unknown }[] = [];
    observer.awareness.on('change', () => {
      for (const [clientId, state] of observer.awareness.getStates()) {
        if (clientId !== doc.clientID) seen.push({ clientId, state: structuredClone(state) });
      }
    });
    await waitFor(() => observer.synced, { timeoutMs: 5000, what: 'observer synced' });

    const raw = await openRawSocket(
      presenceUrl(server, `conversation-${conversationId}`, alice.token),
    );
    // Claims to be Bob; then tries to take over Bob's own client id; then tells the truth.
    raw.send(
      awarenessMessage([
        { clientId: 777_002, clock: 1, state: { user: bob.user, typing: true, active: true } },
      ]),
    );
    raw.send(
      awarenessMessage([
        {
          clientId: doc.clientID,
          clock: 1_000,
          state: { user: alice.user, typing: true, active: true },
        },
      ]),
    );
    raw.send(
      awarenessMessage([
        {
          clientId: 777_002,
          clock: 2,
          state: {
            user: { userId: alice.user.userId, displayName: 'Mallory' },
            typing: true,
            active: false,
            html: '<b>',
          },
        },
      ]),
    );
    const truthful = await waitFor(() => observer.awareness.getStates().get(777_002), {
      timeoutMs: 2000,
      what: 'Alice’s truthful state',
    });
    expect(truthful).toEqual({
      user: { userId: alice.user.userId, displayName: 'Alice' },
      typing: true,
      active: false,
    });
    // The claim to be Bob was dropped whole, not relabelled as Alice.
    expect(seen.filter((s) => s.clientId === 777_002).map((s) => s.state)).toEqual([truthful]);
    expect(observer.awareness.getLocalState()).toEqual({
      user: bob.user,
      typing: false,
      active: true,
    });
    raw.ws.close();
    observer.destroy();
  });
});
