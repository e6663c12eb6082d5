// The sync engine (DESIGN §3, docs/sync.md). Local writes go to Dexie and the outbox at
// once, from any tab. One tab per profile leads (leader.ts) and alone talks to the
// server: it applies the live stream as it comes (one transaction per batch), drains the
// outbox and the due receipts, pulls from the stored cursor when the stream says so or a
// gap shows, and checks its head on a clock while connected. Storage, transport, clock,
// randomness and the lock manager are injected, so the same code runs in the renderer and
// in Node tests.
import type { ErrorCode } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/limits.ts';
import {
  type ChangeSet,
  EMPTY_CHANGES,
  type LiveEvent,
  type PullResult,
  type PushResult,
  type VersionStep,
} from '../../shared/sync/protocol.ts';
import type { IncomingMessage, SyncEngineApi, SyncStatus } from './api.ts';
import { type ApplyMode, applyChanges, changeTables } from './apply-changes.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.ts';
import { type ChatDatabase, databaseName, type LocalMessage } from './db.ts';
import { createDownloader, type Downloader, type DownloadTransport } from './downloads.ts';
import { electLeader, type Leadership, type LockManagerLike } from './leader.ts';
import { createLocalWrites } from './local-writes.ts';
import { createOutbox, type Settled } from './outbox.ts';
import { fetchReceiptDetails } from './receipt-details.ts';
import { createReceipts } from './receipts.ts';
import type { TabChannel, TabMessage } from './tab-channel.ts';
import { asTransportError, type SyncTransport, type TransportError } from './transport.ts';
import { createUploader, type Uploader, type UploadTransport } from './uploads.ts';
import { cryptoRandomBytes, type RandomBytes, uuidv7 } from './uuid.ts';
import { createWorker, type TimerHandle } from './worker.ts';

export interface SyncEngineOptions {
  db: ChatDatabase;
  /** The network, or what opens it: only a leading engine opens it. */
  transport: SyncTransport | (() => SyncTransport);
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
  /** Web Locks, for one engine per profile; null or absent: this engine leads. */
  locks?: LockManagerLike | null;
  /** How the tabs of a profile talk; needed with `locks`. */
  tabs?: TabChannel | null;
  /** How often a connected leader checks its head (a lost event shows there). */
  headCheckMs?: number;
  /** How long a version step may wait for the one before it before a pull fetches it. */
  gapGraceMs?: number;
  /** How long confirmed receipts may wait in memory before a write of their own. */
  receiptFlushMs?: number;
  /** Where queued files go, or what opens it; absent, files wait on this device. */
  uploads?: UploadTransport | (() => UploadTransport);
  /** Where received files are fetched from by themselves, up to the user's size;
   * absent, they are fetched only when opened. */
  downloads?: { transport: () => DownloadTransport; limitBytes(): number };
}

export interface SyncEngine extends SyncEngineApi {
  /** Resolves once nothing is running or requested (timers aside). */
  whenIdle(): Promise<void>;
  isLeader(): boolean;
}

/** A push carries at most as many operations as the server takes, and about a megabyte
 * of them: a backlog of short messages goes in few round trips, long ones in pushes a
 * slow network can still finish (a failed push is sent again whole). */
const PUSH_BATCH_MAX = LIMITS.pushBatchMax;
const PUSH_BATCH_JSON_CHARS = LIMITS.pushBatchMaxJsonChars;
const RECEIPTS_PER_PUSH = 200;
const PULL_PAGE = LIMITS.pullPageMax;
/** A connected device checks its head this often: an event lost on the way (an instance
 * that died between commit and publish) shows within a few seconds. */
export const HEAD_CHECK_MS = 5_000;

const OFFLINE: SyncStatus = {
  connectivity: 'offline',
  pendingCount: 0,
  failedCount: 0,
  lastError: null,
  lastErrorCode: null,
  lastSyncedAt: null,
};

export function lockName(userId: number): string {
  return `timenest-sync:${databaseName(userId)}`;
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, userId } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const randomBytes = options.randomBytes ?? cryptoRandomBytes;
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer =
    options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const batchSize = Math.min(options.pushBatchSize ?? PUSH_BATCH_MAX, PUSH_BATCH_MAX);
  const pageSize = options.pullPageSize ?? PULL_PAGE;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const headCheckMs = options.headCheckMs ?? HEAD_CHECK_MS;
  const gapGraceMs = options.gapGraceMs ?? 1_500;
  const receiptFlushMs = options.receiptFlushMs ?? 3_000;
  const tabs = options.tabs ?? null;
  const newId = () => uuidv7(now(), randomBytes);
  const openTransport =
    typeof options.transport === 'function'
      ? options.transport
      : () => options.transport as SyncTransport;

  const outbox = createOutbox({ db, userId });
  const writes = createLocalWrites({ db, userId, now, newId, outbox });
  const receipts = createReceipts({ db, userId, newId });

  const statusListeners = new Set<(status: SyncStatus) => void>();
  const incomingListeners = new Set<(incoming: IncomingMessage) => void>();
  const onlineListeners = new Set<(userIds: ReadonlySet<number>) => void>();
  // Conversation partners with a live connection, as the live stream reports them.
  let onlineUsers: ReadonlySet<number> = new Set();

  let isRunning = false;
  let leadership: Leadership | null = null;
  let uploader: Uploader | null = null;
  let downloader: Downloader | null = null;
  let transport: SyncTransport | null = null;
  let stopStream: (() => void) | null = null;
  let stopTabs: (() => void) | null = null;
  let isConnected = false;
  let hasNetworkFailure = false;
  /** The session is gone (auth) or the server speaks another protocol: wait. */
  let blockedBy: 'auth' | 'incompatible' | null = null;
  let lastError: string | null = null;
  let lastErrorCode: ErrorCode | null = null;
  let lastSyncedAt: number | null = null;
  let pendingCount = 0;
  let failedCount = 0;
  let emitted: SyncStatus | null = null;
  /** The leader's status as a follower last heard it (its counts cover the database
   * both tabs share). */
  let leaderStatus: SyncStatus | null = null;

  // --- status -------------------------------------------------------------------------

  const isLeading = () => isRunning && leadership?.isLeader() === true && transport !== null;

  function currentStatus(): SyncStatus {
    if (isRunning && !isLeading()) return leaderStatus ?? { ...OFFLINE, pendingCount, failedCount };
    const connectivity =
      !isConnected || hasNetworkFailure
        ? 'offline'
        : push.isBusy() || pull.isBusy()
          ? 'syncing'
          : 'online';
    return { connectivity, pendingCount, failedCount, lastError, lastErrorCode, lastSyncedAt };
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
    if (isLeading()) tabs?.post({ type: 'status', status });
    for (const listener of statusListeners) callSafely(() => listener(status));
  }

  function setOnlineUsers(next: ReadonlySet<number>): void {
    onlineUsers = next;
    if (isLeading()) tabs?.post({ type: 'online', userIds: [...next] });
    for (const listener of onlineListeners) callSafely(() => listener(next));
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
    if (blockedBy === null) {
      lastError = null;
      lastErrorCode = null;
    }
    emitStatus();
  }

  function noteFailure(what: string, error: TransportError): void {
    if (error.kind === 'network') hasNetworkFailure = true;
    if (error.kind === 'auth') blockedBy = 'auth';
    if (error.kind === 'incompatible') blockedBy = 'incompatible';
    lastError = `${what}: ${error.message}`;
    lastErrorCode = error.code;
    emitStatus();
  }

  // --- workers ------------------------------------------------------------------------

  const workerDeps = {
    canRun: () => isLeading() && blockedBy === null,
    setTimer,
    clearTimer,
    random,
    backoff,
    onChange: emitStatus,
    onCrash: (error: unknown) => {
      lastError = error instanceof Error ? error.message : String(error);
    },
  };
  const push = createWorker(drainOutbox, workerDeps);
  const pull = createWorker(runPullPass, workerDeps);
  /** What the next pull pass does: a head check, unless something asked for a full pull. */
  let wantedPull: 'full' | 'check' = 'full';
  function requestPull(mode: 'full' | 'check'): void {
    if (mode === 'full') wantedPull = 'full';
    pull.request();
  }

  /** Pushes outbox batches and due receipts until nothing is left to send. */
  async function drainOutbox(): Promise<'done' | 'failed'> {
    for (;;) {
      if (!isLeading() || !transport) return 'done';
      // Receipts first: a push of at most `batchSize` operations always has room for some.
      const due = await receipts.due(Math.min(RECEIPTS_PER_PUSH, batchSize));
      const batch = await outbox.takeBatch(batchSize - due.length, PUSH_BATCH_JSON_CHARS);
      if (batch.length === 0 && due.length === 0) return 'done';
      let answer: PushResult;
      try {
        answer = await transport.push([...batch.map((e) => e.op), ...due.map((r) => r.op)]);
      } catch (error) {
        outbox.release(batch);
        noteFailure('push failed', asTransportError(error));
        return 'failed';
      }
      const answered = new Map(answer.results.map((r) => [r.opId, r.status]));
      // A receipt the server refused for good is dropped too, or it would be due forever.
      const settledReceipts = due.filter((r) => {
        const status = answered.get(r.op.opId);
        return status === 'accepted' || status === 'rejected';
      });
      receipts.confirm(settledReceipts);
      const hasReceiptRetry = settledReceipts.length < due.length;
      let settled: Settled | null = null;
      if (batch.length > 0) {
        try {
          settled = await db.transaction('rw', changeTables(db), async () => {
            const result = await outbox.settle(batch, answer);
            await receipts.persist();
            return result;
          });
        } catch (error) {
          outbox.release(batch);
          throw error;
        }
        await afterApply(settled.applied, 'live');
      } else scheduleReceiptFlush();
      noteSuccess();
      if (settled?.hasRetry || hasReceiptRetry) return 'failed';
    }
  }

  /** Pulls from the stored cursor until the server has nothing more: a full pass brings
   * every change; a head check only versions and marks, and turns into a full pass when a
   * version shows messages this device lacks. */
  async function runPullPass(): Promise<'done' | 'failed'> {
    let mode: 'full' | 'check' = wantedPull;
    wantedPull = 'check';
    let isCursorReset = false;
    for (;;) {
      if (!isLeading() || !transport) return 'done';
      const cursor = (await db.syncState.get('cursor'))?.value ?? null;
      let page: PullResult;
      try {
        page = await transport.pull({ cursor, limit: pageSize, check: mode === 'check' });
      } catch (error) {
        const failure = asTransportError(error);
        // The only error after which a cursor starts over (DESIGN §3.9).
        if (failure.code === 'UNKNOWN_CURSOR' && cursor !== null && !isCursorReset) {
          isCursorReset = true;
          await db.syncState.delete('cursor');
          mode = 'full';
          continue;
        }
        noteFailure('pull failed', failure);
        return 'failed';
      }
      const isMissing = await storePage(page, mode);
      if (isMissing) {
        mode = 'full';
        continue;
      }
      if (!page.hasMore) break;
    }
    if (mode === 'full') {
      ahead = [];
      hasUnknownGap = false;
    }
    lastSyncedAt = now();
    noteSuccess();
    return 'done';
  }

  /** One page, and the cursor that covers it, in one transaction. A head-check page that
   * shows messages missing here keeps the old cursor: returns true. */
  async function storePage(page: PullResult, mode: 'full' | 'check'): Promise<boolean> {
    const outcome = await db.transaction('rw', changeTables(db), async () => {
      const applied = await applyChanges(db, userId, page.changes, mode);
      if (mode === 'check' && applied.gaps.size > 0) return { applied, isMissing: true };
      await db.syncState.put({ key: 'cursor', value: page.cursor });
      await receipts.persist();
      return { applied, isMissing: false };
    });
    await afterApply(outcome.applied, mode);
    return outcome.isMissing;
  }

  // --- the live stream ----------------------------------------------------------------

  /** Live changes waiting for the transaction that will store them. */
  let waiting: ChangeSet[] = [];
  let applying: Promise<void> | null = null;
  /** Version steps that came before the one they follow (docs/sync.md, "Gaps"). */
  let ahead: VersionStep[] = [];
  let gapTimer: TimerHandle | null = null;

  function receiveLive(changes: ChangeSet): void {
    waiting.push(changes);
    applying ??= applyWaiting().finally(() => {
      applying = null;
    });
  }

  async function applyWaiting(): Promise<void> {
    while (waiting.length > 0 && isRunning) {
      const batches = waiting;
      waiting = [];
      const retried = ahead;
      ahead = [];
      const changes: ChangeSet = {
        conversations: batches.flatMap((b) => b.conversations),
        members: batches.flatMap((b) => b.members),
        messages: batches.flatMap((b) => b.messages),
        versions: [...batches.flatMap((b) => b.versions), ...retried],
        rosters: batches.flatMap((b) => b.rosters),
        removed: batches.flatMap((b) => b.removed),
        scheduled: batches.flatMap((b) => b.scheduled ?? []),
      };
      try {
        const applied = await db.transaction('rw', changeTables(db), async () => {
          const result = await applyChanges(db, userId, changes, 'live');
          await receipts.persist();
          return result;
        });
        await afterApply(applied, 'live');
      } catch {
        // The database is closing, or a row could not be stored: the next pull brings it.
        requestPull('full');
      }
    }
  }

  async function afterApply(
    applied: Awaited<ReturnType<typeof applyChanges>>,
    mode: ApplyMode,
  ): Promise<void> {
    if (applied.isReceiptDue) push.request();
    if (mode === 'live' && applied.gaps.size > 0) {
      ahead.push(...applied.ahead);
      const waitingFor = new Set(applied.ahead.map((step) => step.conversationId));
      // Rows of a conversation this device does not know: only a pull brings it.
      if ([...applied.gaps].some((id) => !waitingFor.has(id))) hasUnknownGap = true;
      gapTimer ??= setTimer(() => {
        gapTimer = null;
        void settleGaps();
      }, gapGraceMs);
    }
    if (applied.incoming.length) await announce(applied.incoming.map((message) => ({ message })));
    if (applied.reacted.length) {
      await announce(
        applied.reacted.map(({ message, emoji, userId: by }) => ({
          message,
          reaction: { emoji, userId: by },
        })),
      );
    }
    if (applied.incoming.some((message) => message.attachment)) downloader?.kick();
    void refreshCounts();
  }

  let hasUnknownGap = false;
  /** The grace for out-of-order steps is over: what still does not join is fetched. */
  async function settleGaps(): Promise<void> {
    if (!isLeading()) return;
    if (ahead.length > 0) {
      receiveLive(EMPTY_CHANGES);
      await applying;
    }
    if (ahead.length > 0 || hasUnknownGap) {
      hasUnknownGap = false;
      requestPull('full');
    }
  }

  let receiptFlushTimer: TimerHandle | null = null;
  function scheduleReceiptFlush(): void {
    if (receiptFlushTimer !== null || !receipts.hasUnpersisted()) return;
    receiptFlushTimer = setTimer(() => {
      receiptFlushTimer = null;
      if (!isRunning || !receipts.hasUnpersisted()) return;
      void db.transaction('rw', db.conversations, () => receipts.persist()).catch(() => undefined);
    }, receiptFlushMs);
  }

  let headCheckTimer: TimerHandle | null = null;
  function scheduleHeadCheck(): void {
    if (headCheckTimer !== null) clearTimer(headCheckTimer);
    headCheckTimer = null;
    if (!isLeading() || !isConnected) return;
    headCheckTimer = setTimer(() => {
      headCheckTimer = null;
      requestPull('check');
      scheduleHeadCheck();
    }, headCheckMs);
  }

  function onLiveEvent(event: LiveEvent): void {
    switch (event.type) {
      case 'hello':
        // Every (re)connection: catch up from the stored cursor (the stream is a hint).
        requestPull('full');
        push.request();
        return;
      case 'changes':
        receiveLive(event.changes);
        return;
      case 'catchUp':
        requestPull('full');
        return;
      case 'presence': {
        const next = new Set(event.snapshot ? [] : onlineUsers);
        for (const id of event.online) next.add(id);
        for (const id of event.offline) next.delete(id);
        setOnlineUsers(next);
        return;
      }
    }
  }

  async function announce(
    events: readonly { message: LocalMessage; reaction?: IncomingMessage['reaction'] }[],
  ): Promise<void> {
    if (incomingListeners.size === 0) return;
    const keys = [...new Set(events.map((e) => e.message.convKey))];
    const conversations = new Map(
      (await db.conversations.bulkGet(keys)).flatMap((c) => (c ? [[c.key, c] as const] : [])),
    );
    for (const { message, reaction } of events) {
      const conversation = conversations.get(message.convKey);
      if (!conversation) continue;
      const incoming: IncomingMessage = {
        message,
        conversation,
        ...(reaction ? { reaction } : {}),
      };
      for (const listener of incomingListeners) callSafely(() => listener(incoming));
    }
  }

  // --- leading and following ----------------------------------------------------------

  function lead(): void {
    if (!isRunning || transport) return;
    transport = openTransport();
    if (options.uploads) {
      uploader = createUploader({
        db,
        userId,
        transport: typeof options.uploads === 'function' ? options.uploads() : options.uploads,
        onSendReady: () => push.request(),
      });
      uploader.start();
    }
    if (options.downloads) {
      downloader = createDownloader({
        db,
        transport: options.downloads.transport(),
        limitBytes: options.downloads.limitBytes,
      });
      downloader.start();
    }
    stopStream = transport.subscribe({
      onEvent: onLiveEvent,
      onConnectionChange: (connected) => {
        isConnected = connected;
        // Disconnected, nobody is known to be online; the next connection sends a snapshot.
        if (!connected && onlineUsers.size > 0) setOnlineUsers(new Set());
        if (connected) {
          hasNetworkFailure = false;
          uploader?.kick();
          downloader?.kick();
          // Back online: whatever waited for the network goes now, and a pull from the
          // stored cursor catches up (the stream is only a hint).
          push.reset();
          pull.reset();
          requestPull('full');
          push.request();
        }
        scheduleHeadCheck();
        emitStatus();
      },
      onError: (error) => noteFailure('live stream failed', error),
    });
    requestPull('full');
    push.request();
    void refreshCounts();
  }

  async function follow(): Promise<void> {
    if (!transport) return;
    uploader?.stop();
    uploader = null;
    downloader?.stop();
    downloader = null;
    stopStream?.();
    stopStream = null;
    for (const handle of [headCheckTimer, gapTimer, receiptFlushTimer]) {
      if (handle !== null) clearTimer(handle);
    }
    headCheckTimer = gapTimer = receiptFlushTimer = null;
    push.reset();
    pull.reset();
    await Promise.all([push.settled(), pull.settled(), applying]);
    if (receipts.hasUnpersisted()) {
      await db.transaction('rw', db.conversations, () => receipts.persist()).catch(() => undefined);
    }
    transport.close();
    transport = null;
    isConnected = false;
    emitStatus();
  }

  function onTabMessage(message: TabMessage): void {
    if (isLeading()) {
      if (message.type === 'wake') {
        push.request();
        uploader?.kick();
      } else if (message.type === 'syncNow') syncNow();
      else if (message.type === 'hello') {
        tabs?.post({ type: 'status', status: currentStatus() });
        tabs?.post({ type: 'online', userIds: [...onlineUsers] });
      }
      return;
    }
    if (message.type === 'status') {
      leaderStatus = message.status;
      emitStatus();
    } else if (message.type === 'online') setOnlineUsers(new Set(message.userIds));
  }

  /** A local write may have queued something: the leader pushes it. */
  function wake(): void {
    if (!isRunning) return;
    if (isLeading()) {
      push.request();
      uploader?.kick();
    } else tabs?.post({ type: 'wake' });
  }

  function syncNow(): void {
    if (!isRunning) return;
    if (!isLeading()) {
      tabs?.post({ type: 'syncNow' });
      return;
    }
    blockedBy = null;
    push.reset();
    pull.reset();
    requestPull('full');
    push.request();
  }

  async function afterWrite<T>(result: T, shouldPush = true): Promise<T> {
    void refreshCounts();
    if (shouldPush) wake();
    return result;
  }

  return {
    userId,

    start() {
      if (isRunning) return;
      isRunning = true;
      stopTabs = tabs?.onMessage(onTabMessage) ?? null;
      leadership = electLeader(options.locks ?? null, lockName(userId), (isLeader) => {
        if (isLeader) lead();
        else void follow();
      });
      tabs?.post({ type: 'hello' });
      void refreshCounts();
    },

    async stop() {
      if (!isRunning) return;
      await follow();
      isRunning = false;
      await leadership?.release();
      leadership = null;
      stopTabs?.();
      stopTabs = null;
      waiting = [];
      ahead = [];
      emitStatus();
    },

    syncNow,

    isLeader: () => isLeading(),

    async whenIdle() {
      while (!push.isIdle() || !pull.isIdle() || applying) {
        await Promise.all([push.settled(), pull.settled(), applying]);
        // A worker may be about to start from a callback: let it.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },

    sendMessage: async (convKey, content, replyTo) =>
      afterWrite(await writes.sendMessage(convKey, content, replyTo)),
    sendAttachment: async (convKey, file, caption) =>
      afterWrite(await writes.sendAttachment(convKey, file, caption)),
    editMessage: async (clientMsgId, content) => {
      await afterWrite(undefined, await writes.editMessage(clientMsgId, content));
    },
    deleteMessage: async (clientMsgId) => {
      await afterWrite(undefined, await writes.deleteMessage(clientMsgId));
    },
    toggleReaction: async (clientMsgId, emoji) => {
      await afterWrite(undefined, await writes.toggleReaction(clientMsgId, emoji));
    },
    scheduleMessage: async (convKey, content, dueAt) =>
      afterWrite(await writes.scheduleMessage(convKey, content, dueAt)),
    changeScheduled: async (clientMsgId, change) =>
      afterWrite(await writes.changeScheduled(clientMsgId, change)),
    sendScheduledNow: async (clientMsgId) => afterWrite(await writes.sendScheduledNow(clientMsgId)),
    cancelScheduled: async (clientMsgId) => {
      await afterWrite(undefined, await writes.cancelScheduled(clientMsgId));
    },
    dismissScheduled: async (clientMsgId) =>
      afterWrite(await writes.dismissScheduled(clientMsgId), false),
    // The upload stops when the queue, woken, sees it is no longer waiting.
    cancelUpload: async (clientMsgId) => {
      await afterWrite(undefined, await writes.cancelUpload(clientMsgId));
    },
    retry: async (clientMsgId) => afterWrite(await writes.retry(clientMsgId)),
    // A discarded file's upload stops: the queue is woken to notice.
    discard: async (clientMsgId) => afterWrite(await writes.discard(clientMsgId)),
    retryAll: async () => afterWrite(await writes.retryAll()),
    discardAll: async () => afterWrite(await writes.discardAll(), false),
    openConversation: async (request) => afterWrite(await writes.openConversation(request)),
    createGroup: async (request) => afterWrite(await writes.createGroup(request)),
    changeGroup: async (convKey, change) => {
      await afterWrite(undefined, await writes.changeGroup(convKey, change));
    },
    // Only the leader has the network; another tab's answer is "not now".
    receiptDetails: (clientMsgId) =>
      isLeading() && transport
        ? fetchReceiptDetails(db, transport, clientMsgId)
        : Promise.resolve(null),
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
