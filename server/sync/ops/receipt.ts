// A receipt raises the caller's watermark in one conversation, in one statement (DESIGN
// §3.5): the member row's delivered/read mark (never past the conversation's last
// message), every member's index row, and the seed's messages.status of the messages it
// covers, which stays true for REST clients. No message is renumbered or sent again.
// In a group a message is delivered (read) once every other member has it (read it):
// that status is set by a statement of its own, which also catches up on any an earlier
// receipt left behind, and the time of each raise is noted for "Read by".
import { EMPTY_CHANGES, type OpOfKind, type OpResult } from '../../../shared/sync/protocol.ts';
import { notMemberRefusal } from '../../chat/membership.ts';
import type { SqlRunner } from '../../db/sql.ts';
import { type Caller, type Outcome, resultsOnly, type SyncContext } from '../context.ts';

type ReceiptOp = OpOfKind<'deliveredUpTo' | 'readUpTo'>;

// LAST_INSERT_ID(expr) runs only when the caller's mark rises, so the statement's insert
// id is the new mark, or 0 for a receipt that changed nothing. The conversation comes
// first: its row is the first lock, as in every write (see context.ts).
function receiptStatement(
  kind: ReceiptOp['kind'],
  reader: number,
  messageId: number,
  conversationId: number,
): { sql: string; values: number[] } {
  const upTo = 'LEAST(?, COALESCE(c.last_message_id, 0))';
  const isRead = kind === 'readUpTo';
  const mark = isRead ? 'read_up_to' : 'delivered_up_to';
  const sets = [
    'mm.change_epoch = k.epoch',
    `mm.${mark} = IF(mm.user_id = ? AND mm.${mark} < ${upTo}, LAST_INSERT_ID(${upTo}), mm.${mark})`,
  ];
  const setValues = [reader, messageId, messageId];
  if (isRead) {
    // Reading implies delivery.
    sets.push(
      `mm.delivered_up_to = IF(mm.user_id = ?, GREATEST(mm.delivered_up_to, ${upTo}), mm.delivered_up_to)`,
    );
    setValues.push(reader, messageId);
  }
  sets.push(`m.status = '${isRead ? 'read' : 'delivered'}'`);
  const below = isRead ? "('sent', 'delivered')" : "('sent')";
  return {
    sql: `UPDATE conversations c
      JOIN sync_clock k ON k.id = 1
      JOIN conversation_members mm ON mm.conversation_id = c.conversation_id AND mm.left_at IS NULL
      JOIN conversation_members actor ON actor.conversation_id = c.conversation_id AND actor.left_at IS NULL
      LEFT JOIN messages m ON c.is_group = 0 AND m.conversation_id = mm.conversation_id
           AND m.sender_id = mm.user_id AND mm.user_id <> ? AND m.message_id <= ?
           AND (m.status IN ${below} OR m.status IS NULL)
       SET ${sets.join(', ')}
     WHERE c.conversation_id = ? AND actor.user_id = ?`,
    values: [reader, messageId, ...setValues, conversationId, reader],
  };
}

export async function applyReceipt(
  ctx: SyncContext,
  caller: Caller,
  op: ReceiptOp,
): Promise<Outcome> {
  const { conversationId, messageId } = op;
  const me = caller.userId;
  const statement = receiptStatement(op.kind, me, messageId, conversationId);
  const mark = (await ctx.sql.write(statement.sql, statement.values)).insertId;
  if (mark === 0) {
    const participants = await ctx.participants.of(conversationId);
    const result: OpResult = participants?.includes(me)
      ? { opId: op.opId, status: 'accepted', duplicate: true }
      : await notMemberRefusal(ctx.sql, op.opId, conversationId, me);
    return resultsOnly([result]);
  }
  if (await ctx.participants.isGroup(conversationId)) {
    await noteGroupReceipt(ctx.sql, op.kind, conversationId, me, mark);
  }
  // A delivered receipt leaves the read mark where it was (member states merge by
  // maximum, so 0 changes nothing).
  const member = {
    conversationId,
    userId: me,
    deliveredUpTo: mark,
    readUpTo: op.kind === 'readUpTo' ? mark : 0,
  };
  const to = (await ctx.participants.of(conversationId)) ?? [me];
  return {
    results: [{ opId: op.opId, status: 'accepted' }],
    publications: [
      {
        to,
        changes: { ...EMPTY_CHANGES, members: [member] },
      },
    ],
    versions: [],
    members: [member],
  };
}

/** A group's part of a receipt: when the mark rose, and the seed's status of every
 * message all its other current members now have (or have read). A message is covered
 * when every member but its sender is at or past it: below the lowest mark, or, for the
 * lowest member's own messages, below the second lowest. */
async function noteGroupReceipt(
  sql: SqlRunner,
  kind: ReceiptOp['kind'],
  conversationId: number,
  reader: number,
  mark: number,
): Promise<void> {
  const isRead = kind === 'readUpTo';
  await sql.write(
    `INSERT IGNORE INTO receipt_marks (conversation_id, up_to, user_id, kind)
     VALUES ${isRead ? "(?, ?, ?, 'delivered'), (?, ?, ?, 'read')" : "(?, ?, ?, 'delivered')"}`,
    isRead
      ? [conversationId, mark, reader, conversationId, mark, reader]
      : [conversationId, mark, reader],
  );
  // Reading implies delivery: a read receipt may complete a message's delivery too.
  await markCovered(sql, conversationId, 'delivered');
  if (isRead) await markCovered(sql, conversationId, 'read');
}

/** Sets the seed's status of every message of the group all its other current members
 * are at or past, by their delivered or read marks. */
async function markCovered(
  sql: SqlRunner,
  conversationId: number,
  status: 'delivered' | 'read',
): Promise<void> {
  const [markColumn, below] =
    status === 'read' ? ['read_up_to', "('sent', 'delivered')"] : ['delivered_up_to', "('sent')"];
  const lowest = await sql.rows<{ user_id: number; up_to: number }>(
    `SELECT user_id, ${markColumn} AS up_to FROM conversation_members
      WHERE conversation_id = ? AND left_at IS NULL ORDER BY ${markColumn}, user_id LIMIT 2`,
    [conversationId],
  );
  const [first, second] = lowest;
  if (!first || !second) return;
  await sql.write(
    `UPDATE messages SET status = '${status}'
      WHERE conversation_id = ? AND (status IN ${below} OR status IS NULL)
        AND message_id <= IF(sender_id = ?, ?, ?)`,
    [conversationId, first.user_id, second.up_to, first.up_to],
  );
}
