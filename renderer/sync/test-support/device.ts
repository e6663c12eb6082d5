// Builders for the engine's unit tests: the in-memory server with two users, devices (a
// fresh in-memory IndexedDB each, or one shared by the tabs of a profile) whose engine
// talks to it, and timers the test fires by hand.

import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { GroupChange } from '../../../shared/groups.ts';
import type { PushOp } from '../../../shared/sync/protocol.ts';
import { type ChatDatabase, openChatDatabase } from '../db.ts';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../engine.ts';
import type { LockManagerLike } from '../leader.ts';
import { broadcastTabChannel, type TabChannel } from '../tab-channel.ts';
import { countWriteTransactions } from './count-writes.ts';
import { createFakeServer, type FakeServer, type FakeTransport } from './fake-transport.ts';
import { memoryLocks } from './locks.ts';

interface ManualTimer {
  callback: () => void;
  ms: number;
}

export interface ManualTimers {
  setTimer: (callback: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** The delays of the timers waiting now, in the order they were set. */
  pending: () => number[];
  /** Fires the waiting timers set with this delay; returns how many. */
  fire: (ms: number) => number;
  fireAll: () => void;
}

export function manualTimers(): ManualTimers {
  const timers = new Set<ManualTimer>();
  const run = (due: ManualTimer[]) => {
    for (const timer of due) timers.delete(timer);
    for (const timer of due) timer.callback();
    return due.length;
  };
  return {
    setTimer(callback, ms) {
      const timer = { callback, ms };
      timers.add(timer);
      return timer;
    },
    clearTimer(handle) {
      for (const timer of timers) if (timer === handle) timers.delete(timer);
    },
    pending: () => [...timers].map((t) => t.ms),
    fire: (ms) => run([...timers].filter((t) => t.ms === ms)),
    fireAll: () => void run([...timers]),
  };
}

export const ME = 1;
export const OTHER = 2;

/** A clock the server and the devices share, which a test moves on. Each reading ticks a
 * millisecond, so changes made one after the other are stamped in that order. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2025, 0, 10, 8)): TestClock {
  let time = start;
  return {
    now: () => time++,
    advance(ms) {
      time += ms;
    },
  };
}

/** The server with ME and OTHER signed up, and a device of OTHER's that tests drive
 * through the transport directly. */
export function fakeWorld(options: { now?: () => number } = {}): {
  server: FakeServer;
  other: FakeTransport;
} {
  const server = createFakeServer(options);
  server.addUser('Me Myself');
  server.addUser('Bob Requester');
  return { server, other: server.connect(OTHER) };
}

/** What the tabs of one browser profile share. */
export interface TestProfile {
  indexedDB: IDBFactory;
  locks: LockManagerLike;
  channelName: string;
}

export function testProfile(): TestProfile {
  return {
    indexedDB: new IDBFactory(),
    locks: memoryLocks(),
    channelName: `timenest-unit-${crypto.randomUUID()}`,
  };
}

export interface TestDeviceOptions {
  server?: FakeServer;
  userId?: number;
  /** A tab of this profile; without it the device is a profile of its own. */
  profile?: TestProfile;
  /** Protocol the device speaks (an older app's, to test refusal). */
  protocolVersion?: number;
  engine?: Partial<SyncEngineOptions>;
  /** Called for every read-write IndexedDB transaction. */
  onWriteTransaction?: () => void;
}

export interface TestDevice {
  readonly server: FakeServer;
  readonly db: ChatDatabase;
  readonly engine: SyncEngine;
  /** The session's transport (an engine opens it only while it leads). */
  readonly transport: FakeTransport;
  /** How many times an engine of this device opened its transport. */
  readonly opened: number;
  readonly timers: ManualTimers;
  /** Waits until work that callbacks may still start has run and nothing is left. */
  settle(): Promise<void>;
  /** Closes the database and opens it again with a new engine (same session). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function openTestDevice(options: TestDeviceOptions = {}): TestDevice {
  const server = options.server ?? fakeWorld().server;
  const userId = options.userId ?? ME;
  const factory = options.profile?.indexedDB ?? new IDBFactory();
  const transport = server.connect(userId, {
    ...(options.protocolVersion === undefined ? {} : { protocolVersion: options.protocolVersion }),
  });
  const timers = manualTimers();
  let clock = Date.UTC(2025, 0, 10);
  let opened = 0;
  let tabs: TabChannel | null = null;
  const open = () => {
    const db = openChatDatabase(userId, { indexedDB: factory, IDBKeyRange });
    const onWrite = options.onWriteTransaction;
    if (onWrite) countWriteTransactions(db, onWrite);
    return db;
  };
  const build = (db: ChatDatabase) => {
    tabs?.close();
    tabs = options.profile ? broadcastTabChannel(options.profile.channelName) : null;
    return createSyncEngine({
      db,
      transport: () => {
        opened++;
        return transport;
      },
      userId,
      now: () => clock++,
      random: () => 0.5,
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      // A first backoff of 500 ms (random 0.5 × 1 s), so tests can tell it from other timers.
      backoff: { baseMs: 1000, maxMs: 60_000 },
      locks: options.profile?.locks ?? null,
      tabs,
      ...options.engine,
    });
  };
  let db = open();
  let engine = build(db);
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await engine.whenIdle();
  };
  return {
    server,
    transport,
    timers,
    get db() {
      return db;
    },
    get engine() {
      return engine;
    },
    get opened() {
      return opened;
    },
    settle,
    async restart() {
      await engine.stop();
      db.close();
      db = open();
      engine = build(db);
      engine.start();
      await settle();
    },
    async close() {
      await engine.stop();
      tabs?.close();
      db.close();
    },
  };
}

// --- operations another device sends straight through its transport -----------------

export function createConversationOp(otherUserId: number, clientConvId = crypto.randomUUID()) {
  return {
    opId: crypto.randomUUID(),
    kind: 'createConversation',
    clientConvId,
    otherUserId,
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
  } satisfies PushOp;
}

/** A group of the pushing user and `memberIds`. */
export function createGroupOp(memberIds: number[], title = 'Garden club') {
  return {
    opId: crypto.randomUUID(),
    kind: 'createGroup',
    clientConvId: crypto.randomUUID(),
    title,
    memberIds,
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
  } satisfies PushOp;
}

export function changeGroupOp(conversationId: number, change: GroupChange) {
  return {
    opId: crypto.randomUUID(),
    kind: 'changeGroup',
    conversation: { conversationId },
    change,
  } satisfies PushOp;
}

/** The pushing device's user creates a group with `memberIds`; returns its id. */
export async function groupFrom(transport: FakeTransport, memberIds: number[]): Promise<number> {
  const { results } = await transport.push([createGroupOp(memberIds)]);
  const [created] = results;
  if (created?.status !== 'accepted' || !created.conversation) throw new Error('not created');
  return created.conversation.conversationId;
}

export function sendOp(conversationId: number, content: string, clientMsgId = crypto.randomUUID()) {
  return {
    opId: crypto.randomUUID(),
    kind: 'send',
    conversation: { conversationId },
    clientMsgId,
    content,
    messageType: 'text',
  } satisfies PushOp;
}

export function receiptOp(
  kind: 'deliveredUpTo' | 'readUpTo',
  conversationId: number,
  messageId: number,
) {
  return { opId: crypto.randomUUID(), kind, conversationId, messageId } satisfies PushOp;
}

/** OTHER opens the general conversation with ME on the server; returns its id. */
export async function conversationFromOther(other: FakeTransport): Promise<number> {
  const { results } = await other.push([createConversationOp(ME)]);
  const [created] = results;
  if (created?.status !== 'accepted' || !created.conversation) throw new Error('not created');
  return created.conversation.conversationId;
}

/** OTHER sends these texts to the conversation, in one push; returns their server ids. */
export async function sendFromOther(
  other: FakeTransport,
  conversationId: number,
  ...texts: string[]
): Promise<number[]> {
  const { results } = await other.push(texts.map((text) => sendOp(conversationId, text)));
  return results.map((r) => {
    if (r.status !== 'accepted' || !r.message) throw new Error(`not sent: ${r.status}`);
    return r.message.messageId;
  });
}
