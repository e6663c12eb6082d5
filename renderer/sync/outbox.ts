// The durable outbox (DESIGN §3.1–3.2): operations wait here, in the order the user
// acted, until the server accepts them or refuses them for good. A refused operation is
// recorded and skipped, never retried on its own, so it cannot block the ones behind it.
import type { MessageView } from '../../shared/model.ts';
import type { OpResult, PushOp } from '../../shared/sync/protocol.ts';
import { refreshConversationStats } from './conversation-stats.ts';
import type { ChatDatabase, LocalConversation, OutboxEntry } from './db.ts';
import { adoptServerConversation, type StoredMessages, storeMessages } from './server-data.ts';

export type ReceiptKind = 'deliveredUpTo' | 'readUpTo';

export interface PushOutcome {
  /** Some operations should be tried again later (server said "retry"). */
  hasRetry: boolean;
  rejected: number;
  stored: StoredMessages;
}

export interface Outbox {
  /** The next operations to push, oldest first, skipping refused ones: at most `max` of
   * them and, beyond the first, at most `maxJsonChars` of operations as JSON. Marks them in
   * flight until `settle` or `release`. */
  takeBatch(max: number, maxJsonChars?: number): Promise<OutboxEntry[]>;
  /** Applies the server's per-operation answers to a batch taken before. */
  settle(batch: OutboxEntry[], results: readonly OpResult[]): Promise<PushOutcome>;
  /** The batch's push failed as a whole: it will be taken again. */
  release(batch: OutboxEntry[]): void;
  /** Queues a receipt, raising a waiting one of the same kind instead of adding another.
   * Call inside a transaction over conversations and outbox. */
  queueReceipt(
    conversation: LocalConversation,
    kind: ReceiptKind,
    messageId: number,
  ): Promise<boolean>;
  add(
    entry: Omit<OutboxEntry, 'seq' | 'kind' | 'attempts' | 'nextAttemptAt' | 'rejected'>,
  ): Promise<number>;
}

export interface OutboxDeps {
  db: ChatDatabase;
  userId: number;
  newId: () => string;
}

type Failure = { code: string; reason: string };

export function createOutbox({ db, userId, newId }: OutboxDeps): Outbox {
  // Only one push is in flight; its entries must not be rewritten under it. The set is
  // read and changed inside transactions only after an awaited request, when every
  // earlier overlapping transaction has committed (IndexedDB serializes them by then).
  const inFlight = new Set<number>();

  const add: Outbox['add'] = (entry) =>
    db.outbox.add({
      ...entry,
      kind: entry.op.kind,
      attempts: 0,
      nextAttemptAt: 0,
      rejected: null,
    }) as Promise<number>;

  return {
    add,

    takeBatch(max, maxJsonChars = Number.POSITIVE_INFINITY) {
      return db.transaction('rw', db.outbox, db.conversations, async () => {
        const candidates = await db.outbox
          .filter((e) => e.rejected === null)
          .limit(max)
          .toArray();
        const entries = withinJsonChars(candidates, maxJsonChars);
        const serverIds = await conversationServerIds(db, entries);
        return entries.map((entry) => {
          inFlight.add(entry.seq!);
          return { ...entry, op: resolveRefs(entry.op, serverIds) };
        });
      });
    },

    release(batch) {
      for (const entry of batch) inFlight.delete(entry.seq!);
    },

    settle(batch, results) {
      return db.transaction(
        'rw',
        [db.conversations, db.messages, db.outbox, db.drafts],
        async () => {
          const byOpId = new Map(results.map((r) => [r.opId, r]));
          const current = await db.outbox.bulkGet(batch.map((e) => e.seq!));
          // Only now: Dexie runs a transaction's body before earlier transactions finish,
          // so the flags may change only after this transaction's first request is served.
          for (const entry of batch) inFlight.delete(entry.seq!);
          const done: number[] = [];
          // Entries of this batch get their own answers; a refusal marks only later ones.
          const inBatch = new Set(batch.map((e) => e.seq!));
          const views: MessageView[] = [];
          const touched = new Set<string>();
          let hasRetry = false;
          let rejected = 0;
          for (const [i, sent] of batch.entries()) {
            const entry = current[i];
            const result = byOpId.get(sent.op.opId);
            if (!result || result.status === 'retry') {
              hasRetry = true;
              if (entry) await db.outbox.update(sent.seq!, { attempts: entry.attempts + 1 });
              continue;
            }
            if (result.status === 'accepted') {
              done.push(sent.seq!);
              if (sent.op.kind === 'createConversation' && result.conversation) {
                touched.add(
                  await adoptServerConversation(db, sent.op.clientConvId, result.conversation),
                );
              }
              if (result.message) views.push(result.message);
              continue;
            }
            rejected++;
            // Discarded while in flight: nothing left to mark.
            if (!entry) continue;
            await refuse(db, entry, { code: result.code, reason: result.reason }, touched, inBatch);
          }
          // Finished operations leave first, so the merge below no longer sees them as
          // local changes still waiting.
          await db.outbox.bulkDelete(done);
          const stored = await storeMessages(db, userId, views);
          await refreshConversationStats(db, [...touched, ...stored.touched]);
          return { hasRetry, rejected, stored };
        },
      );
    },

    async queueReceipt(conversation, kind, messageId) {
      if (conversation.serverId === null) return false;
      const floor = Math.max(
        kind === 'readUpTo' ? 0 : (conversation.deliveredQueuedUpTo ?? 0),
        conversation.readQueuedUpTo ?? 0,
      );
      if (messageId <= floor) return false;
      const waiting = (
        await db.outbox.where('[convKey+kind]').equals([conversation.key, kind]).toArray()
      ).find((e) => e.rejected === null && !inFlight.has(e.seq!));
      if (waiting && waiting.op.kind === kind) {
        await db.outbox.update(waiting.seq!, {
          op: { ...waiting.op, messageId: Math.max(waiting.op.messageId, messageId) },
        });
      } else {
        await add({
          op: { opId: newId(), kind, conversationId: conversation.serverId, messageId },
          clientMsgId: null,
          convKey: conversation.key,
        });
      }
      const field = kind === 'readUpTo' ? 'readQueuedUpTo' : 'deliveredQueuedUpTo';
      conversation[field] = messageId;
      await db.conversations.update(conversation.key, { [field]: messageId });
      return true;
    },
  };
}

/** The leading entries whose operations fit in `maxJsonChars` as JSON; always the first. */
function withinJsonChars(entries: readonly OutboxEntry[], maxJsonChars: number): OutboxEntry[] {
  let chars = 0;
  let count = 0;
  for (const entry of entries) {
    chars += JSON.stringify(entry.op).length;
    if (count > 0 && chars > maxJsonChars) break;
    count++;
  }
  return entries.slice(0, count);
}

/** Server ids (where known) of the conversations sends in `entries` name by client id. */
async function conversationServerIds(
  db: ChatDatabase,
  entries: readonly OutboxEntry[],
): Promise<Map<string, number>> {
  const keys = new Set<string>();
  for (const { op } of entries) {
    if (op.kind === 'send' && 'clientConvId' in op.conversation) {
      keys.add(op.conversation.clientConvId);
    }
  }
  if (keys.size === 0) return new Map();
  const conversations = await db.conversations.bulkGet([...keys]);
  return new Map(conversations.flatMap((c) => (c?.serverId ? [[c.key, c.serverId] as const] : [])));
}

/** A send of a conversation created earlier may still name it by its client id; once
 * the server id is known, use that (the create may have been in an earlier push). */
function resolveRefs(op: PushOp, serverIds: ReadonlyMap<string, number>): PushOp {
  if (op.kind !== 'send' || !('clientConvId' in op.conversation)) return op;
  const conversationId = serverIds.get(op.conversation.clientConvId);
  return conversationId ? { ...op, conversation: { conversationId } } : op;
}

/** Records a refusal for good: the entry is kept (for retry) but skipped; the message
 * turns failed with the reason; operations that depend on it fail with it. */
async function refuse(
  db: ChatDatabase,
  entry: OutboxEntry,
  failure: Failure,
  touched: Set<string>,
  inBatch: ReadonlySet<number>,
): Promise<void> {
  switch (entry.op.kind) {
    case 'deliveredUpTo':
    case 'readUpTo':
      // Nothing to show on a receipt; a later one covers the same messages.
      await db.outbox.delete(entry.seq!);
      return;
    case 'createConversation': {
      await db.outbox.update(entry.seq!, { rejected: failure });
      const key = entry.op.clientConvId;
      await db.conversations.update(key, { createFailure: failure });
      const dependent =
        failure.code === 'CONVERSATION_REJECTED'
          ? failure
          : {
              code: 'CONVERSATION_REJECTED',
              reason: `conversation was rejected: ${failure.reason}`,
            };
      const sends = await db.outbox.where('[convKey+kind]').equals([key, 'send']).toArray();
      for (const send of sends) {
        if (send.rejected === null && !inBatch.has(send.seq!)) {
          await failMessageOps(db, send.clientMsgId, dependent, touched, inBatch);
        }
      }
      touched.add(key);
      return;
    }
    default:
      await db.outbox.update(entry.seq!, { rejected: failure });
      await failMessageOps(db, entry.clientMsgId, failure, touched, inBatch);
  }
}

/** Marks every waiting operation of a message refused and the message failed. */
async function failMessageOps(
  db: ChatDatabase,
  clientMsgId: string | null,
  failure: Failure,
  touched: Set<string>,
  inBatch: ReadonlySet<number>,
): Promise<void> {
  if (!clientMsgId) return;
  await db.outbox
    .where('clientMsgId')
    .equals(clientMsgId)
    .modify((e) => {
      if (!inBatch.has(e.seq!)) e.rejected ??= failure;
    });
  const message = await db.messages.get(clientMsgId);
  if (!message) return;
  // The first refusal is the reason worth showing; later ones follow from it.
  if (message.status !== 'failed')
    await db.messages.update(clientMsgId, { status: 'failed', failure });
  touched.add(message.convKey);
}
