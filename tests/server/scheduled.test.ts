// [§4a][§3.11] Scheduled messages against real servers: held until their time and
// invisible to the other person until then; sent at their time as their sender, once,
// whichever of two instances takes them, also when the instance holding them is killed
// mid-delivery or every instance was down at the time (then late, and marked so); the
// last change made before the time wins, and a change after it is refused.
import { randomUUID } from 'node:crypto';
import { createConnection } from 'mariadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '../../server/db/connection.ts';
import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import {
  createUser,
  listenLive,
  rest,
  type TestUser,
  trpcClient,
  trpcRealtimeClient,
  waitFor,
} from '../support/clients.ts';
import { type FreshDatabase, freshDatabase } from '../support/database.ts';
import { type ProcessServer, startProcessServer } from '../support/process-server.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let database: FreshDatabase;
let probe: SqlProbe;
const instances: ProcessServer[] = [];
let ada: TestUser;
let ben: TestUser;
let conversationId: number;

const isRunning = (i: ProcessServer) => i.child.exitCode === null && i.child.signalCode === null;
const url = () => instances.find(isRunning)?.url ?? '';

beforeAll(async () => {
  database = await freshDatabase('scheduled');
  // Redis carries each instance's events to the other's streams.
  const env = { DATABASE_URL: database.url, DB_POOL_SIZE: '6', REDIS_URL };
  instances.push(...(await Promise.all([startProcessServer(env), startProcessServer(env)])));
  probe = await openSqlProbe(database.address);
  ada = await createUser(url(), 'Ada');
  ben = await createUser(url(), 'Ben');
  const created = await rest<{ conversation_id: number }>(
    url(),
    'POST',
    '/api/v1/chat/conversations',
    {
      token: ada.token,
      body: { other_user_id: ben.user.userId, conversation_type: 'general' },
    },
  );
  conversationId = created.body.conversation_id;
}, 60_000);

afterAll(async () => {
  for (const instance of instances) instance.child.kill('SIGKILL');
  await probe?.close();
  await database?.drop();
});

async function push(serverUrl: string, user: TestUser, ops: unknown[]) {
  return (
    await trpcClient(serverUrl, user.token).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops,
    })
  ).results;
}

const scheduleOp = (clientMsgId: string, content: string, dueAt: Date, at = new Date()) => ({
  opId: randomUUID(),
  kind: 'schedule' as const,
  conversation: { conversationId },
  clientMsgId,
  content,
  dueAt: dueAt.toISOString(),
  at: at.toISOString(),
});

const cancelOp = (clientMsgId: string, at = new Date()) => ({
  opId: randomUUID(),
  kind: 'cancelScheduled' as const,
  clientMsgId,
  at: at.toISOString(),
});

async function bensMessages() {
  const page = await rest<{
    messages: { client_msg_id: string; content: string; created_at: string }[];
  }>(url(), 'GET', `/api/v1/chat/conversations/${conversationId}/messages?limit=200`, {
    token: ben.token,
  });
  return page.body.messages;
}

async function storedCopies(clientMsgIds: readonly string[]) {
  const rows = await probe.query<{ client_msg_id: string; n: number }>(
    `SELECT client_msg_id, COUNT(*) AS n FROM messages
      WHERE sender_id = ? AND client_msg_id IN (${clientMsgIds.map(() => '?').join(', ')})
      GROUP BY client_msg_id`,
    [ada.user.userId, ...clientMsgIds],
  );
  return new Map(rows.map((r) => [r.client_msg_id, Number(r.n)]));
}

describe('[§4a] a scheduled message', () => {
  it('is hidden from the other person until its time, then sent once as its sender', async () => {
    const clientMsgId = randomUUID();
    const dueAt = new Date(Date.now() + 1500);
    const [accepted] = await push(url(), ada, [
      scheduleOp(clientMsgId, 'Reminder: lesson at 10', dueAt),
    ]);
    expect(accepted).toMatchObject({ status: 'accepted', scheduled: { state: 'scheduled' } });
    expect((await bensMessages()).some((m) => m.client_msg_id === clientMsgId)).toBe(false);
    const sent = await waitFor(
      async () => (await bensMessages()).find((m) => m.client_msg_id === clientMsgId),
      { timeoutMs: 10_000, what: 'the scheduled message sent' },
    );
    expect(sent.content).toBe('Reminder: lesson at 10');
    // Sent within about a second of its time.
    expect(Date.parse(sent.created_at)).toBeLessThan(dueAt.getTime() + 2000);
    const pulled = await trpcClient(url(), ada.token).sync.pull.query({
      protocolVersion: PROTOCOL_VERSION,
      cursor: null,
    });
    const message = pulled.changes.messages.find((m) => m.clientMsgId === clientMsgId);
    expect(message?.scheduledFor).toBe(dueAt.toISOString());
    expect((await storedCopies([clientMsgId])).get(clientMsgId)).toBe(1);
  });

  it('takes the last change made before its time, in whatever order changes arrive', async () => {
    const clientMsgId = randomUUID();
    const dueAt = new Date(Date.now() + 1500);
    const t = Date.now() - 10_000;
    const later = scheduleOp(clientMsgId, 'the later text', dueAt, new Date(t + 2000));
    const earlier = scheduleOp(clientMsgId, 'the earlier text', dueAt, new Date(t + 1000));
    await push(url(), ada, [later]);
    const [overtaken] = await push(url(), ada, [earlier]);
    expect(overtaken).toMatchObject({
      status: 'accepted',
      scheduled: { content: 'the later text' },
    });
    // And in the other order, on another scheduled message: the later change still wins.
    const otherId = randomUUID();
    await push(url(), ada, [scheduleOp(otherId, 'first made', dueAt, new Date(t + 1000))]);
    const [overtaking] = await push(url(), ada, [
      scheduleOp(otherId, 'made after', dueAt, new Date(t + 2000)),
    ]);
    expect(overtaking).toMatchObject({ status: 'accepted', scheduled: { content: 'made after' } });
    const sent = await waitFor(
      async () => (await bensMessages()).find((m) => m.client_msg_id === clientMsgId),
      { timeoutMs: 10_000, what: 'the changed message sent' },
    );
    expect(sent.content).toBe('the later text');
    // After its time a change is refused and says why; a retry of one made before is not.
    const [tooLate] = await push(url(), ada, [
      scheduleOp(clientMsgId, 'too late', dueAt, new Date()),
    ]);
    expect(tooLate).toMatchObject({ status: 'rejected', code: 'ALREADY_SENT' });
    expect((await push(url(), ada, [later]))[0]).toMatchObject({
      status: 'accepted',
      duplicate: true,
    });
    expect((await push(url(), ada, [cancelOp(clientMsgId)]))[0]).toMatchObject({
      code: 'ALREADY_SENT',
    });
  });

  it('once cancelled before its time, is never sent', async () => {
    const clientMsgId = randomUUID();
    await push(url(), ada, [scheduleOp(clientMsgId, 'never mind', new Date(Date.now() + 800))]);
    const [cancelled] = await push(url(), ada, [cancelOp(clientMsgId)]);
    expect(cancelled).toMatchObject({ status: 'accepted', scheduled: { state: 'cancelled' } });
    // A later message, scheduled after it, is sent: the cancelled one had its chance.
    const marker = randomUUID();
    await push(url(), ada, [scheduleOp(marker, 'marker', new Date(Date.now() + 1200))]);
    await waitFor(async () => (await bensMessages()).some((m) => m.client_msg_id === marker), {
      timeoutMs: 10_000,
      what: 'the marker sent',
    });
    expect((await storedCopies([clientMsgId])).get(clientMsgId)).toBeUndefined();
  });

  it('is refused for a conversation the sender is not in, or more than a year ahead', async () => {
    const carol = await createUser(url(), 'Carol');
    const [stranger] = await push(url(), carol, [scheduleOp(randomUUID(), 'hi', new Date())]);
    expect(stranger).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
    const farAhead = new Date(Date.now() + 400 * 24 * 3600 * 1000);
    const [tooFar] = await push(url(), ada, [scheduleOp(randomUUID(), 'hi', farAhead)]);
    expect(tooFar).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
  });
  it('may wait a hundred at a time for one user, counted whichever instance takes them', async () => {
    const later = new Date(Date.now() + 3600_000);
    const ids = Array.from({ length: 100 }, () => randomUUID());
    const [first, second] = instances as [ProcessServer, ProcessServer];
    // Pushed through both instances at once: the count is taken one push at a time.
    const answers = await Promise.all([
      push(
        first.url,
        ada,
        ids.slice(0, 60).map((id) => scheduleOp(id, 'later', later)),
      ),
      push(
        second.url,
        ada,
        ids.slice(60).map((id) => scheduleOp(id, 'later', later)),
      ),
    ]);
    expect(answers.flat().every((r) => r.status === 'accepted')).toBe(true);
    const [oneTooMany] = await push(url(), ada, [scheduleOp(randomUUID(), 'one too many', later)]);
    expect(oneTooMany).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
    // Taking one back makes room again; bringing a cancelled one back needs room too.
    await push(url(), ada, [cancelOp(ids[0] ?? '')]);
    const [revived] = await push(url(), ada, [scheduleOp(ids[0] ?? '', 'back', later)]);
    expect(revived).toMatchObject({ status: 'accepted', scheduled: { state: 'scheduled' } });
    expect(
      (await push(url(), ada, [scheduleOp(randomUUID(), 'still too many', later)]))[0],
    ).toMatchObject({
      status: 'rejected',
    });
    await push(
      url(),
      ada,
      ids.map((id) => cancelOp(id)),
    );
  });
});

describe('[§3.11] scheduled delivery across instances', () => {
  it('sends 200 messages due in the same second exactly once each, with two instances running', async () => {
    const dueAt = new Date(Date.now() + 2500);
    const ids = Array.from({ length: 200 }, () => randomUUID());
    // The pending limit is per user: 100 each from two senders.
    for (let i = 0; i < ids.length; i += 50) {
      const sender = i < 100 ? ada : ben;
      const results = await trpcClient(
        instances[(i / 50) % 2]?.url ?? url(),
        sender.token,
      ).sync.push.mutate({
        protocolVersion: PROTOCOL_VERSION,
        ops: ids.slice(i, i + 50).map((id) => ({ ...scheduleOp(id, `due together ${id}`, dueAt) })),
      });
      expect(results.results.every((r) => r.status === 'accepted')).toBe(true);
    }
    await waitFor(
      async () => {
        const [row] = await probe.query<{ n: number }>(
          `SELECT COUNT(*) AS n FROM scheduled_messages WHERE client_msg_id IN (${ids.map(() => '?').join(', ')}) AND state = 'sent'`,
          ids,
        );
        return Number(row?.n) === ids.length;
      },
      { timeoutMs: 20_000, what: 'all 200 sent' },
    );
    const [copies] = await probe.query<{ n: number; distinct_ids: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT client_msg_id) AS distinct_ids FROM messages
        WHERE client_msg_id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    expect({ n: Number(copies?.n), distinct: Number(copies?.distinct_ids) }).toEqual({
      n: 200,
      distinct: 200,
    });
  });

  it('after an instance died holding a round, some of it stored, the rest is sent once, its stored part marked, and the other person told', async () => {
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const inList = ids.map(() => '?').join(', ');
    await probe.execute(
      `INSERT INTO scheduled_messages (sender_id, client_msg_id, conversation_id, content, due_at, stamp, change_epoch)
       VALUES ${ids.map(() => "(?, ?, ?, ?, UTC_TIMESTAMP(3) + INTERVAL 1 HOUR, 'x', 1)").join(', ')}`,
      ids.flatMap((id) => [ada.user.userId, id, conversationId, `held ${id}`]),
    );
    const realtime = trpcRealtimeClient(url(), ben.token);
    const events: string[] = [];
    const stop = listenLive(realtime, (event) => {
      if (event.type === 'hello') events.push('hello');
      if (event.type === 'catchUp') events.push('catchUp');
      if (event.type === 'changes')
        events.push(...event.changes.messages.map((m) => m.clientMsgId));
    });
    await waitFor(() => events.includes('hello'), { what: 'Ben’s stream open' });
    const dying = await createConnection(connectionConfig(database.address));
    try {
      // The dying instance had stored the first three before it died.
      const stored = await push(
        url(),
        ada,
        ids.slice(0, 3).map((id) => ({
          opId: randomUUID(),
          kind: 'send',
          conversation: { conversationId },
          clientMsgId: id,
          content: `held ${id}`,
          messageType: 'text',
        })),
      );
      expect(stored.every((r) => r.status === 'accepted')).toBe(true);
      // Due now, and claimed by it: the other instances' rounds pass them by.
      await dying.query(
        `UPDATE scheduled_messages SET due_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND
          WHERE client_msg_id IN (${inList})`,
        ids,
      );
      await dying.beginTransaction();
      await dying.query(
        `SELECT client_msg_id FROM scheduled_messages WHERE client_msg_id IN (${inList}) FOR UPDATE`,
        ids,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const copiesWhileHeld = await storedCopies(ids);
      expect(ids.slice(3).some((id) => copiesWhileHeld.has(id))).toBe(false);
      events.length = 0;
      dying.destroy();
      await waitFor(
        async () => {
          const [row] = await probe.query<{ n: number }>(
            `SELECT COUNT(*) AS n FROM scheduled_messages WHERE state = 'sent' AND client_msg_id IN (${inList})`,
            ids,
          );
          return Number(row?.n) === ids.length;
        },
        { timeoutMs: 10_000, what: 'the held round sent' },
      );
      const copies = await storedCopies(ids);
      expect(ids.map((id) => copies.get(id))).toEqual(ids.map(() => 1));
      const [marked] = await probe.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM scheduled_messages s
           JOIN messages m ON m.message_id = s.message_id
          WHERE m.sender_id = s.sender_id AND m.client_msg_id = s.client_msg_id
            AND s.client_msg_id IN (${inList})`,
        ids,
      );
      expect(Number(marked?.n)).toBe(ids.length);
      // Ben heard: the rest live, and, for those stored before, to catch up.
      // Ben is told: live, or to catch up (the stored ones make the send a repeat); a
      // pull then brings every one.
      await waitFor(
        () => events.includes('catchUp') || ids.slice(3).every((id) => events.includes(id)),
        { what: 'Ben told of the held round' },
      );
      const pulled = await trpcClient(url(), ben.token).sync.pull.query({
        protocolVersion: PROTOCOL_VERSION,
        cursor: null,
      });
      const seen = new Set(pulled.changes.messages.map((m) => m.clientMsgId));
      expect(ids.every((id) => seen.has(id))).toBe(true);
    } finally {
      dying.destroy();
      stop();
      realtime.close();
    }
  });

  it('sends what a killed instance was sending once, through the other; and what was due while all were down, on start, late', async () => {
    // All due at once on both instances; one is killed as the sending starts.
    const dueAt = new Date(Date.now() + 2000);
    const ids = Array.from({ length: 100 }, () => randomUUID());
    await push(
      url(),
      ada,
      ids.map((id) => scheduleOp(id, `kill test ${id}`, dueAt)),
    );
    const [victim, survivor] = instances as [ProcessServer, ProcessServer];
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, dueAt.getTime() - Date.now() + 30)),
    );
    victim.child.kill('SIGKILL');
    await waitFor(
      async () => {
        const copies = await storedCopies(ids);
        return ids.every((id) => copies.get(id) === 1);
      },
      { timeoutMs: 20_000, what: 'every message sent once by the survivor' },
    );
    const copies = await storedCopies(ids);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);

    // Now every instance is down across a message's time.
    const lateId = randomUUID();
    const lateDue = new Date(Date.now() + 1000);
    await push(survivor.url, ada, [scheduleOp(lateId, 'sent late', lateDue)]);
    survivor.child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    instances.push(
      await startProcessServer({ DATABASE_URL: database.url, DB_POOL_SIZE: '6', REDIS_URL }),
    );
    const late = await waitFor(
      async () => (await bensMessages()).find((m) => m.client_msg_id === lateId),
      { timeoutMs: 15_000, what: 'the late message sent on start' },
    );
    expect(Date.parse(late.created_at)).toBeGreaterThan(lateDue.getTime() + 1000);
    const [row] = await probe.query<{ scheduled_for: Date }>(
      'SELECT scheduled_for FROM messages WHERE sender_id = ? AND client_msg_id = ?',
      [ada.user.userId, lateId],
    );
    expect(row?.scheduled_for.toISOString()).toBe(lateDue.toISOString());
  }, 90_000);
});
