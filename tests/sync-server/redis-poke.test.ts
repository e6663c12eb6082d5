// [S3.9] With REDIS_URL set, a change made through one server process pokes a client
// connected to another process over the same database.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser, rest, trpcRealtimeClient, waitFor } from '../support/clients.ts';
import { type ProcessServer, startProcessServer } from '../support/process-server.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let first: TestServer;
let second: ProcessServer;

beforeAll(async () => {
  first = await startTestServer({ label: 'redis', redisUrl: REDIS_URL });
  second = await startProcessServer({ DATABASE_URL: first.database.url, REDIS_URL });
}, 60_000);
afterAll(async () => {
  await second?.stop();
  await first?.dispose();
});

it('[S3.9] a message sent through one process pokes the recipient connected to the other', async () => {
  const alice = await createUser(first.url, 'Alice');
  const bob = await createUser(first.url, 'Bob');
  const realtime = trpcRealtimeClient(second.url, bob.token);
  const pokes: string[] = [];
  const subscription = realtime.client.sync.onPoke.subscribe(undefined, {
    onData: (event) => pokes.push(event.data.reason),
  });
  try {
    await waitFor(() => pokes.includes('resume'), { what: 'the first poke on connect' });
    const created = await rest<{ conversation_id: number }>(
      first.url,
      'POST',
      '/api/v1/chat/conversations',
      {
        token: alice.token,
        body: { other_user_id: bob.user.userId },
      },
    );
    await waitFor(() => pokes.includes('change'), { what: 'a poke for the new conversation' });
    const before = pokes.length;
    const sent = await rest(first.url, 'POST', '/api/v1/chat/messages', {
      token: alice.token,
      body: { conversation_id: created.body.conversation_id, content: 'across processes' },
    });
    expect(sent.status).toBe(201);
    await waitFor(() => pokes.length > before, { what: 'a poke for the message' });

    const pulled = await rest<{ messages: { content: string }[] }>(
      second.url,
      'GET',
      `/api/v1/chat/conversations/${created.body.conversation_id}/messages`,
      { token: bob.token },
    );
    expect(pulled.body.messages.map((m) => m.content)).toEqual(['across processes']);
  } finally {
    subscription.unsubscribe();
    realtime.close();
  }
});
