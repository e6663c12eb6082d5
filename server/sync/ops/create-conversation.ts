// Find-or-create of a conversation by (pair, type, context), for the sync op and for the
// REST and tRPC calls alike. Concurrent creators cannot duplicate it (unique pair_key);
// the one that inserts also writes both member rows, stamped with the epoch, so both
// users' pulls find it, and tells both.
import type { ConversationView } from '../../../shared/model.ts';
import type { ChangeSet, OpOfKind } from '../../../shared/sync/protocol.ts';
import { type ConversationKey, pairKey } from '../../chat/conversations.ts';
import {
  CONVERSATION_COLUMN_LIST,
  CONVERSATION_JOINS,
  type ConversationRow,
  toConversationView,
} from '../../chat/rows.ts';
import type { SqlRunner } from '../../db/sql.ts';
import { AppError, notFound } from '../../errors.ts';
import {
  type Caller,
  type Outcome,
  type Publication,
  rejected,
  resultsOnly,
  type SyncContext,
} from '../context.ts';

export interface OpenedConversation {
  conversation: ConversationView;
  created: boolean;
  publications: Publication[];
}

async function viewFor(
  sql: SqlRunner,
  viewerId: number,
  where: { pairKey: string } | { conversationId: number },
): Promise<ConversationView | null> {
  const [column, value] =
    'pairKey' in where
      ? ['c.pair_key', where.pairKey]
      : ['c.conversation_id', where.conversationId];
  const [row] = await sql.rows<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMN_LIST} FROM conversations c ${CONVERSATION_JOINS}
      WHERE ${column} = ?`,
    [viewerId, viewerId, value],
  );
  return row ? toConversationView(row) : null;
}

/** What a new conversation's two users are told: the conversation as each sees it, both
 * members at zero, and its message history at version 0. */
function announcement(view: ConversationView, userIds: readonly number[]): ChangeSet {
  return {
    conversations: [view],
    members: userIds.map((userId) => ({
      conversationId: view.conversationId,
      userId,
      deliveredUpTo: 0,
      readUpTo: 0,
    })),
    messages: [],
    versions: [{ conversationId: view.conversationId, from: null, to: 0 }],
    rosters: [],
    removed: [],
  };
}

/** `admitNew` runs only when the conversation does not exist yet, before it is created
 * (a rate limit: finding an existing conversation costs nothing). */
export async function openConversation(
  ctx: SyncContext,
  callerId: number,
  key: ConversationKey,
  admitNew: () => Promise<void> = async () => {},
): Promise<OpenedConversation> {
  if (key.otherUserId === callerId) {
    throw new AppError('VALIDATION_FAILED', 'cannot start a conversation with yourself', {
      other_user_id: ['must be another user'],
    });
  }
  const pk = pairKey(callerId, key.otherUserId, key.conversationType, key.contextId);
  const existing = await viewFor(ctx.sql, callerId, { pairKey: pk });
  if (existing) return { conversation: existing, created: false, publications: [] };
  const other = await ctx.sql.rows<{ user_id: number }>(
    'SELECT user_id FROM users WHERE user_id = ?',
    [key.otherUserId],
  );
  if (other.length === 0) throw notFound('user');
  await admitNew();
  const createdId = await ctx.sql.transaction(async (tx) => {
    // Of concurrent creators exactly one inserts; the others find the winner's row.
    const inserted = await tx.write(
      `INSERT IGNORE INTO conversations
         (user1_id, user2_id, conversation_type, context_id, context_title, pair_key, message_version)
       VALUES (?, ?, ?, ?, ?, ?, 0)`,
      [callerId, key.otherUserId, key.conversationType, key.contextId, key.contextTitle, pk],
    );
    if (inserted.affectedRows === 0) return null;
    await tx.write(
      `INSERT INTO conversation_members (conversation_id, user_id, change_epoch)
       VALUES (?, ?, (SELECT epoch FROM sync_clock WHERE id = 1 LOCK IN SHARE MODE)),
              (?, ?, (SELECT epoch FROM sync_clock WHERE id = 1 LOCK IN SHARE MODE))`,
      [inserted.insertId, callerId, inserted.insertId, key.otherUserId],
    );
    return inserted.insertId;
  });
  const conversation = await viewFor(
    ctx.sql,
    callerId,
    createdId ? { conversationId: createdId } : { pairKey: pk },
  );
  if (!conversation) throw new Error('conversation vanished after insert');
  if (!createdId) return { conversation, created: false, publications: [] };
  const users = [callerId, key.otherUserId];
  ctx.participants.remember(createdId, users);
  const otherView = await viewFor(ctx.sql, key.otherUserId, { conversationId: createdId });
  return {
    conversation,
    created: true,
    publications: [
      { to: [callerId], changes: announcement(conversation, users) },
      ...(otherView ? [{ to: [key.otherUserId], changes: announcement(otherView, users) }] : []),
    ],
  };
}

/** The sync op: like openConversation, answered per op; a refusal names its reason. */
export async function applyCreateConversation(
  ctx: SyncContext,
  caller: Caller,
  op: OpOfKind<'createConversation'>,
): Promise<Outcome & { conversationId: number | null; refusal: string | null }> {
  try {
    const opened = await openConversation(ctx, caller.userId, {
      otherUserId: op.otherUserId,
      conversationType: op.conversationType,
      contextId: op.contextId,
      contextTitle: op.contextTitle,
    });
    const view = opened.conversation;
    return {
      results: [
        { opId: op.opId, status: 'accepted', conversation: view, duplicate: !opened.created },
      ],
      publications: opened.publications,
      versions: [],
      members: [],
      conversationId: view.conversationId,
      refusal: null,
    };
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.code === 'NOT_FOUND' || error.code === 'VALIDATION_FAILED')
    ) {
      return {
        ...resultsOnly([rejected(op.opId, error.code, error.message)]),
        conversationId: null,
        refusal: error.message,
      };
    }
    throw error;
  }
}
