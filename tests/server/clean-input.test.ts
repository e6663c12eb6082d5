// [§5 text] One rule for user text on every path that writes it (REST, tRPC, sync push,
// conversation creation): bad input gets a clear error naming the field and changes
// nothing; what is accepted is stored NFC, byte for byte what the sender's device keeps.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import { TEXT_PROBLEM_MESSAGE } from '../../shared/user-text.ts';
import { rest, waitFor } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Device, isDrained, openDevice } from '../sync/support.ts';
import { type Scene, startScene } from './support/actors.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';
import { callProcedure, resultOf } from './support/trpc-http.ts';

let server: TestServer;
let probe: SqlProbe;
let scene: Scene;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startTestServer({ label: 'cleaninput' });
  probe = await openSqlProbe(server.database.address);
  scene = await startScene(server.url);
});

afterAll(async () => {
  await Promise.all(devices.map((d) => d.close()));
  await probe?.close();
  await server?.dispose();
});

const BAD_CONTENT: [string, string, string][] = [
  ['NUL', 'a\u0000b', TEXT_PROBLEM_MESSAGE.control],
  ['a lone surrogate', 'a\uD800b', TEXT_PROBLEM_MESSAGE['lone-surrogate']],
  ['a C1 control', 'a\u009Bb', TEXT_PROBLEM_MESSAGE.control],
];
const BAD_NAMES: [string, string, string][] = [
  ...BAD_CONTENT,
  ['a right-to-left override', 'Bob\u202Egnp.exe', TEXT_PROBLEM_MESSAGE['bidi-control']],
  ['a line break', 'Bob\nAdmin', TEXT_PROBLEM_MESSAGE['line-break']],
];
/** "café" with a decomposed é, and what must be stored: its NFC form. */
const DECOMPOSED = 'cafe\u0301 cre\u0300me';
const COMPOSED = 'café crème';
const COMPOSED_HEX = Buffer.from(COMPOSED, 'utf8').toString('hex').toUpperCase();

async function storedContentHex(clientMsgId: string): Promise<string | undefined> {
  const [row] = await probe.query<{ hex: string }>(
    'SELECT HEX(content) AS hex FROM messages WHERE client_msg_id = ?',
    [clientMsgId],
  );
  return row?.hex;
}

/** Sends, and proves the refusal changed no row of any table. */
async function refusedWithoutWrites<T>(send: () => Promise<T>): Promise<T> {
  const before = await probe.rowCounts();
  const answer = await send();
  expect(await probe.rowCounts()).toEqual(before);
  return answer;
}

function pushOps(token: string, ops: unknown[]) {
  return callProcedure(server.url, 'mutation', 'sync.push', {
    token,
    input: { protocolVersion: PROTOCOL_VERSION, ops },
  });
}

const sendOp = (content: string, clientMsgId = randomUUID()) => ({
  opId: randomUUID(),
  kind: 'send',
  conversation: { conversationId: scene.conversationId },
  clientMsgId,
  content,
  messageType: 'text',
});

describe('[§5 text] bad message content gets a clear error and changes nothing', () => {
  it.each(BAD_CONTENT)('REST send with %s answers 400 naming content', async (_l, content, why) => {
    const answer = await refusedWithoutWrites(() =>
      rest<{ error: { code: string; fields: Record<string, string[]> } }>(
        server.url,
        'POST',
        '/api/v1/chat/messages',
        {
          token: scene.alice.token,
          body: { conversation_id: scene.conversationId, content, client_msg_id: randomUUID() },
        },
      ),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { content: [why] },
    });
  });

  it.each(BAD_CONTENT)(
    'tRPC messages.send with %s answers 400 naming content',
    async (_l, content, why) => {
      const answer = await refusedWithoutWrites(() =>
        callProcedure(server.url, 'mutation', 'messages.send', {
          token: scene.alice.token,
          input: { conversationId: scene.conversationId, content, clientMsgId: randomUUID() },
        }),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error?.data).toMatchObject({
        code: 'BAD_REQUEST',
        appCode: 'VALIDATION_FAILED',
        fields: { content: [why] },
      });
    },
  );

  it.each(BAD_CONTENT)(
    '[S3.2] a pushed send with %s is rejected for good, alone, naming content',
    async (_l, content, why) => {
      const bad = sendOp(content);
      const answer = await refusedWithoutWrites(() => pushOps(scene.alice.token, [bad]));
      // A push answers per operation (DESIGN §3.2): the batch is fine, the operation is not.
      expect(answer.status).toBe(200);
      expect(resultOf<{ results: unknown[] }>(answer).results).toEqual([
        {
          opId: bad.opId,
          status: 'rejected',
          code: 'VALIDATION_FAILED',
          reason: `content: ${why}`,
        },
      ]);
    },
  );

  it.each(BAD_CONTENT)(
    '[S3.7] a pushed edit to %s is rejected and leaves the message as it was',
    async (_l, content, why) => {
      const original = sendOp('before the edit');
      expect(
        resultOf<{ results: { status: string }[] }>(await pushOps(scene.alice.token, [original]))
          .results[0],
      ).toMatchObject({
        status: 'accepted',
      });
      const edit = { opId: randomUUID(), kind: 'edit', clientMsgId: original.clientMsgId, content };
      const answer = await refusedWithoutWrites(() => pushOps(scene.alice.token, [edit]));
      expect(resultOf<{ results: unknown[] }>(answer).results).toEqual([
        {
          opId: edit.opId,
          status: 'rejected',
          code: 'VALIDATION_FAILED',
          reason: `content: ${why}`,
        },
      ]);
      const [row] = await probe.query<{ content: string; is_edited: number | null }>(
        'SELECT content, is_edited FROM messages WHERE client_msg_id = ?',
        [original.clientMsgId],
      );
      expect(row).toEqual({ content: 'before the edit', is_edited: 0 });
    },
  );
});

describe('[§5 text] bad names and titles get a clear error and change nothing', () => {
  it.each(BAD_NAMES)(
    'REST register with %s in display_name answers 400 naming it',
    async (_l, name, why) => {
      const answer = await refusedWithoutWrites(() =>
        rest<{ error: { fields: Record<string, string[]> } }>(
          server.url,
          'POST',
          '/api/v1/auth/register',
          {
            body: {
              email: `n-${randomUUID()}@clean.test`,
              password: 'correct horse battery',
              display_name: name,
            },
          },
        ),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields).toEqual({ display_name: [why] });
    },
  );

  it.each(BAD_NAMES)(
    'tRPC auth.register with %s in displayName answers 400 naming it',
    async (_l, name, why) => {
      const answer = await refusedWithoutWrites(() =>
        callProcedure(server.url, 'mutation', 'auth.register', {
          input: {
            email: `n-${randomUUID()}@clean.test`,
            password: 'correct horse battery',
            displayName: name,
          },
        }),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error?.data.fields).toEqual({ displayName: [why] });
    },
  );

  it.each(BAD_NAMES)(
    'REST create conversation with %s in context_title answers 400 naming it',
    async (_l, title, why) => {
      const answer = await refusedWithoutWrites(() =>
        rest<{ error: { fields: Record<string, string[]> } }>(
          server.url,
          'POST',
          '/api/v1/chat/conversations',
          {
            token: scene.alice.token,
            body: {
              other_user_id: scene.bob.user.userId,
              conversation_type: 'service',
              context_id: 501,
              context_title: title,
            },
          },
        ),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields).toEqual({ context_title: [why] });
    },
  );

  it.each(BAD_NAMES)(
    'tRPC conversations.findOrCreate with %s in contextTitle answers 400 naming it',
    async (_l, title, why) => {
      const answer = await refusedWithoutWrites(() =>
        callProcedure(server.url, 'mutation', 'conversations.findOrCreate', {
          token: scene.alice.token,
          input: {
            otherUserId: scene.bob.user.userId,
            conversationType: 'service',
            contextId: 502,
            contextTitle: title,
          },
        }),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error?.data.fields).toEqual({ contextTitle: [why] });
    },
  );

  it.each(BAD_NAMES)(
    '[S3.2] a pushed createConversation with %s in contextTitle is rejected for good',
    async (_l, title, why) => {
      const create = {
        opId: randomUUID(),
        kind: 'createConversation',
        clientConvId: randomUUID(),
        otherUserId: scene.bob.user.userId,
        conversationType: 'service',
        contextId: 503,
        contextTitle: title,
      };
      const answer = await refusedWithoutWrites(() => pushOps(scene.alice.token, [create]));
      expect(resultOf<{ results: unknown[] }>(answer).results).toEqual([
        {
          opId: create.opId,
          status: 'rejected',
          code: 'VALIDATION_FAILED',
          reason: `contextTitle: ${why}`,
        },
      ]);
    },
  );

  it('a search with NUL answers 400 naming search', async () => {
    const answer = await rest<{ error: { fields: Record<string, string[]> } }>(
      server.url,
      'GET',
      '/api/v1/chat/conversations?search=a%00b',
      { token: scene.alice.token },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual({ search: [TEXT_PROBLEM_MESSAGE.control] });
  });
});

describe('[§5 text] what is accepted is stored NFC', () => {
  it('REST send stores and answers the composed form', async () => {
    const clientMsgId = randomUUID();
    const answer = await rest<{ content: string }>(server.url, 'POST', '/api/v1/chat/messages', {
      token: scene.alice.token,
      body: {
        conversation_id: scene.conversationId,
        content: DECOMPOSED,
        client_msg_id: clientMsgId,
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.content).toBe(COMPOSED);
    expect(await storedContentHex(clientMsgId)).toBe(COMPOSED_HEX);
  });

  it('tRPC messages.send stores and answers the composed form', async () => {
    const clientMsgId = randomUUID();
    const answer = await callProcedure(server.url, 'mutation', 'messages.send', {
      token: scene.alice.token,
      input: { conversationId: scene.conversationId, content: DECOMPOSED, clientMsgId },
    });
    expect(resultOf<{ message: { content: string } }>(answer)).toMatchObject({
      message: { content: COMPOSED },
    });
    expect(await storedContentHex(clientMsgId)).toBe(COMPOSED_HEX);
  });

  it('a pushed send stores the composed form', async () => {
    const op = sendOp(DECOMPOSED);
    const answer = await pushOps(scene.alice.token, [op]);
    expect(resultOf<{ results: unknown[] }>(answer).results[0]).toMatchObject({
      status: 'accepted',
      message: { content: COMPOSED },
    });
    expect(await storedContentHex(op.clientMsgId)).toBe(COMPOSED_HEX);
  });

  it('a display name and a context title are stored composed; Arabic and Hebrew names are kept as typed', async () => {
    for (const [sent, stored] of [
      ['Ame\u0301lie', 'Amélie'],
      ['محمد الأحمد', 'محمد الأحمد'],
      ['דנה לוי', 'דנה לוי'],
    ] as const) {
      const answer = await rest<{ user: { display_name: string } }>(
        server.url,
        'POST',
        '/api/v1/auth/register',
        {
          body: {
            email: `n-${randomUUID()}@clean.test`,
            password: 'correct horse battery',
            display_name: sent,
          },
        },
      );
      expect(answer.status).toBe(201);
      expect(answer.body.user.display_name).toBe(stored);
    }
    const created = await rest<{ conversation_id: number; context_title: string }>(
      server.url,
      'POST',
      '/api/v1/chat/conversations',
      {
        token: scene.alice.token,
        body: {
          other_user_id: scene.bob.user.userId,
          conversation_type: 'request',
          context_id: 504,
          context_title: DECOMPOSED,
        },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.context_title).toBe(COMPOSED);
    const [row] = await probe.query<{ hex: string }>(
      'SELECT HEX(context_title) AS hex FROM conversations WHERE conversation_id = ?',
      [created.body.conversation_id],
    );
    expect(row?.hex).toBe(COMPOSED_HEX);
  });
});

describe("[§3.1] the sender's local copy is what the server stores", () => {
  it('a decomposed message and context title written offline are kept composed, the same bytes the server stores after the push', async () => {
    const desk = openDevice(server, scene.alice, 'alice-desk');
    devices.push(desk);
    desk.goOffline();
    const convKey = await desk.engine.openConversation({
      otherUserId: scene.bob.user.userId,
      otherDisplayName: scene.bob.user.displayName,
      conversationType: 'service',
      contextId: 505,
      contextTitle: `  ${DECOMPOSED}\u0000`,
    });
    const clientMsgId = await desk.engine.sendMessage(convKey, `${DECOMPOSED}\u0007\r\n`);
    const localMessage = await desk.db.messages.get(clientMsgId);
    const localConversation = await desk.db.conversations.get(convKey);
    expect(localMessage?.content).toBe(COMPOSED);
    expect(localConversation?.contextTitle).toBe(COMPOSED);

    desk.goOnline();
    await waitFor(async () => (await isDrained(desk)) && (await storedContentHex(clientMsgId)), {
      what: 'the push to be stored',
    });
    const localHex = Buffer.from(localMessage?.content ?? '', 'utf8')
      .toString('hex')
      .toUpperCase();
    expect(await storedContentHex(clientMsgId)).toBe(localHex);
    const [conversation] = await probe.query<{ hex: string }>(
      `SELECT HEX(c.context_title) AS hex FROM conversations c
         JOIN messages m ON m.conversation_id = c.conversation_id WHERE m.client_msg_id = ?`,
      [clientMsgId],
    );
    expect(conversation?.hex).toBe(localHex);
    expect((await desk.db.messages.get(clientMsgId))?.content).toBe(COMPOSED);
  });
});
