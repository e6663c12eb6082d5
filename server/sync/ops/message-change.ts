// What every change of an existing message shares (edits, deletes, reactions): the next
// message version of its conversation, the epoch that stamps the row, and the message
// read back as it is now.
import type { SyncMessage } from '../../../shared/sync/protocol.ts';
import { MESSAGE_COLUMN_LIST, type MessageRow, toMessageView } from '../../chat/rows.ts';
import type { SqlRunner } from '../../db/sql.ts';

/** Takes the conversation's next message version (LAST_INSERT_ID) and restamps its
 * members, if the caller is one of them; locks the conversation's row. */
export const BUMP_VERSION_SQL = `UPDATE conversations c
    JOIN conversation_members actor ON actor.conversation_id = c.conversation_id AND actor.left_at IS NULL
    JOIN sync_clock k ON k.id = 1
    JOIN conversation_members mm ON mm.conversation_id = c.conversation_id AND mm.left_at IS NULL
     SET c.message_version = LAST_INSERT_ID(c.message_version + 1), mm.change_epoch = k.epoch
   WHERE c.conversation_id = ? AND actor.user_id = ?`;

/** The epoch a changed row is stamped with, for the pull's cursor. */
export const EPOCH_STAMP = '(SELECT epoch FROM sync_clock WHERE id = 1 LOCK IN SHARE MODE)';

/** The message as stored now, at its conversation's current version. */
export async function currentMessage(
  sql: SqlRunner,
  messageId: number,
): Promise<SyncMessage | null> {
  const [row] = await sql.rows<MessageRow & { message_version: number }>(
    `SELECT ${MESSAGE_COLUMN_LIST}, c.message_version FROM messages m
       JOIN conversations c ON c.conversation_id = m.conversation_id WHERE m.message_id = ?`,
    [messageId],
  );
  return row ? { ...toMessageView(row), version: row.message_version } : null;
}
