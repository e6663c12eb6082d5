// What creating and changing a group share: the system message that says what happened
// (its client_msg_id is the operation's id, so a retry finds it instead of writing it
// twice), the version step and the restamp of every current member, and the view of
// the group the members are told of.
import type { ConversationView } from '../../../shared/model.ts';
import type { SyncMessage } from '../../../shared/sync/protocol.ts';
import {
  CONVERSATION_COLUMN_LIST,
  type ConversationRow,
  toConversationView,
} from '../../chat/rows.ts';
import { placeholders, type SqlRunner } from '../../db/sql.ts';
import { currentMessage, EPOCH_STAMP } from './message-change.ts';

/** The system message's id, or null when this operation wrote it already. */
export async function writeSystemMessage(
  tx: SqlRunner,
  entry: { conversationId: number; actorId: number; opId: string; content: string; at: Date },
): Promise<number | null> {
  const inserted = await tx.write(
    `INSERT IGNORE INTO messages
       (conversation_id, sender_id, message_type, content, client_msg_id, created_at, updated_at,
        change_epoch, status)
     VALUES (?, ?, 'system', ?, ?, ?, ?, ${EPOCH_STAMP}, 'sent')`,
    [entry.conversationId, entry.actorId, entry.content, entry.opId, entry.at, entry.at],
  );
  return inserted.affectedRows === 0 ? null : inserted.insertId;
}

/** Takes the next message version (returned), makes the system message the last one,
 * moves the roster's version and restamps every current member. The conversation row is
 * locked already. */
export async function bumpForGroupChange(
  tx: SqlRunner,
  conversationId: number,
  messageId: number,
  at: Date,
): Promise<number> {
  const bumped = await tx.write(
    `UPDATE conversations c
       JOIN sync_clock k ON k.id = 1
       JOIN conversation_members mm ON mm.conversation_id = c.conversation_id AND mm.left_at IS NULL
        SET c.message_version = LAST_INSERT_ID(c.message_version + 1),
            c.last_message_id = GREATEST(COALESCE(c.last_message_id, 0), ?),
            c.last_message_at = ?,
            c.roster_version = c.roster_version + 1,
            c.roster_epoch = k.epoch,
            mm.change_epoch = k.epoch
      WHERE c.conversation_id = ?`,
    [messageId, at, conversationId],
  );
  return bumped.insertId;
}

/** The id the creator's device gave the group (the end of its pair_key). */
export async function creatorsClientConvId(
  sql: SqlRunner,
  conversationId: number,
): Promise<string | null> {
  const [row] = await sql.rows<{ client_conv_id: string | null }>(
    `SELECT SUBSTRING_INDEX(pair_key, ':', -1) AS client_conv_id FROM conversations
      WHERE conversation_id = ? AND is_group = 1`,
    [conversationId],
  );
  return row?.client_conv_id ?? null;
}

/** The group as a member sees it (the same for every current member). */
export async function groupView(
  sql: SqlRunner,
  viewerId: number,
  conversationId: number,
): Promise<ConversationView | null> {
  const [row] = await sql.rows<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMN_LIST} FROM conversations c
       JOIN conversation_members me ON me.conversation_id = c.conversation_id AND me.user_id = ?
       LEFT JOIN users u ON c.is_group = 0 AND u.user_id = c.user1_id
      WHERE c.conversation_id = ?`,
    [viewerId, conversationId],
  );
  return row ? toConversationView(row) : null;
}

/** The system message an operation wrote, at its conversation's current version. */
export async function systemMessageOf(
  sql: SqlRunner,
  actorId: number,
  opId: string,
): Promise<SyncMessage | null> {
  const [row] = await sql.rows<{ message_id: number }>(
    `SELECT message_id FROM messages
      WHERE sender_id = ? AND client_msg_id = ? AND message_type = 'system'`,
    [actorId, opId],
  );
  return row ? currentMessage(sql, row.message_id) : null;
}

export async function displayNames(
  sql: SqlRunner,
  userIds: readonly number[],
): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql.rows<{ user_id: number; display_name: string }>(
    `SELECT user_id, display_name FROM users WHERE user_id IN (${placeholders(userIds.length)})`,
    userIds,
  );
  return new Map(rows.map((r) => [r.user_id, r.display_name]));
}
