// The tRPC transport against the real server: push/pull round trips, pokes over the
// WebSocket (also across a server restart), and errors mapped by code.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { TransportError } from '../../renderer/sync/transport.ts';
import { createTrpcTransport } from '../../renderer/sync/trpc-transport.ts';
import { createUsers, type SyncServer, startSyncServer, waitFor } from './support.ts';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer('transport');
});
afterAll(async () => {
  await server?.dispose();
});

const ws = WebSocket as unknown as typeof globalThis.WebSocket;

describe('tRPC sync transport', () => {
  test('[S3.2][S3.3] a pushed send comes back in the next pull', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const transport = createTrpcTransport({
      baseUrl: server.url,
      token: alice!.token,
      WebSocket: ws,
    });
    const clientConvId = randomUUID();
    const clientMsgId = randomUUID();
    const { results } = await transport.push([
      {
        opId: randomUUID(),
        kind: 'createConversation',
        clientConvId,
        otherUserId: bob!.user.userId,
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
      },
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
    const page = await transport.pull(null);
    expect(page.messages).toMatchObject([
      { clientMsgId, content: 'hi', senderId: alice!.user.userId },
    ]);
    expect(page.conversations).toHaveLength(1);
    const again = await transport.pull(page.cursor);
    expect(again).toMatchObject({ messages: [], hasMore: false });
    transport.close();
  });

  test('an invalid session is an auth error, on requests and on the subscription', async () => {
    const transport = createTrpcTransport({
      baseUrl: server.url,
      token: 'not-a-token',
      WebSocket: ws,
    });
    const failure = await transport.pull(null).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ kind: 'auth', code: 'UNAUTHENTICATED' });
    const errors: TransportError[] = [];
    transport.subscribe({
      onPoke: () => {},
      onConnectionChange: () => {},
      onError: (e) => errors.push(e),
    });
    await waitFor(() => errors.length > 0, { what: 'subscription error' });
    expect(errors[0]).toMatchObject({ kind: 'auth', code: 'UNAUTHENTICATED' });
    transport.close();
  });

  test('a server that is not there is a network error', async () => {
    const transport = createTrpcTransport({
      baseUrl: 'http://127.0.0.1:9',
      token: 'x',
      WebSocket: ws,
    });
    await expect(transport.pull(null)).rejects.toMatchObject({ kind: 'network', code: null });
  });

  test('a malformed request is refused for good, not retried', async () => {
    const [alice] = await createUsers(server, 'Alice');
    const transport = createTrpcTransport({
      baseUrl: server.url,
      token: alice!.token,
      WebSocket: ws,
    });
    await expect(transport.pull('garbage')).rejects.toMatchObject({
      kind: 'permanent',
      code: 'VALIDATION_FAILED',
    });
  });

  test('[S3.4] the subscription pokes on connect, on change, and again after a server restart; presence is not a poke', async () => {
    const [alice, bob] = await createUsers(server, 'Alice', 'Bob');
    const transport = createTrpcTransport({
      baseUrl: server.url,
      token: bob!.token,
      WebSocket: ws,
      reconnectDelayMs: (attempt) => Math.min(50 * attempt, 300),
    });
    const events: string[] = [];
    transport.subscribe({
      onPoke: () => events.push('poke'),
      onConnectionChange: (connected) => events.push(connected ? 'up' : 'down'),
      onPresence: () => events.push('presence'),
    });
    await waitFor(() => events.includes('presence'), { what: 'first poke and presence' });
    expect(events).toEqual(['up', 'poke', 'presence']);
    events.length = 0;
    events.push('up', 'poke');
    expect(events).toEqual(['up', 'poke']);

    const sender = createTrpcTransport({ baseUrl: server.url, token: alice!.token, WebSocket: ws });
    await sender.push([
      {
        opId: randomUUID(),
        kind: 'createConversation',
        clientConvId: randomUUID(),
        otherUserId: bob!.user.userId,
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
      },
    ]);
    await waitFor(() => events.filter((e) => e === 'poke').length >= 2, { what: 'poke on change' });

    await server.restart();
    await waitFor(() => events.includes('down') && events.at(-1) === 'presence', {
      what: 'reconnect after restart',
      timeoutMs: 15_000,
    });
    expect(events.slice(events.indexOf('down'))).toEqual(['down', 'up', 'poke', 'presence']);
    transport.close();
    sender.close();
  });
});
