// Scheduled messages as stored, and their one mapping to what the sender's devices see.
import type { ScheduledView } from '../../shared/scheduled.ts';
import type { SqlRunner } from '../db/sql.ts';

export interface ScheduledRow {
  sender_id: number;
  client_msg_id: string;
  conversation_id: number;
  content: string;
  due_at: Date;
  state: 'scheduled' | 'sent' | 'cancelled';
  stamp: string;
  message_id: number | null;
  sent_at: Date | null;
  failure: string | null;
  updated_at: Date;
}

export const SCHEDULED_COLUMNS = `sender_id, client_msg_id, conversation_id, content, due_at, state,
  stamp, message_id, sent_at, failure, updated_at`;

export function toScheduledView(row: ScheduledRow): ScheduledView {
  return {
    clientMsgId: row.client_msg_id,
    conversationId: row.conversation_id,
    content: row.content,
    dueAt: row.due_at.toISOString(),
    state: row.state,
    messageId: row.message_id,
    sentAt: row.sent_at ? row.sent_at.toISOString() : null,
    failure: row.failure,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** With `lock`, the row is locked for a change, without waiting: one a delivery round
 * holds is answered "try again" (the round is quick) rather than tying up a connection. */
export async function scheduledRow(
  sql: SqlRunner,
  senderId: number,
  clientMsgId: string,
  lock = false,
): Promise<ScheduledRow | null> {
  const [row] = await sql.rows<ScheduledRow>(
    `SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages
      WHERE sender_id = ? AND client_msg_id = ?${lock ? ' FOR UPDATE NOWAIT' : ''}`,
    [senderId, clientMsgId],
  );
  return row ?? null;
}

/** The sender's scheduled messages that changed after epoch `after` up to `upTo`; a
 * device starting from nothing needs only those still waiting. */
export async function scheduledChangedFor(
  sql: SqlRunner,
  senderId: number,
  after: number,
  upTo: number,
): Promise<ScheduledView[]> {
  const rows = await sql.rows<ScheduledRow>(
    `SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages
      WHERE sender_id = ? AND change_epoch > ? AND change_epoch <= ?
        ${after === 0 ? "AND state = 'scheduled'" : ''}
      ORDER BY change_epoch, client_msg_id`,
    [senderId, after, upTo],
  );
  return rows.map(toScheduledView);
}
