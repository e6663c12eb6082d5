// DESIGN §7 end to end: two server processes over one database and one Redis, behind a
// real HAProxy; devices (the real sync engine and tRPC transport) connect only through
// it. One instance is SIGKILLed while the devices are messaging each other: each device
// it carried reconnects through the balancer to the survivor, catches up from its cursor
// and re-pushes its outbox, and every message arrives exactly once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SyncStatus } from '../../renderer/sync/api.ts';
import { createPrisma, type Db } from '../../server/db/prisma.ts';
import { createUser, rest, type TestUser, waitFor } from '../support/clients.ts';
import { type FreshDatabase, freshDatabase } from '../support/database.ts';
import { type BalancedServer, type Balancer, startBalancer } from '../support/haproxy.ts';
import { type ProcessServer, startProcessServer } from '../support/process-server.ts';
import {
  type Device,
  isDrained,
  openDevice,
  type StatusRegression,
  shownMessages,
} from '../sync/support.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NAMES = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay'];
// 6 devices × 40 rounds, one every 250 ms: 240 messages over about 10 s; the kill comes
// after a third of them.
const ROUNDS = 40;
const SEND_EVERY_MS = 250;
const KILL_AFTER_ROUND = 13;
const CONVERGE_TIMEOUT_MS = 30_000;
/** Delivered, or read: a device that replies marks what came before it read. */
const REACHED: ReadonlySet<string> = new Set(['delivered', 'read']);

interface Seat {
  user: TestUser;
  device: Device;
  /** Every status the device's engine reported, with when. */
  statuses: { at: number; connectivity: SyncStatus['connectivity'] }[];
  /** clientMsgId → times this device announced it as incoming. */
  announced: Map<string, number>;
  /** Local conversation key of the conversation with each other seat. */
  convKeys: Map<number, string>;
  /** clientMsgId → when a push carrying it was first answered. */
  answeredAt: Map<string, number>;
}

interface Sent {
  clientMsgId: string;
  round: number;
  from: number;
  to: number;
}

let database: FreshDatabase | undefined;
let sql: Db | undefined;
const instances: ProcessServer[] = [];
let balancer: Balancer | undefined;
const seats: Seat[] = [];
const regressions: StatusRegression[] = [];

beforeAll(async () => {
  database = await freshDatabase('failover');
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    // HAProxy connects from here: it may name the client, and is not counted as one.
    TRUSTED_PROXIES: '127.0.0.1',
    DB_POOL_SIZE: '4',
  };
  instances.push(...(await Promise.all([startProcessServer(env), startProcessServer(env)])));
  balancer = await startBalancer(instances.map((i) => i.url));
  sql = createPrisma(database.address, 2);
  const gateway = { url: balancer.url };
  const users = await Promise.all(NAMES.map((name) => createUser(gateway.url, name)));
  // One at a time, each live before the next: leastconn then sees every earlier socket.
  for (const [index, user] of users.entries()) {
    const announced = new Map<string, number>();
    const device = openDevice(gateway, user, NAMES[index] ?? `device${index}`, {
      regressions,
      onIncoming: ({ message }) =>
        announced.set(message.clientMsgId, (announced.get(message.clientMsgId) ?? 0) + 1),
    });
    const seat: Seat = {
      user,
      device,
      statuses: [],
      announced,
      convKeys: new Map(),
      answeredAt: new Map(),
    };
    const push = device.transport.push.bind(device.transport);
    device.transport.push = async (ops) => {
      const result = await push(ops);
      for (const op of ops) {
        if (op.kind === 'send' && !seat.answeredAt.has(op.clientMsgId)) {
          seat.answeredAt.set(op.clientMsgId, Date.now());
        }
      }
      return result;
    };
    device.engine.onStatus((status) =>
      seat.statuses.push({ at: Date.now(), connectivity: status.connectivity }),
    );
    seats.push(seat);
    await waitFor(() => device.engine.getStatus().connectivity === 'online', {
      what: `${device.name} online through the balancer`,
      timeoutMs: 15_000,
    });
  }
  // Made on the server, so both sides learn of each at once (one opened on a device
  // would stay there until its first message).
  for (const [i, seat] of seats.entries()) {
    for (const partner of seats.slice(i + 1)) {
      const created = await rest(balancer!.url, 'POST', '/api/v1/chat/conversations', {
        token: seat.user.token,
        body: { other_user_id: partner.user.user.userId, conversation_type: 'general' },
      });
      if (created.status !== 201) throw new Error(`conversation: ${created.status}`);
    }
  }
  const partners = seats.length - 1;
  await waitFor(
    async () => {
      for (const seat of seats) {
        const synced = await seat.device.db.conversations
          .filter((c) => c.serverId !== null)
          .count();
        if (synced !== partners || !(await isDrained(seat.device))) return false;
      }
      return true;
    },
    { what: 'every conversation created on the server and known to both sides', timeoutMs: 20_000 },
  );
  for (const seat of seats) {
    for (const [other, partner] of seats.entries()) {
      if (partner === seat) continue;
      const local = await seat.device.db.conversations
        .filter((c) => c.otherUserId === partner.user.user.userId)
        .first();
      if (!local) throw new Error(`no conversation with ${partner.user.user.displayName}`);
      seat.convKeys.set(other, local.key);
    }
  }
}, 90_000);

/** Resolves when `work` settles or after `ms`, whichever is first: clean-up goes on. */
function settledWithin(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}

afterAll(async () => {
  await settledWithin(10_000, Promise.allSettled(seats.map((s) => s.device.close())));
  await balancer?.stop();
  await Promise.allSettled(
    instances.map(async (instance) => {
      const timer = setTimeout(() => instance.child.kill('SIGKILL'), 5_000);
      await instance.stop();
      clearTimeout(timer);
    }),
  );
  await sql?.$disconnect();
  await database?.drop();
});

async function liveSessions(): Promise<BalancedServer[]> {
  if (!balancer) throw new Error('no balancer');
  return balancer.servers();
}

async function balancedServer(instance: ProcessServer): Promise<BalancedServer | undefined> {
  return (await liveSessions()).find((s) => s.url === instance.url);
}

test('DESIGN §7: without sticky sessions, the balancer spreads live devices over both instances', async () => {
  const spread = await waitFor(
    async () => {
      const servers = await liveSessions();
      const total = servers.reduce((n, s) => n + s.liveSessions, 0);
      return servers.every((s) => s.liveSessions > 0) && total >= seats.length ? servers : null;
    },
    { what: 'live sockets on both instances', timeoutMs: 10_000 },
  );
  expect(spread.map((s) => s.status)).toEqual(['UP', 'UP']);
});

test('DESIGN §7: an instance SIGKILLed mid-traffic loses nothing: its devices reconnect to the survivor, every message arrives exactly once and its sender sees it delivered', async () => {
  const [victim, survivor] = instances;
  if (!victim || !survivor || !balancer || !sql) throw new Error('not set up');
  const sent: Sent[] = [];
  let killedAt = 0;

  // Rounds: every device writes one message, to its partners in turn; the kill comes
  // right after a round's writes, while their pushes are on the way.
  for (let round = 0; round < ROUNDS; round++) {
    await Promise.all(
      seats.map(async (seat, from) => {
        const to = (from + 1 + ((round + from) % (seats.length - 1))) % seats.length;
        const convKey = seat.convKeys.get(to);
        if (!convKey) throw new Error(`no conversation ${from}→${to}`);
        const text = `${seat.device.name} → ${NAMES[to]}: ${round}`;
        const clientMsgId = await seat.device.engine.sendMessage(convKey, text);
        sent.push({ clientMsgId, round, from, to });
      }),
    );
    if (round === KILL_AFTER_ROUND) {
      killedAt = Date.now();
      victim.child.kill('SIGKILL');
    }
    await new Promise((resolve) => setTimeout(resolve, SEND_EVERY_MS));
  }

  // The devices the dead instance carried lost their connection; the others did not.
  const lostAt = (seat: Seat) =>
    seat.statuses.find((s) => s.at >= killedAt && s.connectivity === 'offline')?.at ?? null;
  const dropped = seats.filter((seat) => lostAt(seat) !== null);
  expect(dropped.length, 'devices that were on the killed instance').toBeGreaterThan(0);
  expect(dropped.length, 'devices that kept their connection to the survivor').toBeLessThan(
    seats.length,
  );
  const caughtByKill = sent.filter((m) => {
    const seat = seats[m.from];
    if (!seat || !dropped.includes(seat) || m.round > KILL_AFTER_ROUND) return false;
    return (seat.answeredAt.get(m.clientMsgId) ?? Number.POSITIVE_INFINITY) > killedAt;
  });
  expect(caughtByKill.length, 'sends on the way to the killed instance').toBeGreaterThan(0);

  await waitFor(async () => (await balancedServer(victim))?.status.startsWith('DOWN') === true, {
    what: 'the balancer marking the killed instance down',
    timeoutMs: 10_000,
  });
  await waitFor(() => seats.every((s) => s.device.engine.getStatus().connectivity !== 'offline'), {
    what: 'every device live again',
    timeoutMs: CONVERGE_TIMEOUT_MS,
  });
  const backAfterMs = dropped.map((seat) => {
    const lost = lostAt(seat) ?? killedAt;
    const back = seat.statuses.find((s) => s.at > lost && s.connectivity !== 'offline');
    return (back?.at ?? Date.now()) - killedAt;
  });
  expect(
    Math.max(...backAfterMs),
    'ms from the kill until every dropped device is live',
  ).toBeLessThan(10_000);
  await waitFor(
    async () => {
      const [dead, alive] = await Promise.all([balancedServer(victim), balancedServer(survivor)]);
      return dead?.liveSessions === 0 && (alive?.liveSessions ?? 0) >= seats.length;
    },
    { what: 'every device socket on the survivor', timeoutMs: 10_000 },
  );

  // Everything settles: outboxes empty, every message stored by both ends, every sender
  // seeing its messages delivered.
  const mine = (index: number) => sent.filter((m) => m.from === index || m.to === index);
  const isSettled = async () => {
    for (const [index, seat] of seats.entries()) {
      if (!(await isDrained(seat.device))) return false;
      const shown = new Map((await shownMessages(seat.device)).map((m) => [m.clientMsgId, m]));
      for (const m of mine(index)) {
        const row = shown.get(m.clientMsgId);
        if (!row || row.serverId === null) return false;
        if (m.from === index && !REACHED.has(row.shown)) return false;
      }
    }
    return true;
  };
  // On a timeout the assertions below name what is missing.
  await waitFor(isSettled, {
    what: 'every message on both ends and delivered',
    timeoutMs: CONVERGE_TIMEOUT_MS,
    intervalMs: 250,
  }).catch(() => false);

  const rows = await sql.message.findMany({
    select: { messageId: true, clientMsgId: true, status: true },
  });
  const serverIdOf = new Map(rows.map((r) => [r.clientMsgId ?? '', r.messageId]));
  expect(sent).toHaveLength(seats.length * ROUNDS);
  expect(rows, 'one database row per message sent').toHaveLength(sent.length);
  expect(serverIdOf.size, 'no client id twice in the database').toBe(sent.length);
  expect(
    sent.filter((m) => !serverIdOf.has(m.clientMsgId)),
    'messages missing from the database',
  ).toEqual([]);
  expect(
    rows.filter((r) => !REACHED.has(r.status ?? '')).map((r) => r.clientMsgId),
    'messages the database does not record as delivered',
  ).toEqual([]);

  for (const [index, seat] of seats.entries()) {
    const expected = mine(index);
    const stored = await shownMessages(seat.device);
    const byId = new Map(stored.map((m) => [m.clientMsgId, m]));
    const name = seat.device.name;
    expect(stored.map((m) => m.clientMsgId).sort(), `${name} holds exactly its messages`).toEqual(
      expected.map((m) => m.clientMsgId).sort(),
    );
    expect(
      expected.filter((m) => byId.get(m.clientMsgId)?.serverId !== serverIdOf.get(m.clientMsgId)),
      `${name} holds each message under the server's id`,
    ).toEqual([]);
    expect(
      stored.filter((m) => m.senderId === seat.user.user.userId && !REACHED.has(m.shown)),
      `${name} sees every message it sent delivered`,
    ).toEqual([]);
    const received = expected.filter((m) => m.to === index).map((m) => m.clientMsgId);
    expect(
      received.filter((id) => seat.announced.get(id) !== 1),
      `${name} announced every incoming message exactly once`,
    ).toEqual([]);
    expect([...seat.announced.keys()].sort(), `${name} announced nothing else`).toEqual(
      [...received].sort(),
    );
    expect(await seat.device.db.outbox.count(), `${name} outbox`).toBe(0);
  }
  expect(regressions, 'no status ever went backwards').toEqual([]);
}, 90_000);
