// Builders for client-driven sync tests: a real server that can be restarted on the same
// port and database, and devices (the real engine on fake-indexeddb, the real tRPC
// transport over `ws`) whose network a test can break in precise ways.

import { randomBytes } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { Redis } from 'ioredis';
import { Upload as TusUpload } from 'tus-js-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import type { IncomingMessage } from '../../renderer/sync/api.ts';
import {
  type ChatDatabase,
  type LocalConversation,
  type LocalMessage,
  openChatDatabase,
} from '../../renderer/sync/db.ts';
import type { DownloadTransport } from '../../renderer/sync/downloads.ts';
import { createSyncEngine, type SyncEngine } from '../../renderer/sync/engine.ts';
import { createHttpDownloadTransport } from '../../renderer/sync/fetch-attachment.ts';
import type { LockManagerLike } from '../../renderer/sync/leader.ts';
import { displayedStatus } from '../../renderer/sync/marks.ts';
import { broadcastTabChannel, type TabChannel } from '../../renderer/sync/tab-channel.ts';
import { countWriteTransactions } from '../../renderer/sync/test-support/count-writes.ts';
import { memoryLocks } from '../../renderer/sync/test-support/locks.ts';
import {
  type LiveHandlers,
  type SyncTransport,
  TransportError,
} from '../../renderer/sync/transport.ts';
import { createTrpcTransport } from '../../renderer/sync/trpc-transport.ts';
import { uploadFailureOf } from '../../renderer/sync/tus-upload-transport.ts';
import type { UploadTransport } from '../../renderer/sync/uploads.ts';
import { hashToken, newSessionToken } from '../../server/auth/tokens.ts';
import { createPrisma, type Db } from '../../server/db/prisma.ts';
import { UPLOADS_PATH } from '../../shared/attachments.ts';
import { bearerAuth } from '../../shared/platform/server-auth.ts';
import type { PushOp, PushResult } from '../../shared/sync/protocol.ts';
import type { ServerStatus, Watermarks } from '../../shared/sync/status.ts';
import { createUser, rest, type TestUser, waitFor } from '../support/clients.ts';
import { type FreshDatabase, freshDatabase } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// --- server ---------------------------------------------------------------------------

export interface SyncServer {
  readonly url: string;
  readonly databaseName: string;
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
    databaseName: database.address.database,
    sql,
    async restart() {
      await current.close();
      // Another test's server may have picked this port while it was free: it is given
      // back when that server stops, so wait for it a while.
      for (let attempt = 0; ; attempt++) {
        try {
          current = await startTestServer({ database, port, env });
          return;
        } catch (error) {
          if (attempt >= 60 || !isAddressInUse(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    },
    async dispose() {
      await sql.$disconnect();
      await current.close();
      await database.drop();
    },
  };
}

/** Cuts the Redis connection the server's event bus subscribes on (the server must run
 * with REDIS_URL); ioredis reconnects it by itself. */
export async function dropBusSubscriber(
  server: Pick<SyncServer, 'databaseName'>,
  redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    const name = `timenest:events:${server.databaseName}:subscriber`;
    const list = String(await redis.call('CLIENT', 'LIST'));
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    for (const id of ids) await redis.call('CLIENT', 'KILL', 'ID', id);
    return ids.length;
  } finally {
    redis.disconnect();
  }
}

/** Restarts the test server on the same port and database; clients reconnect. */
export function restartServer(server: SyncServer): Promise<void> {
  return server.restart();
}

export interface ServerMessage {
  messageId: number;
  conversationId: number;
  senderId: number;
  messageType: 'text' | 'image' | 'file' | 'system';
  clientMsgId: string;
  content: string;
  status: ServerStatus;
  isEdited: boolean;
  isDeleted: boolean;
  replyToId: number | null;
  /** Who reacted with what, each emoji's users in the order they reacted. */
  reactions: { emoji: string; userIds: number[] }[];
}

const WITH_REACTIONS = {
  reactions: {
    where: { isRemoved: false },
    orderBy: [{ createdAt: 'asc' as const }, { userId: 'asc' as const }],
  },
};

type MessageWithReactions = Awaited<ReturnType<Db['message']['findMany']>>[number] & {
  reactions: { emoji: string; userId: number }[];
};

function toServerMessage(r: MessageWithReactions): ServerMessage {
  const byEmoji = new Map<string, number[]>();
  if (!r.isDeleted) {
    for (const { emoji, userId } of r.reactions)
      byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), userId]);
  }
  return {
    messageId: r.messageId,
    conversationId: r.conversationId,
    senderId: r.senderId,
    messageType: r.messageType ?? 'text',
    clientMsgId: r.clientMsgId ?? '',
    content: r.content,
    status: r.status ?? 'sent',
    isEdited: Boolean(r.isEdited),
    isDeleted: Boolean(r.isDeleted),
    replyToId: r.replyToId,
    reactions: [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds })),
  };
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
    include: WITH_REACTIONS,
  });
  return rows.map(toServerMessage);
}

/** A member row of a conversation as the server keeps it. */
export interface ServerMember {
  userId: number;
  role: 'admin' | 'member';
  isCurrent: boolean;
  historyFrom: number;
  historyTo: number | null;
  deliveredUpTo: number;
  readUpTo: number;
}

export interface ServerGroup {
  conversationId: number;
  title: string;
  /** Everyone who ever was a member, current or not, by user id. */
  members: ServerMember[];
  /** Its whole log, system messages included, in server order. */
  messages: ServerMessage[];
}

/** The group `creatorId` created (the first, if several), as the server has it now, or
 * null before the server has it. */
export async function serverGroupOf(
  server: Pick<SyncServer, 'sql'>,
  creatorId: number,
): Promise<ServerGroup | null> {
  const conversation = await server.sql.conversation.findFirst({
    where: { isGroup: true, user1Id: creatorId },
    orderBy: { conversationId: 'asc' },
    include: {
      members: { orderBy: { userId: 'asc' } },
      messages: { orderBy: { messageId: 'asc' }, include: WITH_REACTIONS },
    },
  });
  if (!conversation) return null;
  return {
    conversationId: conversation.conversationId,
    title: conversation.groupTitle ?? '',
    members: conversation.members.map((m) => ({
      userId: m.userId,
      role: m.role,
      isCurrent: m.leftAt === null,
      historyFrom: m.historyFrom,
      historyTo: m.historyTo,
      deliveredUpTo: m.deliveredUpTo,
      readUpTo: m.readUpTo,
    })),
    messages: conversation.messages.map(toServerMessage),
  };
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
  /** Pushes fail as if offline while pulls and the live stream still work. */
  blockPushes(isBlocked: boolean): void;
  /** Live events are dropped on the way, as a bus that lost them would (the connection
   * stays up: nothing tells the device). */
  dropLiveEvents(isDropping: boolean): void;
  readonly pushCount: number;
}

function lost(what: string): TransportError {
  return new TransportError('network', null, `${what} (injected)`);
}

/** `open` makes the real transport; a closed one is opened again when next used (an
 * engine closes its transport when it stops leading). */
export function faultyTransport(open: () => SyncTransport): FaultyTransport {
  let current: SyncTransport | null = null;
  const inner = {
    get: () => {
      current ??= open();
      return current;
    },
  };
  let isOffline = false;
  let arePushesBlocked = false;
  let isDroppingLive = false;
  let dropsLeft = 0;
  let duplicatesLeft = 0;
  let isInnerConnected = false;
  let pushCount = 0;
  let handlers: LiveHandlers | null = null;

  return {
    get pushCount() {
      return pushCount;
    },
    async push(ops: PushOp[]): Promise<PushResult> {
      if (isOffline || arePushesBlocked) throw lost('offline');
      pushCount++;
      if (duplicatesLeft > 0) {
        duplicatesLeft--;
        await inner.get().push(ops);
      }
      const result = await inner.get().push(ops);
      if (dropsLeft > 0) {
        dropsLeft--;
        throw lost('push response lost');
      }
      if (isOffline) throw lost('went offline during push');
      return result;
    },
    async pull(request) {
      if (isOffline) throw lost('offline');
      const page = await inner.get().pull(request);
      if (isOffline) throw lost('went offline during pull');
      return page;
    },
    receiptDetails(request) {
      if (isOffline) throw lost('offline');
      return inner.get().receiptDetails(request);
    },
    subscribe(h) {
      handlers = h;
      const stop = inner.get().subscribe({
        onEvent: (event) => {
          if (isOffline) return;
          if (isDroppingLive && event.type !== 'hello') return;
          h.onEvent(event);
        },
        onConnectionChange: (connected) => {
          isInnerConnected = connected;
          if (!isOffline) h.onConnectionChange(connected);
        },
        onError: (error) => h.onError?.(error),
      });
      return () => {
        handlers = null;
        isInnerConnected = false;
        stop();
      };
    },
    close() {
      current?.close();
      current = null;
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
    dropLiveEvents(isDropping) {
      isDroppingLive = isDropping;
    },
  };
}

// --- devices --------------------------------------------------------------------------

export interface StatusRegression {
  device: string;
  conversation: string;
  userId: number;
  from: Watermarks;
  to: Watermarks;
}

/** Records every watermark written to a device's database, so a test can prove no status
 * ever went backwards (DESIGN §3.5), not only that the end state is right: statuses are
 * read off watermarks, which must only rise. */
function watchStatuses(db: ChatDatabase, device: string, regressions: StatusRegression[]): void {
  db.conversations.hook('updating', (modifications, key, previous) => {
    const next = (modifications as Partial<LocalConversation>).members;
    if (!next) return;
    for (const before of previous.members ?? []) {
      const after = next.find((m) => m.userId === before.userId);
      if (
        !after ||
        after.deliveredUpTo < before.deliveredUpTo ||
        after.readUpTo < before.readUpTo
      ) {
        regressions.push({
          device,
          conversation: String(key),
          userId: before.userId,
          from: before,
          to: after ?? { deliveredUpTo: 0, readUpTo: 0 },
        });
      }
    }
  });
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

/** What the tabs of one browser profile share: the IndexedDB, the lock manager and the
 * channel they talk over. */
export interface Profile {
  indexedDB: IDBFactory;
  locks: LockManagerLike;
  channelName: string;
}

export function newProfile(): Profile {
  return {
    indexedDB: new IDBFactory(),
    locks: memoryLocks(),
    channelName: `timenest-test-${randomBytes(6).toString('hex')}`,
  };
}

export interface DeviceOptions {
  /** A tab of this profile; without it the device is a profile of its own. */
  profile?: Profile;
  /** Head check interval (the engine's default otherwise). */
  headCheckMs?: number;
  /** The protocol version the device speaks (an older app's, to test refusal). */
  protocolVersion?: number;
  /** Called for every read-write IndexedDB transaction the device runs. */
  onWriteTransaction?: () => void;
  regressions?: StatusRegression[];
  /** Record status regressions (a Dexie hook, which makes every write read the old row
   * first); on unless a benchmark wants the product's own write path. */
  watchStatuses?: boolean;
  /** Attached to every engine the device runs (restarts build a new one). */
  onIncoming?: (incoming: IncomingMessage) => void;
  /** Uploads queued files to the server (tus), as the app does. */
  uploads?: boolean;
  /** Fetches received files up to this size by itself, as the app does. */
  autoDownloadBytes?: number;
}

function offlineAware(transport: DownloadTransport, isOffline: () => boolean): DownloadTransport {
  return {
    download(fileUrl, signal) {
      if (isOffline()) return Promise.reject(lost('download'));
      return transport.download(fileUrl, signal);
    },
  };
}

/** The app's upload path from Node: tus-js-client's Node build reads Buffers, not Blobs,
 * so the bytes are handed over as one; everything else is the same protocol. */
export function nodeUploadTransport(
  server: Pick<SyncServer, 'url'>,
  user: TestUser,
  isOffline: () => boolean = () => false,
): UploadTransport {
  return {
    async upload(job) {
      if (isOffline()) throw lost('upload');
      const bytes = Buffer.from(await job.blob.arrayBuffer());
      return new Promise((resolve, reject) => {
        const upload: TusUpload = new TusUpload(bytes, {
          endpoint: `${server.url}${UPLOADS_PATH}`,
          uploadUrl: job.url,
          metadata: { filename: job.fileName },
          headers: { authorization: `Bearer ${user.token}` },
          chunkSize: 64 * 1024,
          retryDelays: null,
          storeFingerprintForResuming: false,
          onUploadUrlAvailable: () => {
            if (upload.url) job.onUrl(upload.url);
          },
          onProgress: job.onProgress,
          onSuccess: () => resolve({ uploadId: upload.url?.split('/').at(-1) ?? '' }),
          onError: (error) => reject(uploadFailureOf(error) ?? error),
        });
        // tus-js-client's abort settles nothing: the job ends here, or it would hold its
        // place in the queue forever.
        const stop = () => {
          void upload.abort(false);
          reject(job.signal.reason);
        };
        job.signal.addEventListener('abort', stop, { once: true });
        upload.start();
      });
    },
    async cancel(url) {
      await fetch(url, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${user.token}`, 'tus-resumable': '1.0.0' },
      });
    },
  };
}

/** The real tRPC transport of a signed-in user (over `ws`, reconnecting quickly). */
export function realTransport(
  server: Pick<SyncServer, 'url'>,
  user: TestUser,
  options: { protocolVersion?: number | undefined } = {},
): SyncTransport {
  return createTrpcTransport({
    baseUrl: server.url,
    auth: bearerAuth(user.token),
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    reconnectDelayMs: (attempt) => (attempt === 0 ? 0 : Math.min(25 * 2 ** attempt, 250)),
    resubscribeDelayMs: 100,
    ...(options.protocolVersion === undefined ? {} : { protocolVersion: options.protocolVersion }),
  });
}

export function openDevice(
  server: Pick<SyncServer, 'url'>,
  user: TestUser,
  name: string,
  options: DeviceOptions = {},
): Device {
  const factory = options.profile?.indexedDB ?? new IDBFactory();
  const regressions = options.regressions ?? [];
  const transport = faultyTransport(() =>
    realTransport(server, user, { protocolVersion: options.protocolVersion }),
  );
  const open = () => {
    const db = openChatDatabase(user.user.userId, { indexedDB: factory, IDBKeyRange });
    if (options.watchStatuses ?? true) watchStatuses(db, name, regressions);
    const onWrite = options.onWriteTransaction;
    if (onWrite) countWriteTransactions(db, onWrite);
    return db;
  };
  let tabs: TabChannel | null = null;
  const build = (db: ChatDatabase) => {
    tabs?.close();
    tabs = options.profile ? broadcastTabChannel(options.profile.channelName) : null;
    const built = createSyncEngine({
      db,
      transport,
      userId: user.user.userId,
      backoff: { baseMs: 20, maxMs: 250 },
      ...(options.uploads
        ? { uploads: nodeUploadTransport(server, user, () => uploadsOffline) }
        : {}),
      ...(options.autoDownloadBytes !== undefined
        ? {
            downloads: {
              transport: () =>
                offlineAware(
                  createHttpDownloadTransport({
                    baseUrl: server.url,
                    auth: bearerAuth(user.token),
                  }),
                  () => uploadsOffline,
                ),
              limitBytes: () => options.autoDownloadBytes ?? 0,
            },
          }
        : {}),
      locks: options.profile?.locks ?? null,
      tabs,
      ...(options.headCheckMs ? { headCheckMs: options.headCheckMs } : {}),
    });
    if (options.onIncoming) built.onIncoming(options.onIncoming);
    return built;
  };
  let uploadsOffline = false;
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
    goOffline: () => {
      uploadsOffline = true;
      transport.goOffline();
    },
    goOnline: () => {
      uploadsOffline = false;
      transport.goOnline();
    },
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
      tabs?.close();
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
export async function seedSession(
  server: Pick<SyncServer, 'sql'>,
  userId: number,
): Promise<string> {
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

const DIGITS = `(${Array.from({ length: 10 }, (_, d) => `SELECT ${d} AS d`).join(' UNION ALL ')})`;

/** `count` conversations of the user, each with a partner of its own, written straight to
 * the database: the rows the API writes (conversation, both members), in seconds.
 * Returns the first partner's user id. */
export async function seedConversations(sql: Db, userId: number, count: number): Promise<number> {
  const tag = `seed${userId}x${randomBytes(3).toString('hex')}`;
  await sql.$executeRawUnsafe(
    `INSERT INTO users (email, display_name, password_hash)
     SELECT CONCAT('partner', n, '-', ?, '@test.local'), CONCAT('Partner ', n), 'scrypt$unusable'
       FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d + 1 AS n
               FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} e, ${DIGITS} f, ${DIGITS} g) seq
      WHERE n <= ?`,
    tag,
    count,
  );
  const pattern = `partner%-${tag}@test.local`;
  await sql.$executeRawUnsafe(
    `INSERT INTO conversations (user1_id, user2_id, conversation_type, pair_key, message_version)
     SELECT u.user_id, ?, 'general', CONCAT(?, ':', u.user_id, ':general:0'), 0
       FROM users u WHERE u.email LIKE ?`,
    userId,
    userId,
    pattern,
  );
  await sql.$executeRawUnsafe(
    `INSERT INTO conversation_members (conversation_id, user_id, change_epoch)
     SELECT conversation_id, user1_id, 1 FROM conversations WHERE user2_id = ?
     UNION ALL SELECT conversation_id, user2_id, 1 FROM conversations WHERE user2_id = ?`,
    userId,
    userId,
  );
  const [first] = await sql.$queryRawUnsafe<{ user_id: number }[]>(
    'SELECT MIN(user_id) AS user_id FROM users WHERE email LIKE ?',
    pattern,
  );
  return Number(first?.user_id);
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

/** Outbox empty (nothing but refused entries), no receipt due, and nothing running. */
export async function isDrained(device: Device): Promise<boolean> {
  const [waiting, due] = await Promise.all([
    device.db.outbox.filter((e) => e.rejected === null).count(),
    device.db.conversations.where('receiptDue').equals(1).count(),
  ]);
  return waiting === 0 && due === 0 && device.engine.getStatus().connectivity !== 'syncing';
}

/** A device's messages with the status its user sees (read off the watermarks). */
export async function shownMessages(
  device: Device,
): Promise<(LocalMessage & { shown: LocalMessage['status'] | ServerStatus })[]> {
  const [rows, conversations] = await Promise.all([
    device.messages(),
    device.db.conversations.toArray(),
  ]);
  const byKey = new Map(conversations.map((c) => [c.key, c]));
  return rows.map((m) => {
    const conversation = byKey.get(m.convKey);
    return {
      ...m,
      shown: conversation ? displayedStatus(m, conversation, device.user.user.userId) : m.status,
    };
  });
}

export { HEAD_CHECK_MS } from '../../renderer/sync/engine.ts';
export { waitFor };

/** A test file's own server, started before its tests and stopped after them, and the
 * devices its tests open, closed after each test. */
export function syncTestServer(label: string): {
  readonly server: SyncServer;
  device(...args: Parameters<typeof openDevice>): Device;
} {
  let started: SyncServer | undefined;
  const devices: Device[] = [];
  beforeAll(async () => {
    started = await startSyncServer(label);
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await started?.dispose();
  });
  return {
    get server() {
      if (!started) throw new Error('the server starts before the tests');
      return started;
    },
    device(...args) {
      const opened = openDevice(...args);
      devices.push(opened);
      return opened;
    },
  };
}
