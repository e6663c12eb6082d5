// The durable outbox (DESIGN §3.1–3.2): operations wait here, in the order the user
// acted, until the server accepts them or refuses them for good. Each is parsed with the
// protocol's schema when taken; one that does not parse, or that the server refuses, is
// recorded and skipped, never retried on its own, so it cannot block the ones behind it.
// Receipts are not here: they are the conversation's watermarks (see receipts.ts).
import type { Roster } from '../../shared/groups.ts';
import type { ConversationView } from '../../shared/model.ts';
import type { ScheduledView } from '../../shared/scheduled.ts';
import {
  type OpResult,
  type PushOp,
  type PushResult,
  pushOpSchema,
  type SyncMessage,
} from '../../shared/sync/protocol.ts';
import { type Applied, adoptServerConversation, applyChanges } from './apply-changes.ts';
import { clientConvIdOf, withServerRef } from './conversation-refs.ts';
import { refreshConversationStats } from './conversation-stats.ts';
import type { ChatDatabase, OutboxEntry } from './db.ts';
import { type Failure, failMessageOps } from './failures.ts';
import {
  confirmedLeaving,
  failGroupChanges,
  rederiveGroups,
  refuseGroupChange,
} from './group-store.ts';
import { shownReactions } from './reactions.ts';
import { isScheduledChange, refuseScheduledChange } from './scheduled-store.ts';

export interface Settled {
  /** Some operations should be tried again later (the server said "retry"). */
  hasRetry: boolean;
  rejected: number;
  applied: Applied;
}

export interface Outbox {
  /** The next operations to push, oldest first, skipping refused ones: at most `max` of
   * them and, beyond the first, at most `maxJsonChars` of operations as JSON. Marks them in
   * flight until `settle` or `release`. Entries that do not parse are failed on the way. */
  takeBatch(max: number, maxJsonChars?: number): Promise<OutboxEntry[]>;
  /** Applies the server's answers to a batch taken before, and what the push changed.
   * Call inside a transaction over the change tables (see apply-changes.ts). */
  settle(batch: readonly OutboxEntry[], answer: PushResult): Promise<Settled>;
  /** The batch's push failed as a whole: it will be taken again. */
  release(batch: readonly OutboxEntry[]): void;
  add(entry: Omit<OutboxEntry, 'seq' | 'kind' | 'rejected'>): Promise<number>;
}

export interface OutboxDeps {
  db: ChatDatabase;
  userId: number;
}

const UNREADABLE: Failure = {
  code: 'VALIDATION_FAILED',
  reason: 'this change could not be read back from storage',
};

export function createOutbox({ db, userId }: OutboxDeps): Outbox {
  // Only one push is in flight; its entries must not be rewritten under it.
  const inFlight = new Set<number>();

  const add: Outbox['add'] = async (entry) => {
    const seq = await db.outbox.add({ ...entry, kind: entry.op.kind, rejected: null });
    return Number(seq);
  };

  return {
    add,

    async takeBatch(max, maxJsonChars = Number.POSITIVE_INFINITY) {
      // Read-only: taking a batch writes nothing, unless an entry cannot be read back.
      const { readable, unreadable, serverIds } = await db.transaction(
        'r',
        [db.outbox, db.conversations],
        async () => {
          // A reply to one's own message waits while that message's send does (its file
          // uploads, it failed, or it is on its way): the server must have the original
          // first. The outbox is read in order, so a held send holds its replies.
          const held = new Set<string>();
          const candidates = await db.outbox
            .filter((e) => {
              const isTaken =
                e.rejected === null &&
                !e.waitsForUpload &&
                !inFlight.has(e.seq ?? 0) &&
                !(e.kind === 'send' && answersHeld(e, held));
              if (!isTaken && e.kind === 'send' && e.clientMsgId) held.add(e.clientMsgId);
              return isTaken;
            })
            .limit(max)
            .toArray();
          const readable: OutboxEntry[] = [];
          const unreadable: OutboxEntry[] = [];
          for (const entry of candidates) {
            const parsed = pushOpSchema.safeParse(entry.op);
            if (parsed.success) readable.push({ ...entry, op: parsed.data });
            else unreadable.push(entry);
          }
          const taken = withinJsonChars(readable, maxJsonChars);
          return { readable: taken, unreadable, serverIds: await conversationServerIds(db, taken) };
        },
      );
      if (unreadable.length > 0) {
        await db.transaction(
          'rw',
          [db.outbox, db.conversations, db.messages, db.scheduled],
          async () => {
            const touched = new Set<string>();
            for (const entry of unreadable)
              await refuse(db, userId, entry, UNREADABLE, touched, new Set());
            await refreshConversationStats(db, userId, touched);
          },
        );
      }
      return readable.map((entry) => {
        if (entry.seq !== undefined) inFlight.add(entry.seq);
        return { ...entry, op: resolveRefs(entry.op, serverIds) };
      });
    },

    release(batch) {
      for (const entry of batch) if (entry.seq !== undefined) inFlight.delete(entry.seq);
    },

    async settle(batch, answer) {
      const byOpId = new Map(answer.results.map((r) => [r.opId, r]));
      const current = await db.outbox.bulkGet(batch.map((e) => e.seq ?? 0));
      for (const entry of batch) if (entry.seq !== undefined) inFlight.delete(entry.seq);
      const done: number[] = [];
      // Entries of this batch get their own answers; a refusal marks only later ones.
      const inBatch = new Set(batch.map((e) => e.seq ?? 0));
      const messages: SyncMessage[] = [];
      const rosters: Roster[] = [];
      const views: ConversationView[] = [];
      const scheduled: ScheduledView[] = [];
      const touched = new Set<string>();
      const regrouped = new Set<string>();
      let hasRetry = false;
      let rejected = 0;
      for (const [i, sent] of batch.entries()) {
        const entry = current[i];
        const result: OpResult | undefined = byOpId.get(sent.op.opId);
        if (!result || result.status === 'retry') {
          hasRetry = true;
          continue;
        }
        if (result.status === 'accepted') {
          done.push(sent.seq ?? 0);
          const { op } = sent;
          if (
            (op.kind === 'createConversation' || op.kind === 'createGroup') &&
            result.conversation
          ) {
            touched.add(await adoptServerConversation(db, op.clientConvId, result.conversation));
          }
          if (op.kind === 'changeGroup' && sent.convKey) {
            // What the server answered is the group's facts, never the change replayed
            // over them: the roster (below), or the view of a group this user left.
            views.push(...(await confirmedLeaving(db, sent.convKey, result)));
            regrouped.add(sent.convKey);
          }
          if (result.roster) rosters.push(result.roster);
          if (result.message) messages.push(result.message);
          if (result.scheduled) scheduled.push(result.scheduled);
          continue;
        }
        rejected++;
        // Discarded while in flight: nothing left to mark.
        if (!entry) continue;
        await refuse(
          db,
          userId,
          entry,
          { code: result.code, reason: result.reason },
          touched,
          inBatch,
        );
      }
      // Finished operations leave first, so the merge below no longer sees them as
      // local changes still waiting.
      await db.outbox.bulkDelete(done);
      const applied = await applyChanges(
        db,
        userId,
        {
          conversations: views,
          members: answer.members,
          messages,
          versions: answer.versions,
          rosters: [...rosters, ...answer.rosters],
          removed: [],
          scheduled,
        },
        'live',
      );
      await rederiveGroups(db, userId, regrouped);
      if (touched.size) await refreshConversationStats(db, userId, touched);
      return { hasRetry, rejected, applied };
    },
  };
}

/** Whether a send answers a message whose own send is held back. */
function answersHeld(entry: OutboxEntry, held: ReadonlySet<string>): boolean {
  const { op } = entry;
  return (
    op.kind === 'send' &&
    op.replyTo !== undefined &&
    'clientMsgId' in op.replyTo &&
    held.has(op.replyTo.clientMsgId)
  );
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

/** Server ids (where known) of the conversations operations in `entries` name by client
 * id. */
async function conversationServerIds(
  db: ChatDatabase,
  entries: readonly OutboxEntry[],
): Promise<Map<string, number>> {
  const keys = new Set(entries.flatMap(({ op }) => clientConvIdOf(op) ?? []));
  if (keys.size === 0) return new Map();
  const conversations = await db.conversations.bulkGet([...keys]);
  return new Map(conversations.flatMap((c) => (c?.serverId ? [[c.key, c.serverId] as const] : [])));
}

/** An operation of a conversation created earlier may still name it by its client id;
 * once the server id is known, use that (the create may have been in an earlier push). */
function resolveRefs(op: PushOp, serverIds: ReadonlyMap<string, number>): PushOp {
  const clientConvId = clientConvIdOf(op);
  const conversationId = clientConvId === null ? undefined : serverIds.get(clientConvId);
  return conversationId ? withServerRef(op, conversationId) : op;
}

/** Records a refusal for good: the entry is kept (for retry) but skipped; the message
 * turns failed with the reason; operations that depend on it fail with it. */
async function refuse(
  db: ChatDatabase,
  userId: number,
  entry: OutboxEntry,
  failure: Failure,
  touched: Set<string>,
  inBatch: ReadonlySet<number>,
): Promise<void> {
  const seq = entry.seq ?? 0;
  if (entry.kind === 'react') {
    // A reaction the server refused (the message went) is dropped, and the message shows
    // what the server has, with the changes still waiting.
    await db.transaction('rw', [db.outbox, db.messages], async () => {
      await db.outbox.delete(seq);
      const message = entry.clientMsgId ? await db.messages.get(entry.clientMsgId) : undefined;
      if (!message) return;
      const waiting = (
        await db.outbox.where('[convKey+kind]').equals([message.convKey, 'react']).toArray()
      ).flatMap((e) =>
        e.clientMsgId === message.clientMsgId && e.op.kind === 'react' ? [e.op] : [],
      );
      await db.messages.update(message.clientMsgId, {
        reactions: shownReactions(message.confirmedReactions ?? [], waiting, userId),
      });
    });
    return;
  }
  if (entry.kind === 'changeGroup') {
    await refuseGroupChange(db, userId, entry, failure);
    return;
  }
  if (isScheduledChange(entry)) {
    await refuseScheduledChange(db, entry, failure);
    return;
  }
  if (entry.kind === 'createConversation' || entry.kind === 'createGroup') {
    await db.outbox.update(seq, { rejected: failure });
    const key = entry.convKey;
    if (!key) return;
    await db.conversations.update(key, { createFailure: failure });
    const dependent =
      failure.code === 'CONVERSATION_REJECTED'
        ? failure
        : { code: 'CONVERSATION_REJECTED', reason: `conversation was rejected: ${failure.reason}` };
    const sends = await db.outbox.where('[convKey+kind]').equals([key, 'send']).toArray();
    for (const send of sends) {
      if (send.rejected === null && !inBatch.has(send.seq ?? 0)) {
        await failMessageOps(db, send.clientMsgId, dependent, touched, inBatch);
      }
    }
    await failGroupChanges(db, userId, key, dependent, inBatch);
    touched.add(key);
    return;
  }
  await db.outbox.update(seq, { rejected: failure });
  await failMessageOps(db, entry.clientMsgId, failure, touched, inBatch);
}
