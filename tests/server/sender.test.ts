// [§5] Nothing a client sends can choose the sender: REST accepts a `sender_id` (older
// clients send one) and ignores it; tRPC and push have no such field and refuse it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { rest } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Scene, startScene } from './support/actors.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';
import { callProcedure, resultOf } from './support/trpc-http.ts';

let server: TestServer;
let probe: SqlProbe;
let scene: Scene;

beforeAll(async () => {
  server = await startTestServer({ label: 'sender' });
  probe = await openSqlProbe(server.database.address);
  scene = await startScene(server.url);
});

afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

const storedSender = async (clientMsgId: string) =>
  probe.query<{ sender_id: number }>('SELECT sender_id FROM messages WHERE client_msg_id = ?', [
    clientMsgId,
  ]);

describe('[§5] REST POST /api/v1/chat/messages', () => {
  it.each([
    ['the other participant', () => scene.bob.user.userId],
    ['a stranger', () => scene.carol.user.userId],
    ['a user that does not exist', () => 999_999],
    ['a string', () => 'bob'],
    ['null', () => null],
  ])('with sender_id of %s stores the caller as sender', async (_label, senderId) => {
    const clientMsgId = randomUUID();
    const answer = await rest<{ sender_id: number }>(server.url, 'POST', '/api/v1/chat/messages', {
      token: scene.alice.token,
      body: {
        conversation_id: scene.conversationId,
        content: 'who sent this?',
        client_msg_id: clientMsgId,
        sender_id: senderId(),
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.sender_id).toBe(scene.alice.user.userId);
    expect(await storedSender(clientMsgId)).toEqual([{ sender_id: scene.alice.user.userId }]);
  });

  it('a sender_id in the query string is ignored too', async () => {
    const clientMsgId = randomUUID();
    const answer = await rest(
      server.url,
      'POST',
      `/api/v1/chat/messages?sender_id=${scene.bob.user.userId}`,
      {
        token: scene.alice.token,
        body: {
          conversation_id: scene.conversationId,
          content: 'query',
          client_msg_id: clientMsgId,
        },
      },
    );
    expect(answer.status).toBe(201);
    expect(await storedSender(clientMsgId)).toEqual([{ sender_id: scene.alice.user.userId }]);
  });

  it("a retry naming another sender returns the caller's message, not a new one", async () => {
    const clientMsgId = randomUUID();
    const body = {
      conversation_id: scene.conversationId,
      content: 'once',
      client_msg_id: clientMsgId,
    };
    const first = await rest<{ message_id: number }>(server.url, 'POST', '/api/v1/chat/messages', {
      token: scene.alice.token,
      body,
    });
    const retry = await rest<{ message_id: number; sender_id: number }>(
      server.url,
      'POST',
      '/api/v1/chat/messages',
      {
        token: scene.alice.token,
        body: { ...body, sender_id: scene.bob.user.userId },
      },
    );
    expect([first.status, retry.status]).toEqual([201, 200]);
    expect(retry.body).toMatchObject({
      message_id: first.body.message_id,
      sender_id: scene.alice.user.userId,
    });
    expect(await storedSender(clientMsgId)).toEqual([{ sender_id: scene.alice.user.userId }]);
  });
});

describe('[§5] tRPC and push', () => {
  it.each(['senderId', 'sender_id', 'userId'])(
    'messages.send refuses a %s field and stores nothing',
    async (field) => {
      const clientMsgId = randomUUID();
      const answer = await callProcedure(server.url, 'mutation', 'messages.send', {
        token: scene.alice.token,
        input: {
          conversationId: scene.conversationId,
          content: 'x',
          clientMsgId,
          [field]: scene.bob.user.userId,
        },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error?.data).toMatchObject({
        code: 'BAD_REQUEST',
        zodIssues: [expect.objectContaining({ code: 'unrecognized_keys', keys: [field] })],
      });
      expect(await storedSender(clientMsgId)).toEqual([]);
    },
  );

  it('a push send naming a sender is rejected for good and stores nothing', async () => {
    const clientMsgId = randomUUID();
    const answer = await callProcedure(server.url, 'mutation', 'sync.push', {
      token: scene.alice.token,
      input: {
        protocolVersion: PROTOCOL_VERSION,
        ops: [
          {
            opId: randomUUID(),
            kind: 'send',
            conversation: { conversationId: scene.conversationId },
            clientMsgId,
            content: 'x',
            messageType: 'text',
            senderId: scene.bob.user.userId,
          },
        ],
      },
    });
    expect(answer.status).toBe(200);
    expect(resultOf<{ results: unknown[] }>(answer).results).toEqual([
      expect.objectContaining({ status: 'rejected', code: 'VALIDATION_FAILED' }),
    ]);
    expect(await storedSender(clientMsgId)).toEqual([]);
  });

  it("bob's send stores bob whatever conversation side he is on", async () => {
    const clientMsgId = randomUUID();
    const answer = await callProcedure(server.url, 'mutation', 'messages.send', {
      token: scene.bob.token,
      input: { conversationId: scene.conversationId, content: 'from bob', clientMsgId },
    });
    expect(answer.status).toBe(200);
    expect(await storedSender(clientMsgId)).toEqual([{ sender_id: scene.bob.user.userId }]);
  });
});
