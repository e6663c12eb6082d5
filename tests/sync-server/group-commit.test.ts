// [S3.2][S3.3] Sends of concurrent pushes share transactions under load: every message is
// stored once, every conversation's version counts its messages exactly, and every
// participant hears every message with version steps that join up.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LiveEvent, PROTOCOL_VERSION, type PushResult } from '../../shared/sync/protocol.ts';
import { openSqlProbe, type SqlProbe } from '../server/support/sql-probe.ts';
import {
  createUser,
  listenLive,
  type TestUser,
  trpcClient,
  trpcRealtimeClient,
  trpcSocketClient,
  waitFor,
} from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let probe: SqlProbe;
beforeAll(async () => {
  server = await startTestServer({ label: 'groupcommit' });
  probe = await openSqlProbe(server.database.address);
});
afterAll(async () => {
  await probe?.close();
  await server?.dispose();
});

const send = (conversationId: number, content: string) => ({
  opId: randomUUID(),
  kind: 'send' as const,
  conversation: { conversationId },
  clientMsgId: randomUUID(),
  content,
  messageType: 'text' as const,
});

it('[S3.3] concurrent pushes into shared conversations: each message once, versions exact, every step joins', async () => {
  const people = await Promise.all(
    Array.from({ length: 6 }, (_, i) => createUser(server.url, `P${i}`)),
  );
  // Three conversations, each between two of them, both of whom write.
  const pairs: [TestUser, TestUser][] = [
    [people[0]!, people[1]!],
    [people[2]!, people[3]!],
    [people[4]!, people[5]!],
  ];
  const conversations = await Promise.all(
    pairs.map(async ([a, b]) => {
      const { conversation } = await trpcClient(
        server.url,
        a.token,
      ).conversations.findOrCreate.mutate({
        otherUserId: b.user.userId,
      });
      return conversation.conversationId;
    }),
  );
  const heard = new Map<number, LiveEvent[]>();
  const streams = people.map((person) => {
    const realtime = trpcRealtimeClient(server.url, person.token);
    const events: LiveEvent[] = [];
    heard.set(person.user.userId, events);
    const stop = listenLive(realtime, (e) => events.push(e));
    return () => {
      stop();
      realtime.close();
    };
  });
  try {
    await waitFor(() => [...heard.values()].every((e) => e.some((x) => x.type === 'hello')), {
      what: 'every stream',
    });
    const PER_PERSON = 20;
    /** Version steps each person's own push answers carried. */
    const answered = new Map<
      number,
      { conversationId: number; from: number | null; to: number }[]
    >();
    await Promise.all(
      pairs.flatMap(([a, b], c) =>
        [a, b].flatMap((person) =>
          Array.from({ length: PER_PERSON }, async (_, i) => {
            const result = await trpcClient(server.url, person.token).sync.push.mutate({
              protocolVersion: PROTOCOL_VERSION,
              ops: [send(conversations[c]!, `${person.user.displayName} ${i}`)],
            });
            const mine = answered.get(person.user.userId) ?? [];
            answered.set(person.user.userId, [...mine, ...result.versions]);
          }),
        ),
      ),
    );
    for (const [c, id] of conversations.entries()) {
      const [row] = await probe.query<{ n: number; version: number }>(
        `SELECT COUNT(*) AS n, (SELECT message_version FROM conversations WHERE conversation_id = ?) AS version
           FROM messages WHERE conversation_id = ?`,
        [id, id],
      );
      expect(row).toEqual({ n: 2 * PER_PERSON, version: 2 * PER_PERSON });
      for (const person of pairs[c]!) {
        const events = heard.get(person.user.userId)!;
        // What a device of this person holds: its stream plus its own push answers. The
        // steps must cover every version exactly, and the other's messages must all come.
        const coverage = () => {
          const steps = [
            ...events.flatMap((e) => (e.type === 'changes' ? e.changes.versions : [])),
            ...(answered.get(person.user.userId) ?? []),
          ].filter((s) => s.conversationId === id && s.from !== null);
          const versions = steps.flatMap((s) =>
            Array.from({ length: s.to - (s.from ?? 0) }, (_, k) => (s.from ?? 0) + k + 1),
          );
          return versions.sort((x, y) => x - y);
        };
        const theirs = () =>
          events
            .flatMap((e) => (e.type === 'changes' ? e.changes.messages : []))
            .filter((m) => m.conversationId === id && m.senderId !== person.user.userId);
        await waitFor(() => theirs().length === PER_PERSON && coverage().length >= 2 * PER_PERSON, {
          what: `${person.user.displayName} heard conversation ${c}`,
        });
        // A batch mixing both senders reaches both streams, so a version can be heard twice;
        // none may be missing.
        expect(new Set(coverage())).toEqual(
          new Set(Array.from({ length: 2 * PER_PERSON }, (_, k) => k + 1)),
        );
      }
    }
  } finally {
    for (const stop of streams) stop();
  }
});

it('[S3.3] batches spanning many conversations never deadlock: every concurrent send is accepted first time', async () => {
  const pairs = await Promise.all(
    Array.from({ length: 120 }, async (_, i) => {
      const [a, b] = await Promise.all([
        createUser(server.url, `Q${i}a`),
        createUser(server.url, `Q${i}b`),
      ]);
      const { conversation } = await trpcClient(
        server.url,
        a.token,
      ).conversations.findOrCreate.mutate({ otherUserId: b.user.userId });
      return { a, b, conversationId: conversation.conversationId };
    }),
  );
  // Over sockets, as the app pushes when live: fast enough to fill every batch.
  const sockets = pairs.flatMap(({ a, b }) =>
    [a, b].map((p) => trpcSocketClient(server.url, p.token)),
  );
  // A steady stream in a shuffled order, so batches catch varied sets of conversations
  // (all at once, every batch would hold all of them and they would simply queue).
  const pushes: Promise<PushResult>[] = [];
  for (let i = 0; i < 4000; i++) {
    if (i % 40 === 0) await new Promise((r) => setTimeout(r, 5));
    const pair = (i * 7919) % pairs.length;
    pushes.push(
      sockets[2 * pair + (i % 2)]!.trpc.sync.push.mutate({
        protocolVersion: PROTOCOL_VERSION,
        ops: [send(pairs[pair]!.conversationId, `m${i}`)],
      }),
    );
  }
  const answers = await Promise.all(pushes);
  for (const socket of sockets) socket.close();
  const statuses = answers.flatMap((answer) => answer.results.map((r) => r.status));
  expect(statuses.filter((s) => s !== 'accepted')).toEqual([]);
});
