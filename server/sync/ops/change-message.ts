// Edits and deletes of one's own message (DESIGN §3.7). Each takes the next message
// version of its conversation and restamps the message with the epoch; a delete leaves a
// tombstone (the row stays, its text goes) and wins over any edit, before or after it.
import { EMPTY_CHANGES, type OpOfKind, type SyncMessage } from '../../../shared/sync/protocol.ts';
import { notMemberRefusal } from '../../chat/membership.ts';
import { type MessageRow, toMessageView } from '../../chat/rows.ts';
import {
  type Caller,
  type Outcome,
  rejected,
  resultsOnly,
  type SyncContext,
  storedNow,
} from '../context.ts';
import { messageChangePublications } from '../participants.ts';
import { BUMP_VERSION_SQL, currentMessage, EPOCH_STAMP } from './message-change.ts';

type ChangeOp = OpOfKind<'edit' | 'delete'>;

/** Why a change was not made: the transaction is rolled back and the op answered. */
class Unchanged extends Error {
  constructor(readonly why: 'not-member' | 'already-applied' | 'deleted') {
    super(why);
  }
}

/** `target` is the caller's own message the op names, as read before the push ran. */
export async function applyMessageChange(
  ctx: SyncContext,
  caller: Caller,
  op: ChangeOp,
  target: MessageRow,
): Promise<Outcome> {
  // A membership notice is the server's record of what happened: nobody rewrites it.
  if (target.message_type === 'system') {
    return resultsOnly([
      rejected(op.opId, 'VALIDATION_FAILED', 'a group notice cannot be edited or deleted'),
    ]);
  }
  if (op.kind === 'edit' && op.content === '' && target.message_type === 'text') {
    return resultsOnly([
      rejected(op.opId, 'VALIDATION_FAILED', 'content: a text message must not be empty'),
    ]);
  }
  const conversationId = target.conversation_id;
  const at = storedNow();
  let version: number;
  // An edit from another device can land between reading `target` and this delete.
  let wasEdited = Boolean(target.is_edited);
  try {
    version = await ctx.sql.transaction(async (tx) => {
      const bumped = await tx.write(BUMP_VERSION_SQL, [conversationId, caller.userId]);
      if (bumped.affectedRows === 0) throw new Unchanged('not-member');
      if (op.kind === 'edit') {
        // A retried edit must not overwrite a newer edit made since.
        const noted = await tx.write(
          'INSERT IGNORE INTO applied_edits (sender_id, op_id, message_id) VALUES (?, ?, ?)',
          [caller.userId, op.opId, target.message_id],
        );
        if (noted.affectedRows === 0) throw new Unchanged('already-applied');
      }
      const changed =
        op.kind === 'edit'
          ? await tx.write(
              `UPDATE messages SET content = ?, is_edited = 1, updated_at = ?, change_epoch = ${EPOCH_STAMP}
                WHERE message_id = ? AND sender_id = ? AND is_deleted = 0`,
              [op.content, at, target.message_id, caller.userId],
            )
          : await tx.write(
              `UPDATE messages SET content = '', is_deleted = 1, updated_at = ?, change_epoch = ${EPOCH_STAMP},
                      file_url = NULL, file_name = NULL, file_size = NULL, attachment_meta = NULL
                WHERE message_id = ? AND sender_id = ? AND is_deleted = 0`,
              [at, target.message_id, caller.userId],
            );
      if (changed.affectedRows === 0) throw new Unchanged('deleted');
      if (op.kind === 'delete') {
        const [row] = await tx.rows<Pick<MessageRow, 'is_edited'>>(
          'SELECT is_edited FROM messages WHERE message_id = ?',
          [target.message_id],
        );
        wasEdited = Boolean(row?.is_edited);
      }
      await ctx.beforeCommit?.(conversationId);
      return bumped.insertId;
    });
  } catch (error) {
    if (!(error instanceof Unchanged)) throw error;
    if (error.why === 'not-member') {
      const refusal = await notMemberRefusal(ctx.sql, op.opId, conversationId, caller.userId);
      return resultsOnly([
        refusal.status === 'rejected' && refusal.code === 'NOT_FOUND'
          ? rejected(op.opId, 'NOT_FOUND', 'message not found among your messages')
          : refusal,
      ]);
    }
    const message = await currentMessage(ctx.sql, target.message_id);
    if (!message) return resultsOnly([rejected(op.opId, 'NOT_FOUND', 'message not found')]);
    // A repeat of an applied change, or an edit that a delete overtook (the delete wins).
    const duplicate = error.why === 'already-applied' || op.kind === 'delete';
    return resultsOnly([{ opId: op.opId, status: 'accepted', message, duplicate }]);
  }

  // Read again now: `target` is from before the push, and a reaction may have come since.
  const before = (await currentMessage(ctx.sql, target.message_id)) ?? {
    ...toMessageView(target),
    version,
  };
  const message: SyncMessage = {
    ...before,
    content: op.kind === 'edit' ? op.content : '',
    isEdited: op.kind === 'edit' ? true : wasEdited,
    isDeleted: op.kind === 'delete',
    updatedAt: at.toISOString(),
    version,
    ...(op.kind === 'delete'
      ? { fileUrl: null, fileName: null, fileSize: null, attachment: null }
      : {}),
  };
  // The bytes go for everyone once no live message carries them.
  if (op.kind === 'delete' && target.attachment_id) {
    await ctx.releaseUpload?.(target.attachment_id);
  }
  const step = { conversationId, from: version - 1, to: version };
  return {
    results: [{ opId: op.opId, status: 'accepted', message }],
    publications: await messageChangePublications(
      ctx.participants,
      conversationId,
      message.messageId,
      caller.userId,
      { ...EMPTY_CHANGES, messages: [message], versions: [step] },
    ),
    versions: [step],
    members: [],
  };
}
