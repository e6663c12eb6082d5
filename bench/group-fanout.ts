// Group fan-out: one message in a 50-member group, every member connected, from the push
// until the last of the 49 others has it on its live stream. Members are protocol
// clients, one WebSocket each carrying their live stream and their pushes (as in
// realtime.ts); one message at a time from rotating senders, percentiles over messages.
// Same run, same server and connections: a two-person conversation among them (the
// baseline), the statements the server sends MariaDB per message (through a counting
// proxy) and the JSON of the live event each member receives. Then five of the members
// become real device engines (fake-indexeddb, in this process), timed until the last of
// them stored it; unlike bare streams they send receipts, whose statements, live events
// and IndexedDB writes are counted per message.
import { randomUUID } from 'node:crypto';
import { type LiveEvent, PROTOCOL_VERSION } from '../shared/sync/protocol.ts';
import { createUser, rest, trpcSocketClient, waitFor } from '../tests/support/clients.ts';
import { type Device, openDevice } from '../tests/sync/support.ts';
import type { SqlCounter } from './sql-counter.ts';
import {
  type BenchResults,
  messageText,
  percentile,
  startCountedBenchServer,
  type TestUser,
} from './support.ts';

const MEMBERS = 50;
const DEVICES = 5;
const DEADLINE_MS = 10_000;

const progress = (what: string) => process.stderr.write(`  groups: ${what}\n`);

interface Member {
  user: TestUser;
  socket: ReturnType<typeof trpcSocketClient> | null;
  isLive: boolean;
}

/** One message on its way: who has yet to see it on their stream, or to store it. */
interface Delivery {
  live: Set<number>;
  stored: Set<number>;
  firstLiveAt: number | null;
  lastLiveAt: number;
  lastStoredAt: number;
  /** JSON of the live events that brought it, summed over its receivers. */
  eventBytes: number;
  settle: () => void;
}

interface Samples {
  last: number[];
  first: number[];
  ack: number[];
  stored: number[];
  eventBytes: number;
}

const percentileOf = (values: number[], at: number) =>
  percentile(
    [...values].sort((x, y) => x - y),
    at,
  );

function createTracker() {
  const pending = new Map<string, Delivery>();
  let events = 0;
  const done = (d: Delivery, clientMsgId: string) => {
    if (d.live.size > 0 || d.stored.size > 0) return;
    pending.delete(clientMsgId);
    d.settle();
  };
  return {
    /** Live `changes` events the bare streams received, of any kind. */
    events: () => events,
    /** Resolves once every named stream and device has the message. */
    expect(clientMsgId: string, live: readonly number[], stored: readonly number[]) {
      const arrival = new Promise<Delivery>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(clientMsgId);
          reject(
            new Error(
              `not delivered in ${DEADLINE_MS} ms: ${delivery.live.size} streams and ${delivery.stored.size} devices still waiting`,
            ),
          );
        }, DEADLINE_MS);
        const delivery: Delivery = {
          live: new Set(live),
          stored: new Set(stored),
          firstLiveAt: null,
          lastLiveAt: 0,
          lastStoredAt: 0,
          eventBytes: 0,
          settle: () => {
            clearTimeout(timer);
            resolve(delivery);
          },
        };
        pending.set(clientMsgId, delivery);
      });
      // Rejected while the push is still awaited: not unhandled, thrown when awaited.
      arrival.catch(() => undefined);
      return arrival;
    },
    onLive(userId: number, event: Extract<LiveEvent, { type: 'changes' }>) {
      const now = performance.now();
      events++;
      let bytes: number | null = null;
      for (const m of event.changes.messages) {
        const d = pending.get(m.clientMsgId);
        if (!d?.live.delete(userId)) continue;
        d.firstLiveAt ??= now;
        d.lastLiveAt = now;
        bytes ??= Buffer.byteLength(JSON.stringify(event));
        d.eventBytes += bytes;
        done(d, m.clientMsgId);
      }
    },
    onStored(userId: number, clientMsgId: string) {
      const d = pending.get(clientMsgId);
      if (!d?.stored.delete(userId)) return;
      d.lastStoredAt = performance.now();
      done(d, clientMsgId);
    },
  };
}

type Tracker = ReturnType<typeof createTracker>;

function connect(url: string, member: Member, tracker: Tracker): void {
  const socket = trpcSocketClient(url, member.user.token);
  const userId = member.user.user.userId;
  member.socket = socket;
  socket.trpc.sync.live.subscribe(
    { protocolVersion: PROTOCOL_VERSION },
    {
      onData: (event) => {
        if (event.type === 'hello') member.isLive = true;
        if (event.type === 'changes') tracker.onLive(userId, event);
      },
    },
  );
}

/** Statements the server sent MariaDB during `work`, per message. Pools open their
 * connections in the background (two SETs each): wait until they stop first. */
async function statementsPer(
  counter: SqlCounter,
  messages: number,
  work: () => Promise<void>,
): Promise<{ perMessage: number; byVerb: Record<string, number> }> {
  for (let sets = -1; sets !== (counter.counts().byVerb.SET ?? 0); ) {
    sets = counter.counts().byVerb.SET ?? 0;
    await new Promise((r) => setTimeout(r, 1000));
  }
  counter.reset();
  await work();
  const counts = counter.counts();
  return { perMessage: counts.statements / messages, byVerb: counts.byVerb };
}

export async function benchGroupFanout(scale = 1): Promise<BenchResults> {
  // A stream rechecks its session on a clock (30 s by default): time, not messages.
  const server = await startCountedBenchServer('groups', { SESSION_RECHECK_MS: '600000' });
  const members: Member[] = [];
  const devices: Device[] = [];
  const tracker = createTracker();
  try {
    for (let i = 0; i < MEMBERS; i += 25) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(25, MEMBERS - i) }, (_, j) =>
          createUser(server.url, `Member ${i + j}`),
        ),
      );
      members.push(...wave.map((user) => ({ user, socket: null, isLive: false })));
    }
    for (const member of members) connect(server.url, member, tracker);
    await waitFor(() => members.every((m) => m.isLive), {
      timeoutMs: 30_000,
      what: `${MEMBERS} members connected`,
    });
    const idOf = (m: Member) => m.user.user.userId;
    const socketOf = (m: Member) => {
      if (!m.socket) throw new Error(`${m.user.user.displayName} is not connected`);
      return m.socket.trpc;
    };

    const [creator, partner] = members;
    if (!creator || !partner) throw new Error('no members');
    const opId = randomUUID();
    const arrived = tracker.expect(opId, members.slice(1).map(idOf), []);
    const created = await socketOf(creator).sync.push.mutate({
      protocolVersion: PROTOCOL_VERSION,
      ops: [
        {
          opId,
          kind: 'createGroup',
          clientConvId: randomUUID(),
          title: 'Fan-out',
          memberIds: members.slice(1).map(idOf),
          conversationType: 'general',
          contextId: null,
          contextTitle: null,
        },
      ],
    });
    const [result] = created.results;
    const view = result?.status === 'accepted' ? result.conversation : undefined;
    if (!view) throw new Error(`group not created: ${JSON.stringify(result)}`);
    const { conversationId } = view;
    await arrived;
    const pair = await rest<{ conversation_id: number }>(
      server.url,
      'POST',
      '/api/v1/chat/conversations',
      { token: creator.user.token, body: { other_user_id: idOf(partner) } },
    );
    if (pair.status !== 201 && pair.status !== 200)
      throw new Error(`pair not created: ${pair.status}`);
    progress(`${MEMBERS} members connected, group ${conversationId} created`);

    /** Sends `count` messages one at a time; each waits for every receiver `pick` names. */
    const run = async (
      count: number,
      target: number,
      pick: (i: number) => { sender: Member; live: Member[]; stored: Member[] },
    ): Promise<Samples> => {
      const samples: Samples = { last: [], first: [], ack: [], stored: [], eventBytes: 0 };
      for (let i = 0; i < count; i++) {
        const { sender, live, stored } = pick(i);
        const clientMsgId = randomUUID();
        const delivered = tracker.expect(clientMsgId, live.map(idOf), stored.map(idOf));
        const sentAt = performance.now();
        const answer = await socketOf(sender).sync.push.mutate({
          protocolVersion: PROTOCOL_VERSION,
          ops: [
            {
              opId: randomUUID(),
              kind: 'send',
              conversation: { conversationId: target },
              clientMsgId,
              content: messageText(i),
              messageType: 'text',
            },
          ],
        });
        const ackAt = performance.now();
        if (answer.results[0]?.status !== 'accepted')
          throw new Error(`message ${i} not accepted: ${JSON.stringify(answer.results[0])}`);
        const d = await delivered;
        samples.ack.push(ackAt - sentAt);
        if (d.firstLiveAt !== null) samples.first.push(d.firstLiveAt - sentAt);
        if (live.length > 0) samples.last.push(d.lastLiveAt - sentAt);
        if (stored.length > 0) samples.stored.push(d.lastStoredAt - sentAt);
        samples.eventBytes += d.eventBytes;
      }
      return samples;
    };
    const inGroup =
      (pool: Member[], stored: Member[] = []) =>
      (i: number) => {
        const sender = pool[i % pool.length]!;
        return { sender, live: pool.filter((m) => m !== sender), stored };
      };
    const inPair = (i: number) =>
      i % 2 === 0
        ? { sender: creator, live: [partner], stored: [] }
        : { sender: partner, live: [creator], stored: [] };

    const count = Math.max(50, Math.round(200 * scale));
    await run(10, conversationId, inGroup(members));
    await run(10, pair.body.conversation_id, inPair);
    let group: Samples | undefined;
    const groupSql = await statementsPer(server.counter, count, async () => {
      group = await run(count, conversationId, inGroup(members));
    });
    let twoPerson: Samples | undefined;
    const pairSql = await statementsPer(server.counter, count, async () => {
      twoPerson = await run(count, pair.body.conversation_id, inPair);
    });
    if (!group || !twoPerson) throw new Error('no samples');
    progress(
      `${count} group messages: p50 ${percentileOf(group.last, 50).toFixed(1)} ms, statements ${JSON.stringify(groupSql)}`,
    );
    progress(`${count} two-person messages: statements ${JSON.stringify(pairSql)}`);

    // The last members trade their bare stream for a device engine of their own.
    const deviceMembers = members.slice(MEMBERS - DEVICES);
    const bare = members.slice(0, MEMBERS - DEVICES);
    let writes = 0;
    for (const member of deviceMembers) {
      member.socket?.close();
      member.socket = null;
      const userId = idOf(member);
      devices.push(
        openDevice({ url: server.url }, member.user, `device ${userId}`, {
          watchStatuses: false,
          onWriteTransaction: () => writes++,
          onIncoming: ({ message }) => tracker.onStored(userId, message.clientMsgId),
        }),
      );
    }
    await waitFor(
      async () => {
        const groups = await Promise.all(
          devices.map((d) => d.db.conversations.where('serverId').equals(conversationId).first()),
        );
        return groups.every((g) => g?.group !== undefined);
      },
      { timeoutMs: 30_000, what: 'every device has the group' },
    );
    await run(5, conversationId, inGroup(bare, deviceMembers));
    const storedCount = Math.max(25, Math.round(100 * scale));
    let withDevices: Samples | undefined;
    let eventsWithDevices = 0;
    let writesWithDevices = 0;
    const devicesSql = await statementsPer(server.counter, storedCount, async () => {
      const [events, written] = [tracker.events(), writes];
      withDevices = await run(storedCount, conversationId, inGroup(bare, deviceMembers));
      await Promise.all(devices.map((d) => d.engine.whenIdle()));
      eventsWithDevices = tracker.events() - events;
      writesWithDevices = writes - written;
    });
    if (!withDevices) throw new Error('no samples');
    progress(
      `${storedCount} group messages to ${DEVICES} devices: statements ${JSON.stringify(devicesSql)}`,
    );

    return {
      group_fanout_p50_ms: percentileOf(group.last, 50),
      group_fanout_p99_ms: percentileOf(group.last, 99),
      group_fanout_first_p50_ms: percentileOf(group.first, 50),
      group_fanout_ack_p50_ms: percentileOf(group.ack, 50),
      group_fanout_members: MEMBERS,
      group_fanout_messages: count,
      group_sql_statements_per_message: groupSql.perMessage,
      group_event_bytes_per_member: group.eventBytes / count / (MEMBERS - 1),
      group_event_bytes_per_message: group.eventBytes / count,
      group_fanout_pair_p50_ms: percentileOf(twoPerson.last, 50),
      group_fanout_pair_p99_ms: percentileOf(twoPerson.last, 99),
      group_sql_statements_per_pair_message: pairSql.perMessage,
      group_fanout_stored_p50_ms: percentileOf(withDevices.stored, 50),
      group_fanout_stored_p99_ms: percentileOf(withDevices.stored, 99),
      group_fanout_stored_live_p50_ms: percentileOf(withDevices.last, 50),
      group_sql_statements_per_message_with_devices: devicesSql.perMessage,
      group_live_events_per_member_per_message_with_devices:
        eventsWithDevices / storedCount / bare.length,
      group_idb_write_tx_per_message_per_device: writesWithDevices / storedCount / DEVICES,
    };
  } finally {
    await Promise.all(devices.map((d) => d.close()));
    for (const m of members) m.socket?.close();
    await server.dispose();
  }
}
