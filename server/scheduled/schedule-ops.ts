// Scheduling a message, changing it and taking it back (docs/scheduling.md). Every
// change names the scheduled message by the id it will have once sent, carries the time
// the user made it on their device (the later change wins, whatever order devices push
// in), and is refused once the server has sent the message. The row is locked for the
// change, so a change and the delivery take turns: whichever comes second sees the other.
import { changeStamp } from '../../shared/change-stamp.ts';
import { SCHEDULE_LIMITS } from '../../shared/scheduled.ts';
import { EMPTY_CHANGES, type OpOfKind, type OpResult } from '../../shared/sync/protocol.ts';
import { NO_LONGER_A_MEMBER, standingOf } from '../chat/membership.ts';
import type { SqlRunner } from '../db/sql.ts';
import {
  type Caller,
  type Outcome,
  rejected,
  resultsOnly,
  type SyncContext,
} from '../sync/context.ts';
import { EPOCH_STAMP } from '../sync/ops/message-change.ts';
import { type ScheduledRow, scheduledRow, toScheduledView } from './rows.ts';

type ScheduleOp = OpOfKind<'schedule'>;
type CancelOp = OpOfKind<'cancelScheduled'>;

/** A refusal decided inside the transaction: nothing of it is kept. */
class Refused extends Error {
  constructor(readonly result: OpResult) {
    super(result.status === 'rejected' ? result.reason : 'refused');
  }
}

const alreadySent = (opId: string, row: ScheduledRow) =>
  rejected(
    opId,
    'ALREADY_SENT',
    `already sent${row.sent_at ? ` at ${row.sent_at.toISOString()}` : ''}: it can no longer be changed`,
  );

/** Whether the message is stored already though its row does not say so yet: a
 * delivery round that stored it and died before marking it. The row is marked now. */
async function sentMeanwhile(tx: SqlRunner, row: ScheduledRow): Promise<boolean> {
  const [message] = await tx.rows<{ message_id: number; created_at: Date | null }>(
    'SELECT message_id, created_at FROM messages WHERE sender_id = ? AND client_msg_id = ?',
    [row.sender_id, row.client_msg_id],
  );
  if (!message) return false;
  await tx.write(
    `UPDATE scheduled_messages
        SET state = 'sent', message_id = ?, sent_at = ?, updated_at = CURRENT_TIMESTAMP(3),
            change_epoch = ${EPOCH_STAMP}
      WHERE sender_id = ? AND client_msg_id = ?`,
    [message.message_id, message.created_at, row.sender_id, row.client_msg_id],
  );
  row.state = 'sent';
  row.sent_at = message.created_at;
  return true;
}

/** The op is the one that made the stored row what it is (a retry after a lost answer). */
const isRetryOf = (row: ScheduledRow, opId: string) => row.stamp.endsWith(`|${opId}`);

/** A user's scheduled messages are counted one push at a time: the count and the write
 * that follows it cannot interleave with another push's. */
async function countedFor<T>(tx: SqlRunner, userId: number, work: () => Promise<T>): Promise<T> {
  const [taken] = await tx.rows<{ ok: number | null }>('SELECT GET_LOCK(?, 5) AS ok', [
    `timenest-scheduled-${userId}`,
  ]);
  if (!taken?.ok) throw new Error('could not take the scheduled-messages lock');
  try {
    return await work();
  } finally {
    await tx.rows('SELECT RELEASE_LOCK(?)', [`timenest-scheduled-${userId}`]);
  }
}

async function hasRoomFor(tx: SqlRunner, userId: number): Promise<boolean> {
  const [pending] = await tx.rows<{ n: number }>(
    `SELECT COUNT(*) AS n FROM scheduled_messages WHERE sender_id = ? AND state = 'scheduled'`,
    [userId],
  );
  return Number(pending?.n ?? 0) < SCHEDULE_LIMITS.pendingPerUser;
}

const TOO_MANY = `at most ${SCHEDULE_LIMITS.pendingPerUser} scheduled messages may wait at once`;

/** What the sender's devices are told of a scheduled message after a change. */
async function answer(
  sql: SqlRunner,
  caller: Caller,
  opId: string,
  clientMsgId: string,
  { isChanged }: { isChanged: boolean },
): Promise<Outcome> {
  const row = await scheduledRow(sql, caller.userId, clientMsgId);
  if (!row) return resultsOnly([rejected(opId, 'NOT_FOUND', 'scheduled message not found')]);
  const scheduled = toScheduledView(row);
  return {
    results: [{ opId, status: 'accepted', scheduled, ...(isChanged ? {} : { duplicate: true }) }],
    publications: isChanged
      ? [{ to: [caller.userId], changes: { ...EMPTY_CHANGES, scheduled: [scheduled] } }]
      : [],
    versions: [],
    members: [],
  };
}

export async function applySchedule(
  ctx: SyncContext,
  caller: Caller,
  op: ScheduleOp,
  conversationId: number,
  now = Date.now(),
): Promise<Outcome> {
  const me = caller.userId;
  const dueMs = Date.parse(op.dueAt);
  if (dueMs > now + SCHEDULE_LIMITS.maxAheadMs) {
    return resultsOnly([rejected(op.opId, 'VALIDATION_FAILED', 'dueAt: at most a year ahead')]);
  }
  const standing = await standingOf(ctx.sql, conversationId, me);
  if (!standing) return resultsOnly([rejected(op.opId, 'NOT_FOUND', 'conversation not found')]);
  if (!standing.isCurrent) {
    return resultsOnly([rejected(op.opId, 'FORBIDDEN', NO_LONGER_A_MEMBER)]);
  }
  const stamp = changeStamp(op.at, now, op.opId);
  // A time already past sends it at once (Send now).
  const dueAt = new Date(Math.max(dueMs, 0));
  try {
    const isChanged = await ctx.sql.transaction((tx) =>
      countedFor(tx, me, async () => {
        const stored = await scheduledRow(tx, me, op.clientMsgId, true);
        if (!stored) {
          const [sent] = await tx.rows<{ message_id: number }>(
            'SELECT message_id FROM messages WHERE sender_id = ? AND client_msg_id = ?',
            [me, op.clientMsgId],
          );
          if (sent) {
            throw new Refused(
              rejected(op.opId, 'VALIDATION_FAILED', 'clientMsgId: a message has this id already'),
            );
          }
          if (!(await hasRoomFor(tx, me))) {
            throw new Refused(rejected(op.opId, 'VALIDATION_FAILED', TOO_MANY));
          }
          // Stamped in a statement of its own: the insert's check of the conversation
          // takes that row's lock, which comes before the clock's (docs/sync.md, "Locks").
          await tx.write(
            `INSERT INTO scheduled_messages
               (sender_id, client_msg_id, conversation_id, content, due_at, stamp, change_epoch)
             VALUES (?, ?, ?, ?, ?, ?, 0)`,
            [me, op.clientMsgId, conversationId, op.content, dueAt, stamp],
          );
          await tx.write(
            `UPDATE scheduled_messages SET change_epoch = ${EPOCH_STAMP}
              WHERE sender_id = ? AND client_msg_id = ?`,
            [me, op.clientMsgId],
          );
          return true;
        }
        if (isRetryOf(stored, op.opId)) return false;
        if (stored.state === 'sent' || (await sentMeanwhile(tx, stored))) {
          throw new Refused(alreadySent(op.opId, stored));
        }
        if (stored.conversation_id !== conversationId) {
          throw new Refused(
            rejected(
              op.opId,
              'VALIDATION_FAILED',
              'clientMsgId: scheduled in another conversation',
            ),
          );
        }
        // A later change is there already: this one changes nothing.
        if (stored.stamp > stamp) return false;
        if (stored.state === 'cancelled' && !(await hasRoomFor(tx, me))) {
          throw new Refused(rejected(op.opId, 'VALIDATION_FAILED', TOO_MANY));
        }
        await tx.write(
          `UPDATE scheduled_messages
              SET content = ?, due_at = ?, stamp = ?, state = 'scheduled', failure = NULL,
                  updated_at = CURRENT_TIMESTAMP(3), change_epoch = ${EPOCH_STAMP}
            WHERE sender_id = ? AND client_msg_id = ?`,
          [op.content, dueAt, stamp, me, op.clientMsgId],
        );
        return true;
      }),
    );
    return answer(ctx.sql, caller, op.opId, op.clientMsgId, { isChanged });
  } catch (error) {
    if (error instanceof Refused) return resultsOnly([error.result]);
    throw error;
  }
}

export async function applyCancelScheduled(
  ctx: SyncContext,
  caller: Caller,
  op: CancelOp,
  now = Date.now(),
): Promise<Outcome> {
  const me = caller.userId;
  const stamp = changeStamp(op.at, now, op.opId);
  try {
    const isChanged = await ctx.sql.transaction(async (tx) => {
      const stored = await scheduledRow(tx, me, op.clientMsgId, true);
      if (!stored) {
        throw new Refused(rejected(op.opId, 'NOT_FOUND', 'scheduled message not found'));
      }
      if (isRetryOf(stored, op.opId)) return false;
      if (stored.state === 'sent' || (await sentMeanwhile(tx, stored))) {
        throw new Refused(alreadySent(op.opId, stored));
      }
      if (stored.stamp > stamp) return false;
      await tx.write(
        `UPDATE scheduled_messages
            SET state = 'cancelled', stamp = ?, updated_at = CURRENT_TIMESTAMP(3),
                change_epoch = ${EPOCH_STAMP}
          WHERE sender_id = ? AND client_msg_id = ?`,
        [stamp, me, op.clientMsgId],
      );
      return true;
    });
    return answer(ctx.sql, caller, op.opId, op.clientMsgId, { isChanged });
  } catch (error) {
    if (error instanceof Refused) return resultsOnly([error.result]);
    throw error;
  }
}
