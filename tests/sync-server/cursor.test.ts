// [S3.3] The pull cursor: one epoch, a few dozen characters whatever the user has, that
// never skips a change even when two transactions commit in the opposite order of the ids
// they took (the AUTO_INCREMENT pitfall, forced here); pages that walk what changed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import { PROTOCOL_VERSION, type PullResult, type SyncMessage } from '../../shared/sync/protocol.ts';
import { openSqlProbe, type SqlProbe } from '../server/support/sql-probe.ts';
import { createUser, type TestUser, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let probe: SqlProbe;
let u: TestUser;
let v: TestUser;
let w: TestUser;

beforeAll(async () => {
  server = await startTestServer({ label: 'cursor' });
  probe = await openSqlProbe(server.database.address);
  [u, v, w] = await Promise.all([
    createUser(server.url, 'Una'),
    createUser(server.url, 'Vic'),
    createUser(server.url, 'Wes'),
  ]);
});
afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

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

const sendOp = (conversationId: number, content: string) => ({
  opId: randomUUID(),
  kind: 'send' as const,
  conversation: { conversationId },
  clientMsgId: randomUUID(),
  content,
  messageType: 'text' as const,
});

function send(from: TestUser, conversationId: number, content: string) {
  return trpcClient(server.url, from.token).sync.push.mutate({
    protocolVersion: PROTOCOL_VERSION,
    ops: [sendOp(conversationId, content)],
  });
}

async function pullAll(user: TestUser, cursor: string | null, limit = 3) {
  const client = trpcClient(server.url, user.token);
  const messages: SyncMessage[] = [];
  const pages: PullResult[] = [];
  let next = cursor;
  for (;;) {
    const page = await client.sync.pull.query({
      protocolVersion: PROTOCOL_VERSION,
      cursor: next,
      limit,
    });
    pages.push(page);
    messages.push(...page.changes.messages);
    next = page.cursor;
    if (!page.hasMore) return { messages, cursor: next, pages };
  }
}

/** Holds the next transaction on `conversationId` open just before it commits. */
function holdNextCommit(conversationId: number) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const isHeld = new Promise<void>((r) => (reached = r));
  server.services.sync.beforeCommit = async (id) => {
    if (id !== conversationId) return;
    server.services.sync.beforeCommit = undefined;
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
    const [invisible] = await probe.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?',
      [a],
    );
    expect(Number(invisible!.n)).toBe(0); // its transaction is still open

    // A pull meanwhile may bring the committed message or not yet: it must not step over
    // the one still open.
    const middle = await pullAll(u, start.cursor);
    expect(middle.messages.map((m) => m.content)).not.toContain(
      'took the smaller id, commits last',
    );

    hold.release();
    const slowResult = await slow;
    const slowMessage =
      slowResult.results[0]?.status === 'accepted' ? slowResult.results[0].message : undefined;
    const fastMessage =
      fast.results[0]?.status === 'accepted' ? fast.results[0].message : undefined;
    expect(slowMessage && fastMessage && slowMessage.messageId < fastMessage.messageId).toBe(true);

    // A pass ends at the epoch it could seal, so what committed after it may come again
    // in the next one (devices store a repeat without writing): never less.
    const after = await pullAll(u, middle.cursor);
    const seen = new Set([...middle.messages, ...after.messages].map((m) => m.content));
    expect([...seen].sort()).toEqual(
      ['took the larger id, commits first', 'took the smaller id, commits last'].sort(),
    );
    expect(after.messages.map((m) => m.content)).toContain('took the smaller id, commits last');
  });

  it('[S3.3] changes to one conversation made while pulls run are all pulled, none skipped', async () => {
    const c = await conversationWith(v, w);
    let cursor: string | null = null;
    const seen = new Map<string, number>();
    const count = (messages: SyncMessage[]) => {
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
  });
});

describe('what a pull brings', () => {
  it('[S3.5] a receipt brings the sender one member row and no message again', async () => {
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
    expect(after.messages).toEqual([]);
    const wes = after.pages
      .flatMap((p) => p.changes.members)
      .find((m) => m.userId === w.user.userId);
    expect(wes).toMatchObject({
      conversationId: c,
      readUpTo: message.messageId,
      deliveredUpTo: message.messageId,
    });
    const [stored] = await probe.query<{ status: string }>(
      'SELECT status FROM messages WHERE message_id = ?',
      [message.messageId],
    );
    expect(stored?.status).toBe('read'); // the seed's column stays true for REST clients
  });

  it('[S3.3] a conversation with more messages than a page comes in pages, none skipped', async () => {
    const [pat, quinn] = await Promise.all([
      createUser(server.url, 'Pat'),
      createUser(server.url, 'Quinn'),
    ]);
    const c = await conversationWith(pat, quinn);
    const ops = Array.from({ length: 25 }, (_, i) => sendOp(c, `paged ${i}`));
    await trpcClient(server.url, pat.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops,
    });
    const { messages, pages } = await pullAll(quinn, null, 4);
    const paged = messages.filter((m) => m.conversationId === c).map((m) => m.content);
    expect(new Set(paged).size).toBe(25);
    expect(pages.length).toBeGreaterThan(6);
    // The conversation's version comes once its last page is in.
    const steps = pages.flatMap((p) => p.changes.versions).filter((s) => s.conversationId === c);
    expect(steps.at(-1)).toEqual({ conversationId: c, from: null, to: 25 });
  });

  it('[S3.3] a conversation the user left comes as removed', async () => {
    const c = await conversationWith(w, v);
    const { cursor } = await pullAll(v, null);
    await probe.execute(
      `UPDATE conversation_members SET left_at = NOW(3),
         change_epoch = (SELECT epoch FROM sync_clock WHERE id = 1)
       WHERE conversation_id = ? AND user_id = ?`,
      [c, v.user.userId],
    );
    const { pages } = await pullAll(v, cursor);
    expect(pages.flatMap((p) => p.changes.removed)).toEqual([c]);
    expect(
      pages.flatMap((p) => p.changes.conversations).map((x) => x.conversationId),
    ).not.toContain(c);
  });

  it('[S3.3] the cursor stays a few dozen characters however many conversations change', async () => {
    const many = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const other = await createUser(server.url, `Many ${i}`);
        return conversationWith(other, u);
      }),
    );
    const { cursor, pages } = await pullAll(u, null, 1000);
    const seen = new Set(
      pages.flatMap((p) => p.changes.conversations.map((x) => x.conversationId)),
    );
    for (const id of many) expect(seen.has(id)).toBe(true);
    expect(cursor.length).toBeLessThan(100);
    expect(Math.max(...pages.map((p) => p.cursor.length))).toBeLessThan(LIMITS.cursorMaxChars / 4);
  });
});

describe('[S3.9] errors a client must tell apart', () => {
  it('a cursor the server did not issue is an unknown cursor, not bad input', async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, c: [[1, 5]] })).toString('base64url');
    for (const cursor of ['not-a-cursor', forged]) {
      await expect(
        trpcClient(server.url, u.token).sync.pull.query({
          protocolVersion: PROTOCOL_VERSION,
          cursor,
        }),
      ).rejects.toMatchObject({ data: { appCode: 'UNKNOWN_CURSOR' } });
    }
  });

  it('a client of another protocol version is told so, on every sync call, and nothing is written', async () => {
    const client = trpcClient(server.url, u.token);
    const c = await conversationWith(u, v);
    const [before] = await probe.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages');
    const incompatible = {
      data: { appCode: 'PROTOCOL_INCOMPATIBLE', code: 'PRECONDITION_FAILED' },
    };
    await expect(
      client.sync.push.mutate({ protocolVersion: 1, ops: [sendOp(c, 'from an old app')] }),
    ).rejects.toMatchObject(incompatible);
    await expect(
      client.sync.pull.query({ protocolVersion: 1, cursor: null }),
    ).rejects.toMatchObject(incompatible);
    const [after] = await probe.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages');
    expect(after?.n).toEqual(before?.n);
  });
});
