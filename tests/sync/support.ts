// Builders for client-driven sync tests: a real server that can be restarted on the same
// port and database, and devices (the real engine on fake-indexeddb, the real tRPC
// transport over `ws`) whose network a test can break in precise ways.
import { randomBytes } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { WebSocket } from 'ws';
import type { IncomingMessage } from '../../renderer/sync/api.ts';
import { type ChatDatabase, type LocalMessage, openChatDatabase } from '../../renderer/sync/db.ts';
import { createSyncEngine, type SyncEngine } from '../../renderer/sync/engine.ts';
import {
  type SubscriptionHandlers,
  type SyncTransport,
  TransportError,
} from '../../renderer/sync/transport.ts';
import { createTrpcTransport } from '../../renderer/sync/trpc-transport.ts';
import { hashToken, newSessionToken } from '../../server/auth/tokens.ts';
import { createPrisma, type Db } from '../../server/db/prisma.ts';
import type { PushOp, PushResult } from '../../shared/sync/protocol.ts';
import { type ServerStatus, statusRank } from '../../shared/sync/status.ts';
import { createUser, rest, type TestUser, waitFor } from '../support/clients.ts';
import { type FreshDatabase, freshDatabase } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// --- server ---------------------------------------------------------------------------

export interface SyncServer {
  readonly url: string;
  /** A database client of the test's own, independent of server restarts. */
  readonly sql: Db;
  /** Stops the server and starts it again on the same port over the same database. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

// A restarted server must get its port back. Ports the kernel hands out for outgoing
// connections (and to servers asking for port 0) come from the ephemeral range, so one
// of those could take ours while the server is down: pick one below that range.
const STABLE_PORTS = { from: 20_000, to: 32_000 };

function isAddressInUse(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EADDRINUSE';
}

async function startOnStablePort(
  database: FreshDatabase,
  env: Record<string, string>,
): Promise<TestServer> {
  for (let attempt = 0; ; attempt++) {
    const port =
      STABLE_PORTS.from + Math.floor(Math.random() * (STABLE_PORTS.to - STABLE_PORTS.from));
    try {
      return await startTestServer({ database, port, env });
    } catch (error) {
      if (attempt >= 20 || !isAddressInUse(error)) throw error;
    }
  }
}

export async function startSyncServer(
  label = 'sync',
  env: Record<string, string> = {},
): Promise<SyncServer> {
  const database = await freshDatabase(label);
  let current: TestServer = await startOnStablePort(database, env);
  const { port } = current;
  const sql = createPrisma(database.address, 4);
  return {
    url: current.url,
    sql,
    async restart() {
      await current.close();
      current = await startTestServer({ database, port, env });
    },
    async dispose() {
      await sql.$disconnect();
      await current.close();
      await database.drop();
    },
  };
}

/** Restarts the test server on the same port and database; clients reconnect. */
export function restartServer(server: SyncServer): Promise<void> {
  return server.restart();
}

export interface ServerMessage {
  messageId: number;
  conversationId: number;
  senderId: number;
  clientMsgId: string;
  content: string;
  status: ServerStatus;
  isEdited: boolean;
  isDeleted: boolean;
}

/** The server's messages of the conversations between these users, in server order. */
export async function serverMessages(
  server: SyncServer,
  userIds: number[],
): Promise<ServerMessage[]> {
  const rows = await server.sql.message.findMany({
    where: {
      senderId: { in: userIds },
      conversation: { user1Id: { in: userIds }, user2Id: { in: userIds } },
    },
    orderBy: { messageId: 'asc' },
  });
  return rows.map((r) => ({
    messageId: r.messageId,
    conversationId: r.conversationId,
    senderId: r.senderId,
    clientMsgId: r.clientMsgId ?? '',
    content: r.content,
    status: r.status ?? 'sent',
    isEdited: Boolean(r.isEdited),
    isDeleted: Boolean(r.isDeleted),
  }));
}

// --- transport with faults ------------------------------------------------------------

export interface FaultyTransport extends SyncTransport {
  goOffline(): void;
  goOnline(): void;
  /** The next `count` pushes reach the server, which applies them; their answers are
   * lost on the way back. */
  dropNextPushResponse(count?: number): void;
  /** The next push reaches the server twice (a proxy retried it). */
  deliverNextPushTwice(): void;
  /** Pushes fail as if offline while pulls and pokes still work. */
  blockPushes(isBlocked: boolean): void;
  readonly pushCount: number;
}

function lost(what: string): TransportError {
  return new TransportError('network', null, `${what} (injected)`);
}

export function faultyTransport(inner: SyncTransport): FaultyTransport {
  let isOffline = false;
  let arePushesBlocked = false;
  let dropsLeft = 0;
  let duplicatesLeft = 0;
  let isInnerConnected = false;
  let pushCount = 0;
  let handlers: SubscriptionHandlers | null = null;

  return {
    get pushCount() {
      return pushCount;
    },
    async push(ops: PushOp[]): Promise<PushResult> {
      if (isOffline || arePushesBlocked) throw lost('offline');
      pushCount++;
      if (duplicatesLeft > 0) {
        duplicatesLeft--;
        await inner.push(ops);
      }
      const result = await inner.push(ops);
      if (dropsLeft > 0) {
        dropsLeft--;
        throw lost('push response lost');
      }
      if (isOffline) throw lost('went offline during push');
      return result;
    },
    async pull(cursor, limit) {
      if (isOffline) throw lost('offline');
      const page = await inner.pull(cursor, limit);
      if (isOffline) throw lost('went offline during pull');
      return page;
    },
    subscribe(h) {
      handlers = h;
      const stop = inner.subscribe({
        onPoke: () => {
          if (!isOffline) h.onPoke();
        },
        onConnectionChange: (connected) => {
          isInnerConnected = connected;
          if (!isOffline) h.onConnectionChange(connected);
        },
        onError: (error) => h.onError?.(error),
        onPresence: (event) => {
          if (!isOffline) h.onPresence?.(event);
        },
      });
      return () => {
        handlers = null;
        isInnerConnected = false;
        stop();
      };
    },
    close() {
      inner.close();
    },
    goOffline() {
      if (isOffline) return;
      isOffline = true;
      handlers?.onConnectionChange(false);
    },
    goOnline() {
      if (!isOffline) return;
      isOffline = false;
      if (isInnerConnected) handlers?.onConnectionChange(true);
    },
    dropNextPushResponse(count = 1) {
      dropsLeft += count;
    },
    deliverNextPushTwice() {
      duplicatesLeft++;
    },
    blockPushes(isBlocked) {
      arePushesBlocked = isBlocked;
    },
  };
}

// --- devices --------------------------------------------------------------------------

export interface StatusRegression {
  device: string;
  clientMsgId: string;
  from: ServerStatus;
  to: ServerStatus;
}

export interface Device {
  readonly name: string;
  readonly user: TestUser;
  readonly transport: FaultyTransport;
  readonly db: ChatDatabase;
  readonly engine: SyncEngine;
  goOffline(): void;
  goOnline(): void;
  dropNextPushResponse(count?: number): void;
  deliverNextPushTwice(): void;
  /** Stops the engine, closes and reopens its database, starts again. */
  restart(): Promise<void>;
  close(): Promise<void>;
  /** All of the device's messages: by conversation, then in display order. */
  messages(): Promise<LocalMessage[]>;
}

const isServerStatus = (s: unknown): s is ServerStatus =>
  s === 'sent' || s === 'delivered' || s === 'read';

/** Records every status change written to a device's database, so a test can prove no
 * status ever went backwards (DESIGN §3.5), not only that the end state is right. */
function watchStatuses(db: ChatDatabase, device: string, regressions: StatusRegression[]): void {
  db.messages.hook('updating', (modifications, _key, previous) => {
    const next = (modifications as Partial<LocalMessage>).status;
    if (isServerStatus(next) && isServerStatus(previous.status)) {
      if (statusRank(next) < statusRank(previous.status)) {
        regressions.push({
          device,
          clientMsgId: previous.clientMsgId,
          from: previous.status,
          to: next,
        });
      }
    }
  });
}

export interface DeviceOptions {
  regressions?: StatusRegression[];
  /** Record status regressions (a Dexie hook, which makes every write read the old row
   * first); on unless a benchmark wants the product's own write path. */
  watchStatuses?: boolean;
  /** Attached to every engine the device runs (restarts build a new one). */
  onIncoming?: (incoming: IncomingMessage) => void;
}

export function openDevice(
  server: SyncServer,
  user: TestUser,
  name: string,
  options: DeviceOptions = {},
): Device {
  const factory = new IDBFactory();
  const regressions = options.regressions ?? [];
  const transport = faultyTransport(
    createTrpcTransport({
      baseUrl: server.url,
      token: user.token,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      reconnectDelayMs: (attempt) => (attempt === 0 ? 0 : Math.min(25 * 2 ** attempt, 250)),
      resubscribeDelayMs: 100,
    }),
  );
  const open = () => {
    const db = openChatDatabase(user.user.userId, { indexedDB: factory, IDBKeyRange });
    if (options.watchStatuses ?? true) watchStatuses(db, name, regressions);
    return db;
  };
  const build = (db: ChatDatabase) => {
    const built = createSyncEngine({
      db,
      transport,
      userId: user.user.userId,
      backoff: { baseMs: 20, maxMs: 250 },
    });
    if (options.onIncoming) built.onIncoming(options.onIncoming);
    return built;
  };
  let db = open();
  let engine = build(db);
  engine.start();
  return {
    name,
    user,
    transport,
    get db() {
      return db;
    },
    get engine() {
      return engine;
    },
    goOffline: () => transport.goOffline(),
    goOnline: () => transport.goOnline(),
    dropNextPushResponse: (count) => transport.dropNextPushResponse(count),
    deliverNextPushTwice: () => transport.deliverNextPushTwice(),
    async restart() {
      await engine.stop();
      db.close();
      db = open();
      engine = build(db);
      engine.start();
    },
    async close() {
      await engine.stop();
      db.close();
      transport.close();
    },
    async messages() {
      return db.messages.orderBy('[convKey+sortKey]').toArray();
    },
  };
}

// --- scenarios ------------------------------------------------------------------------

export async function createUsers(server: SyncServer, ...names: string[]): Promise<TestUser[]> {
  return Promise.all(names.map((name) => createUser(server.url, name)));
}

/** Users with signed-in sessions written straight to the database: the same rows the
 * register route writes, without its password hashing, for tests that need hundreds. */
export async function seedUsers(server: SyncServer, ...names: string[]): Promise<TestUser[]> {
  return Promise.all(
    names.map(async (name) => {
      const email = `${name.toLowerCase()}-${randomBytes(6).toString('hex')}@test.local`;
      const created = await server.sql.user.create({
        data: { email, displayName: name, passwordHash: 'scrypt$unusable' },
      });
      return {
        token: await seedSession(server, created.userId),
        password: '',
        user: { userId: created.userId, email, displayName: name },
      };
    }),
  );
}

/** One more signed-in session (a device) for a user. */
export async function seedSession(server: SyncServer, userId: number): Promise<string> {
  const token = newSessionToken();
  await server.sql.session.create({
    data: { userId, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return token;
}

/** Another session of the same user (a second device signs in on its own). */
export async function signInAgain(
  server: Pick<SyncServer, 'url'>,
  user: TestUser,
): Promise<TestUser> {
  const answer = await rest<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', {
    body: { email: user.user.email, password: user.password },
  });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status}`);
  return { ...user, token: answer.body.token };
}

/** Opens (locally) the general conversation of `device` with `other`. */
export function conversationWith(device: Device, other: TestUser): Promise<string> {
  return device.engine.openConversation({
    otherUserId: other.user.userId,
    otherDisplayName: other.user.displayName,
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
  });
}

/** Outbox empty (nothing but refused entries) and nothing running. */
export async function isDrained(device: Device): Promise<boolean> {
  const waiting = await device.db.outbox.filter((e) => e.rejected === null).count();
  return waiting === 0 && device.engine.getStatus().connectivity !== 'syncing';
}

export { waitFor };
