// [§2][§3.2][§5] Under concurrent calls the server keeps one row per thing: one
// conversation per (pair, type, context) and one message per (sender, client_msg_id);
// and history pages cover every message exactly once, in order.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { createUser, rest, type TestUser, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { pushMessages, type Scene, signInAgain, startScene } from './support/actors.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';

let server: TestServer;
let probe: SqlProbe;
let scene: Scene;

beforeAll(async () => {
  server = await startTestServer({ label: 'concurrency' });
  probe = await openSqlProbe(server.database.address);
  scene = await startScene(server.url);
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

interface ConversationAnswer {
  conversationId: number;
  created: boolean;
}

async function findOrCreate(
  via: 'rest' | 'trpc',
  caller: TestUser,
  other: TestUser,
  key: { type: 'general' | 'service' | 'request'; contextId: number | null },
): Promise<ConversationAnswer> {
  if (via === 'rest') {
    const answer = await rest<{ conversation_id: number }>(
      server.url,
      'POST',
      '/api/v1/chat/conversations',
      {
        token: caller.token,
        body: {
          other_user_id: other.user.userId,
          conversation_type: key.type,
          context_id: key.contextId,
        },
      },
    );
    if (answer.status !== 200 && answer.status !== 201)
      throw new Error(`REST answered ${answer.status}`);
    return { conversationId: answer.body.conversation_id, created: answer.status === 201 };
  }
  const result = await trpcClient(server.url, caller.token).conversations.findOrCreate.mutate({
    otherUserId: other.user.userId,
    conversationType: key.type,
    contextId: key.contextId,
  });
  return { conversationId: result.conversation.conversationId, created: result.created };
}

describe('[§2] find-or-create under 20 concurrent calls from both participants, REST and tRPC mixed', () => {
  it.each([
    { type: 'general' as const, contextId: null },
    { type: 'service' as const, contextId: 41 },
    { type: 'request' as const, contextId: 41 },
  ])('$type conversation (context $contextId) ends as exactly one row', async (key) => {
    const dan = await createUser(server.url, 'Dan');
    const eve = await createUser(server.url, 'Eve');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const [caller, other] = i % 2 === 0 ? [dan, eve] : [eve, dan];
        return findOrCreate(i % 4 < 2 ? 'rest' : 'trpc', caller, other, key);
      }),
    );

    const ids = new Set(answers.map((a) => a.conversationId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    const rows = await probe.query<{
      conversation_id: number;
      conversation_type: string;
      context_id: number | null;
    }>(
      `SELECT conversation_id, conversation_type, context_id FROM conversations
        WHERE (user1_id = ? AND user2_id = ?) OR (user1_id = ? AND user2_id = ?)`,
      [dan.user.userId, eve.user.userId, eve.user.userId, dan.user.userId],
    );
    expect(rows).toEqual([
      { conversation_id: [...ids][0], conversation_type: key.type, context_id: key.contextId },
    ]);
  });

  it('different types or contexts of the same pair stay different conversations', async () => {
    const fay = await createUser(server.url, 'Fay');
    const gus = await createUser(server.url, 'Gus');
    const keys = [
      { type: 'general' as const, contextId: null },
      { type: 'service' as const, contextId: 1 },
      { type: 'service' as const, contextId: 2 },
      { type: 'request' as const, contextId: 1 },
    ];
    const answers = await Promise.all(
      keys.flatMap((key) => [
        findOrCreate('rest', fay, gus, key),
        findOrCreate('trpc', gus, fay, key),
      ]),
    );
    expect(new Set(answers.map((a) => a.conversationId)).size).toBe(keys.length);
    expect(answers.filter((a) => a.created)).toHaveLength(keys.length);
  });
});

describe('[§3.2] idempotent send under 20 concurrent retries with one client_msg_id', () => {
  type Via = 'rest' | 'trpc';
  const send = async (via: Via, clientMsgId: string, content: string) => {
    if (via === 'rest') {
      const answer = await rest<{ message_id: number; content: string }>(
        server.url,
        'POST',
        '/api/v1/chat/messages',
        {
          token: scene.alice.token,
          body: { conversation_id: scene.conversationId, content, client_msg_id: clientMsgId },
        },
      );
      if (answer.status !== 200 && answer.status !== 201)
        throw new Error(`REST answered ${answer.status}`);
      return {
        messageId: answer.body.message_id,
        content: answer.body.content,
        created: answer.status === 201,
      };
    }
    const result = await trpcClient(server.url, scene.alice.token).messages.send.mutate({
      conversationId: scene.conversationId,
      content,
      clientMsgId,
    });
    return {
      messageId: result.message.messageId,
      content: result.message.content,
      created: result.created,
    };
  };

  it.each<{ name: string; via: (i: number) => Via }>([
    { name: 'REST', via: () => 'rest' },
    { name: 'tRPC', via: () => 'trpc' },
    { name: 'REST and tRPC mixed', via: (i) => (i % 2 === 0 ? 'rest' : 'trpc') },
  ])('over $name: one row, one 201, and every answer carries the same message', async ({ via }) => {
    const clientMsgId = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(via(i), clientMsgId, `attempt ${i}`)),
    );

    expect(new Set(answers.map((a) => a.messageId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.content)).size).toBe(1);
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    const rows = await probe.query<{ message_id: number; content: string }>(
      'SELECT message_id, content FROM messages WHERE client_msg_id = ?',
      [clientMsgId],
    );
    expect(rows).toEqual([{ message_id: answers[0]!.messageId, content: answers[0]!.content }]);
  });

  it('concurrent push batches repeating one send store it once', async () => {
    const clientMsgId = randomUUID();
    const op = {
      opId: randomUUID(),
      kind: 'send' as const,
      conversation: { conversationId: scene.conversationId },
      clientMsgId,
      content: 'pushed once',
      messageType: 'text' as const,
    };
    const client = trpcClient(server.url, scene.alice.token);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.sync.push.mutate({ protocolVersion: PROTOCOL_VERSION, ops: [op] }),
      ),
    );
    const results = answers.map((a) => a.results[0]!);
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    expect(results.filter((r) => r.status === 'accepted' && !r.duplicate)).toHaveLength(1);
    const ids = new Set(
      results.map((r) => (r.status === 'accepted' ? r.message?.messageId : null)),
    );
    expect(ids.size).toBe(1);
    const [row] = await probe.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM messages WHERE client_msg_id = ?',
      [clientMsgId],
    );
    expect(row!.n).toBe(1);
  });

  it('the same client_msg_id from another sender is another message', async () => {
    const clientMsgId = randomUUID();
    const [fromAlice, fromBob] = await Promise.all(
      [scene.alice, scene.bob].map((who) =>
        rest<{ message_id: number; sender_id: number }>(
          server.url,
          'POST',
          '/api/v1/chat/messages',
          {
            token: who.token,
            body: {
              conversation_id: scene.conversationId,
              content: 'same id',
              client_msg_id: clientMsgId,
            },
          },
        ),
      ),
    );
    expect([fromAlice!.status, fromBob!.status]).toEqual([201, 201]);
    expect(fromAlice!.body.message_id).not.toBe(fromBob!.body.message_id);
    expect(fromBob!.body.sender_id).toBe(scene.bob.user.userId);
  });
});

describe('[§3.7] an edit and a delete of one message from two devices at once', () => {
  it('the delete answers with the edited mark the row ends with, in every round', async () => {
    const otherDevice = trpcClient(server.url, await signInAgain(server.url, scene.alice));
    const device = trpcClient(server.url, scene.alice.token);
    const push = (client: typeof device, op: object) =>
      client.sync.push.mutate({ protocolVersion: PROTOCOL_VERSION, ops: [op] });
    for (let round = 0; round < 20; round++) {
      const clientMsgId = randomUUID();
      await push(device, {
        opId: randomUUID(),
        kind: 'send',
        conversation: { conversationId: scene.conversationId },
        clientMsgId,
        content: `round ${round}`,
        messageType: 'text',
      });
      const [, deleted] = await Promise.all([
        push(device, { opId: randomUUID(), kind: 'edit', clientMsgId, content: 'edited' }),
        push(otherDevice, { opId: randomUUID(), kind: 'delete', clientMsgId }),
      ]);
      const [row] = await probe.query<{ is_edited: number }>(
        'SELECT is_edited FROM messages WHERE client_msg_id = ?',
        [clientMsgId],
      );
      const result = deleted.results[0];
      expect(result?.status === 'accepted' && result.message).toMatchObject({
        isDeleted: true,
        isEdited: row!.is_edited === 1,
      });
    }
  });
});

describe('[§5] pagination covers 537 messages exactly once, in order', () => {
  const TOTAL = 537;
  let hana: TestUser;
  let conversationId: number;
  let expectedIds: number[];

  beforeAll(async () => {
    hana = await createUser(server.url, 'Hana');
    const ian = await createUser(server.url, 'Ian');
    const created = await trpcClient(server.url, hana.token).conversations.findOrCreate.mutate({
      otherUserId: ian.user.userId,
    });
    conversationId = created.conversation.conversationId;
    await pushMessages(server.url, hana.token, conversationId, TOTAL);
    const rows = await probe.query<{ message_id: number }>(
      'SELECT message_id FROM messages WHERE conversation_id = ? ORDER BY message_id',
      [conversationId],
    );
    expectedIds = rows.map((r) => r.message_id);
  });

  type Page = { ids: number[]; contents: string[]; hasMore: boolean };
  const restPage = async (
    limit: number | undefined,
    beforeId: number | undefined,
  ): Promise<Page> => {
    const query = new URLSearchParams();
    if (limit !== undefined) query.set('limit', String(limit));
    if (beforeId !== undefined) query.set('before_id', String(beforeId));
    const answer = await rest<{
      messages: { message_id: number; content: string }[];
      has_more: boolean;
    }>(server.url, 'GET', `/api/v1/chat/conversations/${conversationId}/messages?${query}`, {
      token: hana.token,
    });
    expect(answer.status).toBe(200);
    return {
      ids: answer.body.messages.map((m) => m.message_id),
      contents: answer.body.messages.map((m) => m.content),
      hasMore: answer.body.has_more,
    };
  };
  const trpcPage = async (
    limit: number | undefined,
    beforeId: number | undefined,
  ): Promise<Page> => {
    const page = await trpcClient(server.url, hana.token).messages.list.query({
      conversationId,
      ...(limit === undefined ? {} : { limit }),
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    return {
      ids: page.messages.map((m) => m.messageId),
      contents: page.messages.map((m) => m.content),
      hasMore: page.hasMore,
    };
  };

  /** Walks back from the newest page; returns every page in the order it came. */
  const walk = async (fetchPage: typeof restPage, limit: number | undefined) => {
    const pages: Page[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = await fetchPage(limit, beforeId);
      pages.push(page);
      if (!page.hasMore) return pages;
      beforeId = page.ids[0];
      if (pages.length > TOTAL) throw new Error('the walk does not end');
    }
  };

  it.each([
    { via: 'REST', limit: undefined, expectedPageSize: 50 },
    { via: 'REST', limit: 23, expectedPageSize: 23 },
    { via: 'REST', limit: 200, expectedPageSize: 200 },
    { via: 'tRPC', limit: undefined, expectedPageSize: 50 },
    { via: 'tRPC', limit: 29, expectedPageSize: 29 },
    { via: 'tRPC', limit: 200, expectedPageSize: 200 },
  ])(
    'over $via with limit $limit (pages of $expectedPageSize, oldest first in each)',
    async ({ via, limit, expectedPageSize }) => {
      const pages = await walk(via === 'REST' ? restPage : trpcPage, limit);

      expect(pages.length).toBe(Math.ceil(TOTAL / expectedPageSize));
      for (const page of pages.slice(0, -1)) expect(page.ids).toHaveLength(expectedPageSize);
      for (const page of pages) expect(page.ids).toEqual([...page.ids].sort((a, b) => a - b));
      const all = pages.reverse().flat();
      expect(all.flatMap((p) => p.ids)).toEqual(expectedIds);
      expect(all.flatMap((p) => p.contents)).toEqual(
        Array.from({ length: TOTAL }, (_, i) => `message ${i}`),
      );
    },
  );

  it('stays exact while new messages arrive during the walk', async () => {
    const first = await restPage(50, undefined);
    await pushMessages(server.url, hana.token, conversationId, 30, (i) => `late ${i}`);
    const pages = [first];
    let beforeId = first.ids[0];
    for (;;) {
      const page = await restPage(50, beforeId);
      pages.push(page);
      if (!page.hasMore) break;
      beforeId = page.ids[0];
    }
    expect(pages.reverse().flatMap((p) => p.ids)).toEqual(expectedIds);
  });
});
