// [S3.4] The poke subscription: one poke on every (re)connection, one per change, and
// it ends when its session does.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { createUser, rest, trpcClient, trpcRealtimeClient, waitFor } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { signInAgain } from '../sync/support.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ label: 'poke', env: { SESSION_RECHECK_MS: '100' } });
});
afterAll(() => server?.dispose());

it('[S3.4] pokes once on connect and again when a message arrives for the user', async () => {
  const [alice, bob] = await Promise.all([
    createUser(server.url, 'Alice'),
    createUser(server.url, 'Bob'),
  ]);
  const realtime = trpcRealtimeClient(server.url, bob.token);
  const reasons: string[] = [];
  const sub = realtime.client.sync.onPoke.subscribe(undefined, {
    onData: (e) => {
      if (e.data.reason !== 'presence') reasons.push(e.data.reason);
    },
  });
  try {
    await waitFor(() => reasons.length === 1, { what: 'the connect poke' });
    expect(reasons).toEqual(['resume']);
    const created = await rest<{ conversation_id: number }>(
      server.url,
      'POST',
      '/api/v1/chat/conversations',
      {
        token: alice.token,
        body: { other_user_id: bob.user.userId },
      },
    );
    await waitFor(() => reasons.length === 2, { what: 'a poke for the new conversation' });
    await rest(server.url, 'POST', '/api/v1/chat/messages', {
      token: alice.token,
      body: { conversation_id: created.body.conversation_id, content: 'ping' },
    });
    await waitFor(() => reasons.length === 3, { what: 'a poke for the message' });
    expect(reasons.slice(1)).toEqual(['change', 'change']);
  } finally {
    sub.unsubscribe();
    realtime.close();
  }
});

it('[S3.4] a push pokes the other devices of both users but not the device that pushed', async () => {
  const [alice, bob] = await Promise.all([
    createUser(server.url, 'Alice'),
    createUser(server.url, 'Bob'),
  ]);
  const alicePhone = await signInAgain(server, alice);
  const created = await rest<{ conversation_id: number }>(
    server.url,
    'POST',
    '/api/v1/chat/conversations',
    { token: alice.token, body: { other_user_id: bob.user.userId } },
  );
  const devices = [alice, alicePhone, bob].map((user) => {
    const realtime = trpcRealtimeClient(server.url, user.token);
    const changes: number[] = [];
    let connected = false;
    const sub = realtime.client.sync.onPoke.subscribe(undefined, {
      onData: (e) => {
        if (e.data.reason === 'resume') connected = true;
        if (e.data.reason === 'change') changes.push(Date.now());
      },
    });
    return { realtime, sub, changes, isConnected: () => connected };
  });
  try {
    await waitFor(() => devices.every((d) => d.isConnected()), { what: 'three connect pokes' });
    await trpcClient(server.url, alice.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [
        {
          opId: randomUUID(),
          kind: 'send',
          conversation: { conversationId: created.body.conversation_id },
          clientMsgId: randomUUID(),
          content: 'from the laptop',
          messageType: 'text',
        },
      ],
    });
    const [laptop, phone, bobs] = devices;
    await waitFor(() => phone!.changes.length === 1 && bobs!.changes.length === 1, {
      what: "pokes for Alice's phone and for Bob",
    });
    // Pokes of one push are published together: had the laptop been poked, it would be by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(laptop!.changes).toEqual([]);
  } finally {
    for (const d of devices) {
      d.sub.unsubscribe();
      d.realtime.close();
    }
  }
});

it('a poke stream opened before a sign-out ends with UNAUTHORIZED', async () => {
  const carol = await createUser(server.url, 'Carol');
  const realtime = trpcRealtimeClient(server.url, carol.token);
  let errorCode: string | undefined;
  let connected = false;
  const sub = realtime.client.sync.onPoke.subscribe(undefined, {
    onData: () => (connected = true),
    onError: (err) => (errorCode = (err.data as { code?: string } | undefined)?.code),
  });
  try {
    await waitFor(() => connected, { what: 'the connect poke' });
    await trpcClient(server.url, carol.token).auth.logout.mutate();
    await waitFor(() => errorCode, { what: 'the stream to end' });
    expect(errorCode).toBe('UNAUTHORIZED');
  } finally {
    sub.unsubscribe();
    realtime.close();
  }
});
