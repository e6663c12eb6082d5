// The tRPC transport against the real server: push and pull round trips over HTTP and,
// once the live stream is up, over its WebSocket; the stream's events (also across a
// server restart); and errors mapped by code, never by text (DESIGN §3.9).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { TransportError } from '../../renderer/sync/transport.ts';
import { createTrpcTransport } from '../../renderer/sync/trpc-transport.ts';
import { bearerAuth } from '../../shared/platform/server-auth.ts';
import type { LiveEvent } from '../../shared/sync/protocol.ts';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { createUsers, type SyncServer, startSyncServer, waitFor } from './support.ts';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer('transport');
});
afterAll(async () => {
  await server?.dispose();
});

const ws = WebSocket as unknown as typeof globalThis.WebSocket;

const createOp = (clientConvId: string, otherUserId: number) => ({
  opId: randomUUID(),
  kind: 'createConversation' as const,
  clientConvId,
  otherUserId,
  conversationType: 'general' as const,
  contextId: null,
  contextTitle: null,
});

describe('tRPC sync transport', () => {
  test('[S3.2][S3.3] a pushed send comes back in the next pull, and then nothing more', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const transport = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth(alice!.token),
      WebSocket: ws,
    });
    const clientConvId = randomUUID();
    const clientMsgId = randomUUID();
    const { results, versions } = await transport.push([
      createOp(clientConvId, bob!.user.userId),
      {
        opId: randomUUID(),
        kind: 'send',
        conversation: { clientConvId },
        clientMsgId,
        content: 'hi',
        messageType: 'text',
      },
    ]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(versions).toEqual([{ conversationId: expect.any(Number), from: 0, to: 1 }]);
    const page = await transport.pull({ cursor: null });
    expect(page.changes.messages).toMatchObject([
      { clientMsgId, content: 'hi', senderId: alice!.user.userId, version: 1 },
    ]);
    expect(page.changes.conversations).toHaveLength(1);
    const again = await transport.pull({ cursor: page.cursor });
    expect(again.changes.messages).toEqual([]);
    expect(again.hasMore).toBe(false);
    transport.close();
  });

  test('[S3.9] a canonical client id: one differing only in letter case is the same message', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const transport = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth(alice!.token),
      WebSocket: ws,
    });
    const clientConvId = randomUUID();
    const clientMsgId = randomUUID();
    const send = (id: string) => ({
      opId: randomUUID(),
      kind: 'send' as const,
      conversation: { clientConvId },
      clientMsgId: id,
      content: 'once',
      messageType: 'text' as const,
    });
    const first = await transport.push([
      createOp(clientConvId, bob!.user.userId),
      send(clientMsgId),
    ]);
    const second = await transport.push([
      createOp(clientConvId, bob!.user.userId),
      send(clientMsgId.toUpperCase()),
    ]);
    expect(second.results[1]).toMatchObject({ status: 'accepted', duplicate: true });
    const [a, b] = [first.results[1], second.results[1]];
    expect(a?.status === 'accepted' && b?.status === 'accepted' && a.message?.messageId).toBe(
      b?.status === 'accepted' ? b.message?.messageId : 'not accepted',
    );
    transport.close();
  });

  test('an invalid session is an auth error, on requests and on the live stream', async () => {
    const transport = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth('not-a-token'),
      WebSocket: ws,
    });
    const failure = await transport.pull({ cursor: null }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ kind: 'auth', code: 'UNAUTHENTICATED' });
    const errors: TransportError[] = [];
    transport.subscribe({
      onEvent: () => {},
      onConnectionChange: () => {},
      onError: (e) => errors.push(e),
    });
    await waitFor(() => errors.length > 0, { what: 'stream error' });
    expect(errors[0]).toMatchObject({ kind: 'auth', code: 'UNAUTHENTICATED' });
    transport.close();
  });

  test('a server that is not there is a network error', async () => {
    const transport = createTrpcTransport({
      baseUrl: 'http://127.0.0.1:9',
      auth: bearerAuth('x'),
      WebSocket: ws,
    });
    await expect(transport.pull({ cursor: null })).rejects.toMatchObject({
      kind: 'network',
      code: null,
    });
  });

  test('[S3.9] an unknown cursor and an older protocol are told apart, and neither is bad input', async () => {
    const [alice] = await createUsers(server, 'Alice');
    const transport = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth(alice!.token),
      WebSocket: ws,
    });
    await expect(transport.pull({ cursor: 'garbage' })).rejects.toMatchObject({
      kind: 'permanent',
      code: 'UNKNOWN_CURSOR',
    });
    const old = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth(alice!.token),
      WebSocket: ws,
      protocolVersion: PROTOCOL_VERSION - 1,
    });
    await expect(old.pull({ cursor: null })).rejects.toMatchObject({
      kind: 'incompatible',
      code: 'PROTOCOL_INCOMPATIBLE',
    });
    const errors: TransportError[] = [];
    old.subscribe({
      onEvent: () => {},
      onConnectionChange: () => {},
      onError: (e) => errors.push(e),
    });
    await waitFor(() => errors.length > 0, { what: 'stream refused' });
    expect(errors[0]).toMatchObject({ kind: 'incompatible', code: 'PROTOCOL_INCOMPATIBLE' });
    transport.close();
    old.close();
  });

  test('[S3.3] the live stream says hello on connect, brings changes, and says hello again after a server restart', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const transport = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth(bob!.token),
      WebSocket: ws,
      reconnectDelayMs: (attempt) => Math.min(50 * attempt, 300),
    });
    const events: string[] = [];
    const received: LiveEvent[] = [];
    transport.subscribe({
      onEvent: (event) => {
        events.push(event.type);
        received.push(event);
      },
      onConnectionChange: (connected) => events.push(connected ? 'up' : 'down'),
    });
    await waitFor(() => events.includes('presence'), { what: 'hello and presence' });
    expect(events).toEqual(['up', 'hello', 'presence']);

    const sender = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth(alice!.token),
      WebSocket: ws,
    });
    await sender.push([createOp(randomUUID(), bob!.user.userId)]);
    await waitFor(() => events.includes('changes'), { what: 'the new conversation on the stream' });
    const changes = received.find((e) => e.type === 'changes');
    expect(changes).toMatchObject({
      changes: { conversations: [{ otherUser: { userId: alice!.user.userId } }] },
    });

    await server.restart();
    await waitFor(() => events.includes('down') && events.at(-1) === 'presence', {
      what: 'reconnect after restart',
      timeoutMs: 15_000,
    });
    expect(events.slice(events.indexOf('down'))).toEqual(['down', 'up', 'hello', 'presence']);
    transport.close();
    sender.close();
  });

  test('[S3.3] while the stream is up, pushes and pulls go over its socket, not HTTP', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    let httpCalls = 0;
    const counting: typeof fetch = (input, init) => {
      httpCalls++;
      return fetch(input, init);
    };
    const transport = createTrpcTransport({
      baseUrl: server.url,
      auth: bearerAuth(alice!.token),
      WebSocket: ws,
      fetch: counting,
    });
    await transport.pull({ cursor: null });
    expect(httpCalls).toBe(1);
    let isUp = false;
    transport.subscribe({ onEvent: () => {}, onConnectionChange: (c) => (isUp = c) });
    await waitFor(() => isUp, { what: 'the stream' });
    await transport.push([createOp(randomUUID(), bob!.user.userId)]);
    await transport.pull({ cursor: null });
    expect(httpCalls).toBe(1);
    transport.close();
  });
});
