// A receipt raises the caller's watermark in one conversation, in one statement (DESIGN
// §3.5): the member row's delivered/read mark (never past the conversation's last
// message), every member's index row, and the seed's messages.status of the messages it
// covers, which stays true for REST clients. No message is renumbered or sent again.
import { EMPTY_CHANGES, type OpOfKind, type OpResult } from '../../../shared/sync/protocol.ts';
import { type Caller, type Outcome, rejected, resultsOnly, type SyncContext } from '../context.ts';

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
      LEFT JOIN messages m ON m.conversation_id = mm.conversation_id AND m.sender_id = mm.user_id
           AND mm.user_id <> ? AND m.message_id <= ? AND (m.status IN ${below} OR m.status IS NULL)
       SET ${sets.join(', ')}
     WHERE c.conversation_id = ? AND ? IN (c.user1_id, c.user2_id)`,
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
      : rejected(op.opId, 'NOT_FOUND', 'conversation not found');
    return resultsOnly([result]);
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
