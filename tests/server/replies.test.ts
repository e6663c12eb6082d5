// [§4a] Replies against the real server: a message names the one it answers, in the same
// conversation only; the quote shows the original's sender and first line, and says
// when the original was deleted; retried pushes store a reply once; REST reads and
// writes the reference as reply_to_id.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushOp } from '../../shared/sync/protocol.ts';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { rest, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Scene, startScene } from './support/actors.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';

let server: TestServer;
let probe: SqlProbe;
let scene: Scene;
let otherConversationId: number;

beforeAll(async () => {
  server = await startTestServer({ label: 'replies' });
  probe = await openSqlProbe(server.database.address);
  scene = await startScene(server.url);
  const created = await rest<{ conversation_id: number }>(
    server.url,
    'POST',
    '/api/v1/chat/conversations',
    {
      token: scene.alice.token,
      body: { other_user_id: scene.carol.user.userId, conversation_type: 'general' },
    },
  );
  otherConversationId = created.body.conversation_id;
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

const send = (
  content: string,
  replyTo?: { messageId: number } | { clientMsgId: string },
  conversationId = scene.conversationId,
) => ({
  opId: randomUUID(),
  kind: 'send' as const,
  conversation: { conversationId },
  clientMsgId: randomUUID(),
  content,
  messageType: 'text' as const,
  ...(replyTo ? { replyTo } : {}),
});

async function push(token: string, ops: PushOp[]) {
  const { results } = await trpcClient(server.url, token).sync.push.mutate({
    protocolVersion: PROTOCOL_VERSION,
    ops,
  });
  return results;
}

function accepted(result: Awaited<ReturnType<typeof push>>[number] | undefined) {
  if (result?.status !== 'accepted' || !result.message) {
    throw new Error(`not accepted: ${JSON.stringify(result)}`);
  }
  return result.message;
}

async function storedReplyTo(clientMsgId: string): Promise<number | null | undefined> {
  const [row] = await probe.query<{ reply_to_id: number | null }>(
    'SELECT reply_to_id FROM messages WHERE client_msg_id = ?',
    [clientMsgId],
  );
  return row?.reply_to_id;
}

describe('[§4a] a reply', () => {
  it("quotes the original's sender and first line, to the sender and in the other's pull", async () => {
    const original = accepted(
      (await push(scene.bob.token, [send('Is Tuesday fine?\nOr Wednesday at 10.')]))[0],
    );
    const reply = accepted(
      (
        await push(scene.alice.token, [send('Tuesday works', { messageId: original.messageId })])
      )[0],
    );
    const quote = {
      messageId: original.messageId,
      senderId: scene.bob.user.userId,
      messageType: 'text',
      preview: 'Is Tuesday fine?',
      fileName: null,
      isDeleted: false,
    };
    expect(reply.replyTo).toEqual(quote);
    const page = await rest<{ messages: { message_id: number; reply_to_id: number | null }[] }>(
      server.url,
      'GET',
      `/api/v1/chat/conversations/${scene.conversationId}/messages`,
      { token: scene.bob.token },
    );
    const listed = page.body.messages.find((m) => m.message_id === reply.messageId);
    expect(listed?.reply_to_id).toBe(original.messageId);
  });

  it('to one’s own message sent earlier in the same push names it by its client id', async () => {
    const first = send('The quote is 3 hours');
    const answer = send('(including travel)', { clientMsgId: first.clientMsgId });
    const [sentFirst, sentAnswer] = await push(scene.alice.token, [first, answer]);
    const original = accepted(sentFirst);
    expect(accepted(sentAnswer).replyTo).toMatchObject({
      messageId: original.messageId,
      preview: 'The quote is 3 hours',
    });
    expect(await storedReplyTo(answer.clientMsgId)).toBe(original.messageId);
  });

  it('naming a message of another conversation, or none, is refused and stores nothing', async () => {
    const elsewhere = accepted(
      (await push(scene.alice.token, [send('hi Carol', undefined, otherConversationId)]))[0],
    );
    const stray = send('answering across conversations', { messageId: elsewhere.messageId });
    const unknown = send('answering nothing', { clientMsgId: randomUUID() });
    const results = await push(scene.alice.token, [stray, unknown]);
    for (const result of results) {
      expect(result).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
    }
    expect(await storedReplyTo(stray.clientMsgId)).toBeUndefined();
    expect(await storedReplyTo(unknown.clientMsgId)).toBeUndefined();
  });

  it('pushed twice is stored once, and the repeat answers as a duplicate with its quote', async () => {
    const original = accepted((await push(scene.bob.token, [send('Bring the tools?')]))[0]);
    const reply = send('Yes please', { messageId: original.messageId });
    const first = accepted((await push(scene.alice.token, [reply]))[0]);
    const [again] = await push(scene.alice.token, [{ ...reply, opId: randomUUID() }]);
    expect(again).toMatchObject({ status: 'accepted', duplicate: true });
    expect(accepted(again).replyTo).toEqual(first.replyTo);
    const [count] = await probe.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM messages WHERE client_msg_id = ?',
      [reply.clientMsgId],
    );
    expect(Number(count?.n)).toBe(1);
  });

  it('to a message deleted since says so, without its text', async () => {
    const originalOp = send('my address is 12 Elm St');
    const original = accepted((await push(scene.bob.token, [originalOp]))[0]);
    const reply = accepted(
      (await push(scene.alice.token, [send('thanks', { messageId: original.messageId })]))[0],
    );
    await push(scene.bob.token, [
      { opId: randomUUID(), kind: 'delete', clientMsgId: originalOp.clientMsgId },
    ]);
    const page = await trpcClient(server.url, scene.alice.token).messages.list.query({
      conversationId: scene.conversationId,
    });
    const listed = page.messages.find((m) => m.messageId === reply.messageId);
    expect(listed?.replyTo).toEqual({
      messageId: original.messageId,
      senderId: scene.bob.user.userId,
      messageType: 'text',
      preview: '',
      fileName: null,
      isDeleted: true,
    });
  });

  it('over REST names the original by reply_to_id', async () => {
    const original = accepted((await push(scene.bob.token, [send('Price?')]))[0]);
    const answer = await rest<{ reply_to_id: number | null }>(
      server.url,
      'POST',
      '/api/v1/chat/messages',
      {
        token: scene.alice.token,
        body: {
          conversation_id: scene.conversationId,
          content: '2 hours',
          reply_to_id: original.messageId,
        },
      },
    );
    expect(answer.status).toBe(201);
    expect(answer.body.reply_to_id).toBe(original.messageId);
    const refused = await rest(server.url, 'POST', '/api/v1/chat/messages', {
      token: scene.alice.token,
      body: { conversation_id: scene.conversationId, content: 'x', reply_to_id: 999_999_999 },
    });
    expect(refused.status).toBe(400);
  });
});
