// [S3.3] The pull cursor never skips a change, even when two transactions commit in the
// opposite order of the ids they took — the AUTO_INCREMENT pitfall, forced here.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrpcTransport } from '../../renderer/sync/trpc-transport.ts';
import { encodeCursor } from '../../server/sync/cursor.ts';
import type { PullResult } from '../../shared/sync/protocol.ts';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { createUser, type TestUser, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let u: TestUser;
let v: TestUser;
let w: TestUser;

beforeAll(async () => {
  server = await startTestServer({ label: 'cursor' });
  [u, v, w] = await Promise.all([
    createUser(server.url, 'Una'),
    createUser(server.url, 'Vic'),
    createUser(server.url, 'Wes'),
  ]);
});
afterAll(() => server?.dispose());

async function conversationWith(owner: TestUser, other: TestUser): Promise<number> {
  const { conversation } = await trpcClient(
    server.url,
    owner.token,
  ).conversations.findOrCreate.mutate({
    otherUserId: other.user.userId,
    conversationType: 'general',
  });
  return conversation.conversationId;
}

function send(from: TestUser, conversationId: number, content: string) {
  return trpcClient(server.url, from.token).sync.push.mutate({
    protocolVersion: PROTOCOL_VERSION,
    ops: [
      {
        opId: randomUUID(),
        kind: 'send',
        conversation: { conversationId },
        clientMsgId: randomUUID(),
        content,
        messageType: 'text',
      },
    ],
  });
}

async function pullAll(user: TestUser, cursor: string | null) {
  const client = trpcClient(server.url, user.token);
  const messages: PullResult['messages'] = [];
  let next = cursor;
  for (;;) {
    const page = await client.sync.pull.query({
      protocolVersion: PROTOCOL_VERSION,
      cursor: next,
      limit: 3,
    });
    messages.push(...page.messages);
    next = page.cursor;
    if (!page.hasMore) return { messages, cursor: next };
  }
}

/** Holds the next transaction on `conversationId` open just before it commits. */
function holdNextCommit(conversationId: number) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const isHeld = new Promise<void>((r) => (reached = r));
  server.services.apply.beforeCommit = async (id) => {
    if (id !== conversationId) return;
    server.services.apply.beforeCommit = undefined;
    reached();
    await released;
  };
  return { isHeld, release };
}

describe('pull cursor under out-of-order commits', () => {
  it('[S3.3] a message whose transaction commits after a later id was pulled is still pulled', async () => {
    const a = await conversationWith(u, v);
    const b = await conversationWith(u, w);
    const start = await pullAll(u, null);

    const hold = holdNextCommit(a);
    const slow = send(v, a, 'took the smaller id, commits last');
    await hold.isHeld;
    const fast = await send(w, b, 'took the larger id, commits first');
    const slowId = (await server.services.db.message.findFirst({ where: { conversationId: a } }))
      ?.messageId;
    expect(slowId).toBeUndefined(); // not visible yet: its transaction is open

    const middle = await pullAll(u, start.cursor);
    expect(middle.messages.map((m) => m.content)).toEqual(['took the larger id, commits first']);

    hold.release();
    const slowResult = await slow;
    const slowMessage =
      slowResult.results[0]?.status === 'accepted' ? slowResult.results[0].message : undefined;
    const fastMessage =
      fast.results[0]?.status === 'accepted' ? fast.results[0].message : undefined;
    expect(slowMessage && fastMessage && slowMessage.messageId < fastMessage.messageId).toBe(true);

    const after = await pullAll(u, middle.cursor);
    expect(after.messages.map((m) => m.content)).toEqual(['took the smaller id, commits last']);
  });

  it('[S3.3] changes to one conversation made while a pull runs are pulled exactly once', async () => {
    const c = await conversationWith(v, w);
    let cursor: string | null = null;
    const seen = new Map<string, number>();
    const count = (messages: PullResult['messages']) => {
      for (const m of messages.filter((m) => m.conversationId === c)) {
        seen.set(m.clientMsgId, (seen.get(m.clientMsgId) ?? 0) + 1);
      }
    };
    const writers = Promise.all(
      Array.from({ length: 40 }, (_, i) => send(i % 2 ? v : w, c, `m${i}`)),
    );
    let done = false;
    void writers.then(() => (done = true));
    while (!done) {
      const page = await pullAll(v, cursor);
      cursor = page.cursor;
      count(page.messages);
    }
    count((await pullAll(v, cursor)).messages);
    expect(seen.size).toBe(40);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('[S3.5] a receipt re-numbers the changed messages so the sender pulls the new status', async () => {
    const c = await conversationWith(u, w);
    await send(u, c, 'please read me');
    const before = await pullAll(u, null);
    const incoming = await pullAll(w, null);
    const message = incoming.messages.find((m) => m.content === 'please read me')!;
    await trpcClient(server.url, w.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [
        { opId: randomUUID(), kind: 'readUpTo', conversationId: c, messageId: message.messageId },
      ],
    });
    const after = await pullAll(u, before.cursor);
    expect(after.messages.map((m) => [m.content, m.status])).toEqual([['please read me', 'read']]);
  });

  it('rejects a cursor the server did not issue with BAD_REQUEST', async () => {
    await expect(
      trpcClient(server.url, u.token).sync.pull.query({
        protocolVersion: PROTOCOL_VERSION,
        cursor: 'not-a-cursor',
      }),
    ).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });
});

describe('pull cursor size', () => {
  it('[S3.3] a pull whose cursor covers thousands of conversations still goes through', async () => {
    const big = encodeCursor(new Map(Array.from({ length: 5000 }, (_, i) => [i + 1, 1000 + i])));
    expect(big.length).toBeGreaterThan(60_000);
    const transport = createTrpcTransport({ baseUrl: server.url, token: u.token });
    try {
      const page = await transport.pull(big);
      expect(page.hasMore).toBe(false);
    } finally {
      transport.close();
    }
  });
});
