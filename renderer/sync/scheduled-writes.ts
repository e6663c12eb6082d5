// Messages written for later, scheduled, changed, sent now and cancelled on the device
// first (DESIGN §3.1, docs/scheduling.md): each action changes the row and queues its
// operation in one transaction, so it works offline. Changes to one message coalesce:
// each `schedule` carries the whole message, so a newer one replaces those still
// waiting; `at` is when the user acted, and the server keeps the later change.
import { SCHEDULE_LIMITS } from '../../shared/scheduled.ts';
import type { OpOfKind } from '../../shared/sync/protocol.ts';
import type { ScheduledChange } from './api.ts';
import type { ChatDatabase, LocalConversation, LocalScheduled } from './db.ts';
import { isReadOnly, LEFT_GROUP_ERROR } from './groups.ts';
import type { Outbox } from './outbox.ts';
import { waitingScheduledChanges } from './scheduled-store.ts';
import { prepareMessageText } from './typed-text.ts';

export interface ScheduledWriteDeps {
  db: ChatDatabase;
  now: () => number;
  newId: () => string;
  outbox: Outbox;
  /** Queues the create of a conversation started here, if the server does not have it. */
  ensureCreateQueued: (conversation: LocalConversation) => Promise<void>;
}

export const ALREADY_SENT_ERROR = 'this message was already sent';

/** The due time as the server takes it, or an error the UI can show. */
function prepareDueAt(dueAt: Date, now: number): string {
  const ms = dueAt.getTime();
  if (!Number.isFinite(ms)) throw new Error('the time to send it is not a valid time');
  if (ms - now > SCHEDULE_LIMITS.maxAheadMs) {
    throw new Error('a message can be scheduled at most a year ahead');
  }
  return dueAt.toISOString();
}

export function createScheduledWrites({
  db,
  now,
  newId,
  outbox,
  ensureCreateQueued,
}: ScheduledWriteDeps) {
  const inTransaction = <T>(work: () => Promise<T>) =>
    db.transaction('rw', [db.conversations, db.outbox, db.scheduled], work);

  async function writableConversation(convKey: string): Promise<LocalConversation> {
    const conversation = await db.conversations.get(convKey);
    if (!conversation) throw new Error('the conversation of this message is gone');
    if (isReadOnly(conversation)) throw new Error(LEFT_GROUP_ERROR);
    await ensureCreateQueued(conversation);
    return conversation;
  }

  /** Queues `op` after dropping the changes it makes obsolete. A cancel keeps a schedule
   * the server may not have answered yet: it may be on its way, and a cancel of a
   * message the server never had is refused. */
  async function queue(
    row: LocalScheduled,
    op: OpOfKind<'schedule'> | OpOfKind<'cancelScheduled'>,
  ): Promise<void> {
    const waiting = await waitingScheduledChanges(db, [row.clientMsgId]);
    const isKept = (kind: string) =>
      op.kind === 'cancelScheduled' && row.confirmed === null && kind === 'schedule';
    await db.outbox.bulkDelete(waiting.filter((e) => !isKept(e.kind)).map((e) => e.seq ?? 0));
    await outbox.add({ op, clientMsgId: row.clientMsgId, convKey: row.convKey });
  }

  async function scheduleAs(row: LocalScheduled): Promise<void> {
    const conversation = await writableConversation(row.convKey);
    await db.scheduled.put(row);
    await queue(row, {
      opId: newId(),
      kind: 'schedule',
      conversation:
        conversation.serverId !== null
          ? { conversationId: conversation.serverId }
          : { clientConvId: conversation.key },
      clientMsgId: row.clientMsgId,
      content: row.content,
      dueAt: row.dueAt,
      at: new Date(now()).toISOString(),
    });
  }

  async function waitingRow(clientMsgId: string): Promise<LocalScheduled> {
    const row = await db.scheduled.get(clientMsgId);
    if (!row) throw new Error('this scheduled message is no longer here');
    if (row.state === 'sent' || row.confirmed?.state === 'sent') {
      throw new Error(ALREADY_SENT_ERROR);
    }
    return row;
  }

  async function change(clientMsgId: string, wanted: ScheduledChange): Promise<void> {
    const content = wanted.content === undefined ? null : prepareMessageText(wanted.content);
    const dueAt = wanted.dueAt === undefined ? null : prepareDueAt(wanted.dueAt, now());
    await inTransaction(async () => {
      const row = await waitingRow(clientMsgId);
      await scheduleAs({
        ...row,
        content: content ?? row.content,
        dueAt: dueAt ?? row.dueAt,
        state: 'scheduled',
        failure: null,
      });
    });
  }

  return {
    /** Returns the id the message will have once sent. */
    async scheduleMessage(convKey: string, content: string, dueAt: Date): Promise<string> {
      const text = prepareMessageText(content);
      const due = prepareDueAt(dueAt, now());
      const clientMsgId = newId();
      await inTransaction(async () => {
        const waiting = await db.scheduled.filter((r) => r.state === 'scheduled').count();
        if (waiting >= SCHEDULE_LIMITS.pendingPerUser) {
          throw new Error(
            `at most ${SCHEDULE_LIMITS.pendingPerUser} scheduled messages may wait at once`,
          );
        }
        await scheduleAs({
          clientMsgId,
          convKey,
          content: text,
          dueAt: due,
          state: 'scheduled',
          confirmed: null,
          failure: null,
        });
      });
      return clientMsgId;
    },

    changeScheduled: change,

    /** Sends it at once: due now, so the server sends it as soon as it has the change. */
    sendScheduledNow(clientMsgId: string): Promise<void> {
      return change(clientMsgId, { dueAt: new Date(now()) });
    },

    /** Returns whether an operation was queued. */
    async cancelScheduled(clientMsgId: string): Promise<boolean> {
      return inTransaction(async () => {
        const row = await waitingRow(clientMsgId);
        const waiting = await waitingScheduledChanges(db, [clientMsgId]);
        // Nothing of it waits on the server: the server never had it, or cancelled it.
        if (
          waiting.length === 0 &&
          (row.confirmed === null || row.confirmed.state === 'cancelled')
        ) {
          await db.scheduled.delete(clientMsgId);
          return false;
        }
        const cancelled: LocalScheduled = { ...row, state: 'cancelled', failure: null };
        await db.scheduled.put(cancelled);
        await queue(cancelled, {
          opId: newId(),
          kind: 'cancelScheduled',
          clientMsgId,
          at: new Date(now()).toISOString(),
        });
        return true;
      });
    },

    /** Takes a message whose failure the user has seen off the list. */
    async dismissScheduled(clientMsgId: string): Promise<void> {
      await inTransaction(async () => {
        const row = await db.scheduled.get(clientMsgId);
        const waiting = await waitingScheduledChanges(db, [clientMsgId]);
        if (row && waiting.length === 0 && (row.failure !== null || row.state !== 'scheduled')) {
          await db.scheduled.delete(clientMsgId);
        }
      });
    },
  };
}
