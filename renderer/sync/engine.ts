// The sync engine (DESIGN §3): local writes go to Dexie and the outbox at once; two
// workers then talk to the server, one draining the outbox (one push in flight,
// batches in order, backoff on failure) and one pulling from the stored cursor (on
// start, poke, reconnect and request). Storage, transport, clock and randomness are
// injected, so the same code runs in the renderer and in Node tests.
import type { ErrorCode } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { OpResult, PullResult } from '../../shared/sync/protocol.ts';
import type { IncomingMessage, SyncEngineApi, SyncStatus } from './api.ts';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { refreshConversationStats } from './conversation-stats.ts';
import type { ChatDatabase, LocalMessage } from './db.ts';
import { createLocalWrites } from './local-writes.ts';
import { createOutbox, type PushOutcome } from './outbox.ts';
import { storeConversations, storeMessages } from './server-data.ts';
import { asTransportError, type SyncTransport, type TransportError } from './transport.ts';
import { cryptoRandomBytes, type RandomBytes, uuidv7 } from './uuid.ts';

export type TimerHandle = unknown;

export interface SyncEngineOptions {
  db: ChatDatabase;
  transport: SyncTransport;
  userId: number;
  now?: () => number;
  /** In [0, 1): backoff jitter. */
  random?: () => number;
  randomBytes?: RandomBytes;
  setTimer?: (callback: () => void, ms: number) => TimerHandle;
  clearTimer?: (handle: TimerHandle) => void;
  pushBatchSize?: number;
  pullPageSize?: number;
  backoff?: BackoffPolicy;
}

export interface SyncEngine extends SyncEngineApi {
  /** Resolves once no push or pull is running or requested (timers aside). */
  whenIdle(): Promise<void>;
}

/** A push carries at most as many operations as the server takes, and about a megabyte
 * of them: a backlog of short messages goes in few round trips, long ones in pushes a
 * slow network can still finish (a failed push is sent again whole). */
const PUSH_BATCH_MAX = LIMITS.pushBatchMax;
const PUSH_BATCH_JSON_CHARS = 1_000_000;
const PULL_PAGE = 1000;

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, transport, userId } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const randomBytes = options.randomBytes ?? cryptoRandomBytes;
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer =
    options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const batchSize = Math.min(options.pushBatchSize ?? PUSH_BATCH_MAX, PUSH_BATCH_MAX);
  const pageSize = options.pullPageSize ?? PULL_PAGE;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const newId = () => uuidv7(now(), randomBytes);

  const outbox = createOutbox({ db, userId, newId });
  const writes = createLocalWrites({ db, userId, now, newId, outbox });

  const statusListeners = new Set<(status: SyncStatus) => void>();
  const incomingListeners = new Set<(incoming: IncomingMessage) => void>();
  const onlineListeners = new Set<(userIds: ReadonlySet<number>) => void>();
  // Conversation partners with a live connection, as the poke subscription reports them.
  let onlineUsers: ReadonlySet<number> = new Set();

  let isRunning = false;
  let isConnected = false;
  let hasNetworkFailure = false;
  let isAuthBlocked = false;
  let lastError: string | null = null;
  let lastErrorCode: ErrorCode | null = null;
  let lastSyncedAt: number | null = null;
  let pendingCount = 0;
  let failedCount = 0;
  let unsubscribe: (() => void) | null = null;
  let emitted: SyncStatus | null = null;

  const push = createWorker(drainOutbox);
  const pull = createWorker(pullChanges);

  // --- status -------------------------------------------------------------------------

  function currentStatus(): SyncStatus {
    const connectivity =
      !isConnected || hasNetworkFailure
        ? 'offline'
        : push.isBusy() || pull.isBusy()
          ? 'syncing'
          : 'online';
    return { connectivity, pendingCount, failedCount, lastError, lastErrorCode, lastSyncedAt };
  }

  function setOnlineUsers(next: ReadonlySet<number>): void {
    onlineUsers = next;
    for (const listener of onlineListeners) callSafely(() => listener(next));
  }

  function emitStatus(): void {
    const status = currentStatus();
    if (
      emitted &&
      (Object.keys(status) as (keyof SyncStatus)[]).every((k) => status[k] === emitted?.[k])
    ) {
      return;
    }
    emitted = status;
    for (const listener of statusListeners) callSafely(() => listener(status));
  }

  let isCounting = false;
  let countAgain = false;
  async function refreshCounts(): Promise<void> {
    if (isCounting) {
      countAgain = true;
      return;
    }
    isCounting = true;
    try {
      do {
        countAgain = false;
        [pendingCount, failedCount] = await Promise.all([
          db.messages.where('status').equals('pending').count(),
          db.messages.where('status').equals('failed').count(),
        ]);
        emitStatus();
      } while (countAgain);
    } catch {
      // The database was closed (stop/restart); the next start counts again.
    } finally {
      isCounting = false;
    }
  }

  function noteSuccess(): void {
    hasNetworkFailure = false;
    if (!isAuthBlocked) {
      lastError = null;
      lastErrorCode = null;
    }
    emitStatus();
  }

  function noteFailure(what: string, error: TransportError): void {
    if (error.kind === 'network') hasNetworkFailure = true;
    if (error.kind === 'auth') isAuthBlocked = true;
    lastError = `${what}: ${error.message}`;
    lastErrorCode = error.code;
    emitStatus();
  }

  // --- workers ------------------------------------------------------------------------

  /** Runs `work` until nobody asks for more; after a failure waits (backoff) first. */
  function createWorker(work: () => Promise<'done' | 'failed'>) {
    let isWanted = false;
    let loop: Promise<void> | null = null;
    let timer: TimerHandle | null = null;
    let attempt = 0;
    let isBusy = false;
    const canRun = () => isRunning && !isAuthBlocked && timer === null;

    const run = async () => {
      while (isWanted && canRun()) {
        isWanted = false;
        isBusy = true;
        emitStatus();
        let outcome: 'done' | 'failed';
        try {
          outcome = await work();
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
          outcome = 'failed';
        }
        isBusy = false;
        if (outcome === 'failed') {
          if (isRunning && !isAuthBlocked) {
            const delay = backoffDelay(attempt++, random, backoff);
            timer = setTimer(() => {
              timer = null;
              worker.request();
            }, delay);
          }
          isWanted = false;
        } else {
          attempt = 0;
        }
      }
      emitStatus();
    };

    const worker = {
      request() {
        isWanted = true;
        if (loop || !canRun()) return;
        loop = run().finally(() => {
          loop = null;
          if (isWanted && canRun()) worker.request();
        });
      },
      /** Forget the backoff (the network came back, or the user asked). */
      reset() {
        if (timer !== null) clearTimer(timer);
        timer = null;
        attempt = 0;
      },
      isBusy: () => isBusy,
      async settled() {
        while (loop) await loop;
      },
      /** Nothing running, and nothing that could start now. */
      isIdle: () => !loop && !(isWanted && canRun()),
    };
    return worker;
  }

  /** Pushes batches until the outbox has nothing left to send. */
  async function drainOutbox(): Promise<'done' | 'failed'> {
    for (;;) {
      if (!isRunning) return 'done';
      const batch = await outbox.takeBatch(batchSize, PUSH_BATCH_JSON_CHARS);
      if (batch.length === 0) return 'done';
      let results: OpResult[];
      try {
        results = (await transport.push(batch.map((e) => e.op))).results;
      } catch (error) {
        outbox.release(batch);
        noteFailure('push failed', asTransportError(error));
        return 'failed';
      }
      let outcome: PushOutcome;
      try {
        outcome = await outbox.settle(batch, results);
      } catch (error) {
        outbox.release(batch);
        throw error;
      }
      noteSuccess();
      void refreshCounts();
      // The server does not poke the device that pushed. A send's result carries the
      // stored message; any other operation changes rows this device must pull.
      if (batch.some((e) => e.op.kind !== 'send' && e.op.kind !== 'createConversation')) {
        pull.request();
      }
      if (outcome.hasRetry) return 'failed';
    }
  }

  /** Pulls pages from the stored cursor until the server has nothing more. */
  async function pullChanges(): Promise<'done' | 'failed'> {
    let isCursorReset = false;
    for (;;) {
      if (!isRunning) return 'done';
      const cursor = (await db.syncState.get('cursor'))?.value ?? null;
      let page: PullResult;
      try {
        page = await transport.pull(cursor, pageSize);
      } catch (error) {
        const failure = asTransportError(error);
        // A cursor this server does not recognise (its database was replaced): start over.
        if (failure.code === 'VALIDATION_FAILED' && cursor !== null && !isCursorReset) {
          isCursorReset = true;
          await db.syncState.delete('cursor');
          continue;
        }
        noteFailure('pull failed', failure);
        return 'failed';
      }
      await storePage(page);
      if (!page.hasMore) break;
    }
    lastSyncedAt = now();
    noteSuccess();
    return 'done';
  }

  /** One pulled page and the cursor that covers it, in one transaction. */
  async function storePage(page: PullResult): Promise<void> {
    const { incoming, queued } = await db.transaction(
      'rw',
      [db.conversations, db.messages, db.outbox, db.syncState, db.drafts],
      async () => {
        const keys = await storeConversations(db, page.conversations);
        const stored = await storeMessages(db, userId, page.messages);
        let queued = false;
        for (const [convKey, messageId] of stored.deliverable) {
          const conversation = await db.conversations.get(convKey);
          if (
            conversation &&
            (await outbox.queueReceipt(conversation, 'deliveredUpTo', messageId))
          ) {
            queued = true;
          }
        }
        await refreshConversationStats(db, [...keys, ...stored.touched]);
        await db.syncState.put({ key: 'cursor', value: page.cursor });
        return { incoming: stored.incoming, queued };
      },
    );
    if (queued) push.request();
    if (incoming.length) await announce(incoming);
    if (page.messages.length) void refreshCounts();
  }

  async function announce(messages: LocalMessage[]): Promise<void> {
    if (incomingListeners.size === 0) return;
    const keys = [...new Set(messages.map((m) => m.convKey))];
    const conversations = new Map(
      (await db.conversations.bulkGet(keys)).flatMap((c) => (c ? [[c.key, c] as const] : [])),
    );
    for (const message of messages) {
      const conversation = conversations.get(message.convKey);
      if (!conversation) continue;
      for (const listener of incomingListeners)
        callSafely(() => listener({ message, conversation }));
    }
  }

  function wake(): void {
    push.reset();
    pull.reset();
    pull.request();
    push.request();
  }

  /** Local writes change counts and may have queued something to push. */
  async function afterWrite<T>(result: T, shouldPush = true): Promise<T> {
    void refreshCounts();
    if (shouldPush && isRunning) push.request();
    return result;
  }

  return {
    userId,

    start() {
      if (isRunning) return;
      isRunning = true;
      unsubscribe = transport.subscribe({
        onPoke: () => pull.request(),
        onPresence: (event) => {
          const next = new Set(event.snapshot ? [] : onlineUsers);
          for (const id of event.online) next.add(id);
          for (const id of event.offline) next.delete(id);
          setOnlineUsers(next);
        },
        onConnectionChange: (connected) => {
          isConnected = connected;
          // Disconnected, nobody is known to be online; the next connection sends a snapshot.
          if (!connected && onlineUsers.size > 0) setOnlineUsers(new Set());
          if (connected) {
            hasNetworkFailure = false;
            // Back online: whatever waited for the network goes now, and a full pull
            // from the stored cursor catches up (the subscription is only a hint).
            wake();
          }
          emitStatus();
        },
        onError: (error) => noteFailure('subscription failed', error),
      });
      pull.request();
      push.request();
      void refreshCounts();
    },

    async stop() {
      if (!isRunning) return;
      isRunning = false;
      unsubscribe?.();
      unsubscribe = null;
      push.reset();
      pull.reset();
      await Promise.all([push.settled(), pull.settled()]);
      isConnected = false;
      emitStatus();
    },

    syncNow() {
      if (!isRunning) return;
      isAuthBlocked = false;
      wake();
    },

    async whenIdle() {
      while (!push.isIdle() || !pull.isIdle()) {
        await Promise.all([push.settled(), pull.settled()]);
        // A worker may be about to start from a callback: let it.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },

    sendMessage: async (convKey, content) => afterWrite(await writes.sendMessage(convKey, content)),
    editMessage: async (clientMsgId, content) => {
      await afterWrite(undefined, await writes.editMessage(clientMsgId, content));
    },
    deleteMessage: async (clientMsgId) => {
      await afterWrite(undefined, await writes.deleteMessage(clientMsgId));
    },
    retry: async (clientMsgId) => afterWrite(await writes.retry(clientMsgId)),
    discard: async (clientMsgId) => afterWrite(await writes.discard(clientMsgId), false),
    retryAll: async () => afterWrite(await writes.retryAll()),
    discardAll: async () => afterWrite(await writes.discardAll(), false),
    openConversation: async (request) => afterWrite(await writes.openConversation(request)),
    markSeen: async (convKey) => {
      await afterWrite(undefined, await writes.markSeen(convKey));
    },

    getStatus: currentStatus,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onIncoming(listener) {
      incomingListeners.add(listener);
      return () => incomingListeners.delete(listener);
    },
    getOnlineUsers: () => onlineUsers,
    onOnlineUsers(listener) {
      onlineListeners.add(listener);
      return () => onlineListeners.delete(listener);
    },
  };
}

function callSafely(listener: () => void): void {
  try {
    listener();
  } catch {
    // A listener's failure is the UI's; it must not stop sync.
  }
}
