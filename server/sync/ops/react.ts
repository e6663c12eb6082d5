// Reactions (DESIGN §3.2, §4a). A reaction is keyed by (message, user, emoji); a change
// is applied only when it is later than the one stored (by the device's time, then the
// op id), so duplicates, retries and changes pushed out of order all end in the state
// of the last change made. An applied change takes the next message version of the
// conversation and restamps the message, so the reaction travels as a change of the
// message, through the stream and the pull alike.

import { changeStamp } from '../../../shared/change-stamp.ts';
import { REACTION_LIMITS } from '../../../shared/reactions.ts';
import { EMPTY_CHANGES, type OpOfKind } from '../../../shared/sync/protocol.ts';
import { notMemberRefusal } from '../../chat/membership.ts';
import type { SqlRunner } from '../../db/sql.ts';
import { type Caller, type Outcome, rejected, resultsOnly, type SyncContext } from '../context.ts';
import { messageChangePublications } from '../participants.ts';
import { BUMP_VERSION_SQL, currentMessage, EPOCH_STAMP } from './message-change.ts';

type ReactOp = OpOfKind<'react'>;

const NOT_FOUND = 'message not found';

const TOO_MANY = `at most ${REACTION_LIMITS.emojisPerMessage} different reactions per message, ${REACTION_LIMITS.emojisPerUser} of them yours`;

/** Why a reaction changed nothing: the transaction is rolled back and the op answered. */
class Unchanged extends Error {
  constructor(readonly why: 'not-member' | 'replayed' | 'superseded' | 'too-many') {
    super(why);
  }
}

/** A new emoji on a message must fit the limits: its views stay small for everyone. */
async function checkLimits(tx: SqlRunner, target: Target, caller: Caller, op: ReactOp) {
  const [counts] = await tx.rows<{ emojis: number; mine: number; has_emoji: number }>(
    `SELECT COUNT(DISTINCT emoji) AS emojis, SUM(user_id = ?) AS mine, SUM(emoji = ?) AS has_emoji
       FROM reactions WHERE message_id = ? AND is_removed = 0`,
    [caller.userId, op.emoji, target.message_id],
  );
  const isNewEmoji = Number(counts?.has_emoji ?? 0) === 0;
  if (
    Number(counts?.mine ?? 0) >= REACTION_LIMITS.emojisPerUser ||
    (isNewEmoji && Number(counts?.emojis ?? 0) >= REACTION_LIMITS.emojisPerMessage)
  ) {
    throw new Unchanged('too-many');
  }
}

interface Target {
  message_id: number;
  conversation_id: number;
  is_deleted: number | boolean | null;
  message_type: string | null;
}

/** The message a reaction names, if it is one the caller can see. */
async function targetOf(sql: SqlRunner, caller: Caller, op: ReactOp): Promise<Target | null> {
  const [row] = await sql.rows<Target>(
    `SELECT m.message_id, m.conversation_id, m.is_deleted, m.message_type FROM messages m
       JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = ?
      WHERE m.message_id = ? AND m.message_id >= me.history_from
        AND m.message_id <= COALESCE(me.history_to, m.message_id)`,
    [caller.userId, op.message.messageId],
  );
  return row ?? null;
}

export async function applyReaction(
  ctx: SyncContext,
  caller: Caller,
  op: ReactOp,
): Promise<Outcome> {
  const target = await targetOf(ctx.sql, caller, op);
  if (!target) return resultsOnly([rejected(op.opId, 'NOT_FOUND', NOT_FOUND)]);
  if (target.is_deleted) {
    return resultsOnly([rejected(op.opId, 'MESSAGE_DELETED', 'the message was deleted')]);
  }
  if (target.message_type === 'system') {
    return resultsOnly([
      rejected(op.opId, 'VALIDATION_FAILED', 'a group notice takes no reactions'),
    ]);
  }
  const stamp = changeStamp(op.at, Date.now(), op.opId);
  const conversationId = target.conversation_id;
  let outcome: Unchanged['why'] | null = null;
  const version = await ctx.sql
    .transaction(async (tx): Promise<number> => {
      // The conversation's row is locked first: changes to its reactions take turns, so
      // the stamp read below is still the newest when this one is written (a row that
      // does not exist yet cannot be locked at READ COMMITTED).
      const bumped = await tx.write(BUMP_VERSION_SQL, [conversationId, caller.userId]);
      if (bumped.affectedRows === 0) throw new Unchanged('not-member');
      const [stored] = await tx.rows<{ stamp: string; is_removed: number | boolean }>(
        'SELECT stamp, is_removed FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?',
        [target.message_id, caller.userId, op.emoji],
      );
      if (stored && stored.stamp === stamp) throw new Unchanged('replayed');
      // A later change is there already: this one changes nothing.
      if (stored && stored.stamp > stamp) throw new Unchanged('superseded');
      if (op.isOn && (!stored || stored.is_removed)) await checkLimits(tx, target, caller, op);
      await tx.write(
        `INSERT INTO reactions (message_id, user_id, emoji, is_removed, stamp)
       VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE is_removed = VALUES(is_removed), stamp = VALUES(stamp),
                               updated_at = CURRENT_TIMESTAMP(3)`,
        [target.message_id, caller.userId, op.emoji, op.isOn ? 0 : 1, stamp],
      );
      await tx.write(
        `UPDATE messages SET change_epoch = ${EPOCH_STAMP}, has_reactions = 1 WHERE message_id = ?`,
        [target.message_id],
      );
      await ctx.beforeCommit?.(conversationId);
      return bumped.insertId;
    })
    .catch((error: unknown) => {
      if (!(error instanceof Unchanged)) throw error;
      outcome = error.why;
      return null;
    });
  if (outcome === 'not-member') {
    return resultsOnly([await notMemberRefusal(ctx.sql, op.opId, conversationId, caller.userId)]);
  }
  if (outcome === 'too-many') {
    return resultsOnly([rejected(op.opId, 'VALIDATION_FAILED', TOO_MANY)]);
  }
  const message = await currentMessage(ctx.sql, target.message_id);
  if (!message) return resultsOnly([rejected(op.opId, 'NOT_FOUND', NOT_FOUND)]);
  if (version === null) {
    // Only a replay is a duplicate (its answer may have been lost with its events); a
    // change a later one overtook is simply done.
    const duplicate = outcome === 'replayed';
    return resultsOnly([{ opId: op.opId, status: 'accepted', message, duplicate }]);
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
