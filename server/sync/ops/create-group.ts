// Creating a group (DESIGN §4a): the conversation (the creator in both seed columns, a
// pair_key of the creator and the device's id for it, so a retry finds it), every
// member's row (the creator its admin), and a system message naming who is in it, in one
// transaction. Everyone in it is told at once, with the whole roster.
import { systemText } from '../../../shared/groups.ts';
import type { ConversationView } from '../../../shared/model.ts';
import type { OpOfKind } from '../../../shared/sync/protocol.ts';
import {
  type Caller,
  type Outcome,
  rejected,
  resultsOnly,
  type SyncContext,
  storedNow,
} from '../context.ts';
import { rosterOf } from '../roster.ts';
import { displayNames, groupView, systemMessageOf, writeSystemMessage } from './group-log.ts';
import { EPOCH_STAMP } from './message-change.ts';

type CreateGroupOp = OpOfKind<'createGroup'>;

export type CreatedGroup = Outcome & { conversationId: number | null; refusal: string | null };

function groupPairKey(creatorId: number, clientConvId: string): string {
  return `g:${creatorId}:${clientConvId}`;
}

function refusal(
  op: CreateGroupOp,
  code: 'VALIDATION_FAILED' | 'NOT_FOUND',
  reason: string,
): CreatedGroup {
  return {
    ...resultsOnly([rejected(op.opId, code, reason)]),
    conversationId: null,
    refusal: reason,
  };
}

export async function applyCreateGroup(
  ctx: SyncContext,
  caller: Caller,
  op: CreateGroupOp,
): Promise<CreatedGroup> {
  const creatorId = caller.userId;
  const pairKey = groupPairKey(creatorId, op.clientConvId);
  const [existing] = await ctx.sql.rows<{ conversation_id: number }>(
    'SELECT conversation_id FROM conversations WHERE pair_key = ?',
    [pairKey],
  );
  if (existing) return answer(ctx, caller, op, existing.conversation_id, true);

  if (op.memberIds.includes(creatorId)) {
    return refusal(op, 'VALIDATION_FAILED', 'memberIds: the creator is a member already');
  }
  if (op.conversationType !== 'general' && op.contextId === null) {
    return refusal(op, 'VALIDATION_FAILED', 'contextId: a service or request group needs one');
  }
  const names = await displayNames(ctx.sql, [creatorId, ...op.memberIds]);
  const unknown = op.memberIds.filter((id) => !names.has(id));
  if (unknown.length > 0) return refusal(op, 'NOT_FOUND', `user not found: ${unknown.join(', ')}`);

  const at = storedNow();
  const content = systemText(
    names.get(creatorId) ?? '',
    { type: 'create', title: op.title },
    op.memberIds.map((id) => names.get(id) ?? ''),
  );
  const createdId = await ctx.sql.transaction(async (tx) => {
    const inserted = await tx.write(
      `INSERT IGNORE INTO conversations
         (user1_id, user2_id, conversation_type, context_id, context_title, pair_key,
          message_version, is_group, group_title, roster_version, roster_epoch)
       VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?, 1, ${EPOCH_STAMP})`,
      [creatorId, creatorId, op.conversationType, op.contextId, op.contextTitle, pairKey, op.title],
    );
    // A concurrent retry of this operation created it first.
    if (inserted.affectedRows === 0) return null;
    const conversationId = inserted.insertId;
    const messageId = await writeSystemMessage(tx, {
      conversationId,
      actorId: creatorId,
      opId: op.opId,
      content,
      at,
    });
    if (messageId === null) throw new Error('a new group found its first message written');
    const members = [creatorId, ...op.memberIds];
    await tx.write(
      `INSERT INTO conversation_members (conversation_id, user_id, role, change_epoch)
       VALUES ${members.map(() => `(?, ?, ?, ${EPOCH_STAMP})`).join(', ')}`,
      members.flatMap((id) => [conversationId, id, id === creatorId ? 'admin' : 'member']),
    );
    await tx.write(
      'UPDATE conversations SET last_message_id = ?, last_message_at = ? WHERE conversation_id = ?',
      [messageId, at, conversationId],
    );
    await ctx.beforeCommit?.(conversationId);
    return conversationId;
  });
  if (createdId === null) {
    const [row] = await ctx.sql.rows<{ conversation_id: number }>(
      'SELECT conversation_id FROM conversations WHERE pair_key = ?',
      [pairKey],
    );
    if (!row) throw new Error('group vanished after a concurrent insert');
    return answer(ctx, caller, op, row.conversation_id, true);
  }
  return answer(ctx, caller, op, createdId, false);
}

/** The accepted answer, and for a new group what its members are told. A retry gets
 * the group as it is now, without a version step: the device may lack what was sent
 * since, and the duplicate tells it to catch up. */
async function answer(
  ctx: SyncContext,
  caller: Caller,
  op: CreateGroupOp,
  conversationId: number,
  duplicate: boolean,
): Promise<CreatedGroup> {
  const [conversation, roster, stored] = await Promise.all([
    groupView(ctx.sql, caller.userId, conversationId),
    rosterOf(ctx.sql, conversationId),
    systemMessageOf(ctx.sql, caller.userId, op.opId),
  ]);
  if (!conversation || !roster) throw new Error('group unreadable after create');
  // A new group is at version 1, its first message; later sends have their own steps.
  const message = stored && !duplicate ? { ...stored, version: 1 } : stored;
  const result = {
    opId: op.opId,
    status: 'accepted' as const,
    conversation,
    roster,
    ...(message ? { message } : {}),
    ...(duplicate ? { duplicate } : {}),
  };
  if (duplicate) {
    // One who has left since learns nothing of who is in it now.
    if (conversation.leftUpTo !== null) {
      const { roster: _now, ...withoutRoster } = result;
      return { ...resultsOnly([withoutRoster]), conversationId, refusal: null };
    }
    return { ...resultsOnly([result]), rosters: [roster], conversationId, refusal: null };
  }
  const memberIds = roster.members.map((m) => m.userId);
  const versions = [{ conversationId, from: null, to: 1 }];
  const members = memberIds.map((userId) => ({
    conversationId,
    userId,
    deliveredUpTo: 0,
    readUpTo: 0,
  }));
  const changes = (view: ConversationView) => ({
    conversations: [view],
    members,
    messages: message ? [message] : [],
    versions,
    rosters: [roster],
    removed: [],
  });
  // The device's id for the group is its creator's business alone.
  const others = memberIds.filter((id) => id !== caller.userId);
  return {
    results: [result],
    publications: [
      { to: [caller.userId], changes: changes(conversation) },
      { to: others, changes: changes({ ...conversation, clientConvId: null }) },
    ],
    versions,
    members,
    rosters: [roster],
    conversationId,
    refusal: null,
  };
}
