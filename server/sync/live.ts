// The live subscription (DESIGN §3.3–3.4): on every (re)connection `hello` (catch up from
// your cursor) and who of the user's partners is online; then the rows that change for
// the user as the bus brings them, merged into one event per wake-up. A subscriber that
// falls too far behind, or whose bus may have lost events, is told to catch up instead.
// The stream ends when its session does.
import { TRPCError } from '@trpc/server';
import { type ChangeSet, type LiveEvent, PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';
import type { SessionIdentity } from '../auth/accounts.ts';
import type { Db } from '../db/prisma.ts';
import type { EventBus } from '../realtime/bus.ts';
import { type OnlineRegistry, partnersOf } from '../realtime/online.ts';

export interface LiveDeps {
  db: Db;
  bus: EventBus;
  online: OnlineRegistry;
  sessionRecheckMs: number;
  /** Whether the session behind this stream is still valid. */
  resolveIdentity: () => Promise<SessionIdentity | null>;
  /** Takes this stream's slot (throws when the user or socket holds too many); the
   * answer gives it back. */
  takeSlot: () => () => void;
}

/** Rows held for a slow subscriber before it is told to catch up instead. */
const MAX_QUEUED_ROWS = 20_000;

function rowCount(changes: ChangeSet): number {
  return (
    changes.conversations.length +
    changes.members.length +
    changes.messages.length +
    changes.versions.length +
    changes.rosters.length +
    (changes.scheduled ?? []).length +
    changes.removed.length
  );
}

function merge(batches: readonly ChangeSet[]): ChangeSet {
  const scheduled = batches.flatMap((b) => b.scheduled ?? []);
  return {
    ...(scheduled.length > 0 ? { scheduled } : {}),
    conversations: batches.flatMap((b) => b.conversations),
    members: batches.flatMap((b) => b.members),
    messages: batches.flatMap((b) => b.messages),
    versions: batches.flatMap((b) => b.versions),
    rosters: batches.flatMap((b) => b.rosters),
    removed: batches.flatMap((b) => b.removed),
  };
}

export async function* liveEvents(
  deps: LiveDeps,
  identity: SessionIdentity,
  signal: AbortSignal | undefined,
): AsyncGenerator<LiveEvent> {
  const { userId, sessionId } = identity;
  const releaseSlot = deps.takeSlot();
  let queued: ChangeSet[] = [];
  let queuedRows = 0;
  let catchUp: Extract<LiveEvent, { type: 'catchUp' }>['reason'] | null = null;
  const presence = new Map<number, boolean>();
  let hasSessionEnded = false;
  let wake: (() => void) | null = null;
  const unsubscribe = deps.bus.subscribe(userId, (event) => {
    switch (event.kind) {
      case 'changes':
        // This device's own push: its answer carried these rows.
        if (event.originSessionId === sessionId) return;
        queuedRows += rowCount(event.changes);
        if (queuedRows > MAX_QUEUED_ROWS) {
          queued = [];
          queuedRows = 0;
          catchUp = 'lagging';
        } else if (catchUp !== 'lagging') queued.push(event.changes);
        break;
      case 'catchUp':
        if (event.originSessionId === sessionId) return;
        catchUp ??= event.originSessionId === undefined ? 'bus-reconnected' : 'possibly-missed';
        break;
      case 'presence':
        presence.set(event.userId, event.online);
        break;
      case 'sessionEnded':
        if (event.sessionId !== sessionId) return;
        hasSessionEnded = true;
        break;
    }
    wake?.();
  });
  let disconnect: () => Promise<void>;
  try {
    disconnect = await deps.online.connect(userId);
  } catch (error) {
    unsubscribe();
    releaseSlot();
    throw error;
  }
  // Not a race against an "aborted" promise: each race would leave a reaction on it for
  // the stream's whole life.
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  let checkedAt = Date.now();
  try {
    yield { type: 'hello', protocolVersion: PROTOCOL_VERSION };
    const present = await deps.online.onlineAmong(await partnersOf(deps.db, userId));
    yield { type: 'presence', snapshot: true, online: [...present], offline: [] };
    while (!signal?.aborted) {
      if (queued.length === 0 && catchUp === null && presence.size === 0 && !hasSessionEnded) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, checkedAt + deps.sessionRecheckMs - Date.now());
        });
        clearTimeout(timer);
        wake = null;
      }
      if (signal?.aborted) break;
      // A stream opened before a sign-out must end with it, not outlive it: at once when
      // the sign-out is announced, else on a clock (a busy stream would otherwise cost a
      // query an event), which also catches expiry.
      if (hasSessionEnded) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'session ended' });
      if (Date.now() - checkedAt >= deps.sessionRecheckMs) {
        if (!(await deps.resolveIdentity())) {
          throw new TRPCError({ code: 'UNAUTHORIZED', message: 'session ended' });
        }
        checkedAt = Date.now();
      }
      if (presence.size > 0) {
        const entries = [...presence];
        presence.clear();
        yield {
          type: 'presence',
          snapshot: false,
          online: entries.filter(([, on]) => on).map(([id]) => id),
          offline: entries.filter(([, on]) => !on).map(([id]) => id),
        };
      }
      if (catchUp !== null) {
        const reason = catchUp;
        catchUp = null;
        queued = [];
        queuedRows = 0;
        yield { type: 'catchUp', reason };
      } else if (queued.length > 0) {
        const batches = queued;
        queued = [];
        queuedRows = 0;
        yield { type: 'changes', changes: merge(batches) };
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
    releaseSlot();
    await disconnect();
  }
}
