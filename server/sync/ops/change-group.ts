// Changing a group (DESIGN §4a): rename, add or remove members (admins), or leave
// (anyone). One transaction: the conversation's row is locked first, the members read
// under it, the change checked, a system message written (the operation's id names it,
// so a retry is found, never applied twice), members added or marked as gone, and every
// current member restamped. A member who goes keeps the log up to that message and is
// told so; one who comes sees it from that message on.
import { GROUP_LIMITS, type GroupChange, systemText } from '../../../shared/groups.ts';
import type { ConversationView } from '../../../shared/model.ts';
import {
  type ChangeSet,
  EMPTY_CHANGES,
  type OpOfKind,
  type OpResult,
} from '../../../shared/sync/protocol.ts';
import { NO_LONGER_A_MEMBER } from '../../chat/membership.ts';
import { placeholders, type SqlRunner } from '../../db/sql.ts';
import {
  type Caller,
  type Outcome,
  type Publication,
  rejected,
  resultsOnly,
  type SyncContext,
  storedNow,
} from '../context.ts';
import { rosterOf } from '../roster.ts';
import {
  bumpForGroupChange,
  creatorsClientConvId,
  displayNames,
  groupView,
  systemMessageOf,
  writeSystemMessage,
} from './group-log.ts';
import { EPOCH_STAMP } from './message-change.ts';

type ChangeGroupOp = OpOfKind<'changeGroup'>;

interface MemberRow {
  user_id: number;
  role: string;
  left_at: Date | null;
}

/** Why a change is refused; thrown inside the transaction so nothing of it is kept. */
class Refused extends Error {
  constructor(
    readonly code: 'VALIDATION_FAILED' | 'NOT_FOUND' | 'FORBIDDEN',
    reason: string,
  ) {
    super(reason);
  }
}

/** This very operation was applied meanwhile (a concurrent retry). */
class WrittenAlready extends Error {}

/** A change that finds nothing to do (the member is there already, or gone already):
 * done, as two admins who made the same change offline expect. */
class AlreadySo extends Error {}

interface Applied {
  messageId: number;
  version: number;
  /** Members who came (add) or went (remove, leave), and those who were there and stay:
   * read under the conversation's lock, so nobody who came or went meanwhile is told. */
  joined: number[];
  left: number[];
  stayers: number[];
}

export async function applyChangeGroup(
  ctx: SyncContext,
  caller: Caller,
  op: ChangeGroupOp,
  conversationId: number,
): Promise<Outcome> {
  const me = caller.userId;
  const written = await systemMessageOf(ctx.sql, me, op.opId);
  if (written) return repeated(ctx, caller, op, written.conversationId);

  let applied: Applied;
  try {
    applied = await ctx.sql.transaction((tx) => change(tx, ctx, me, op, conversationId));
  } catch (error) {
    if (error instanceof Refused)
      return resultsOnly([rejected(op.opId, error.code, error.message)]);
    if (error instanceof AlreadySo) return resultsOnly([{ opId: op.opId, status: 'accepted' }]);
    if (error instanceof WrittenAlready) return repeated(ctx, caller, op, conversationId);
    throw error;
  }
  return told(ctx, caller, op, conversationId, applied);
}

async function change(
  tx: SqlRunner,
  ctx: SyncContext,
  me: number,
  op: ChangeGroupOp,
  conversationId: number,
): Promise<Applied> {
  const [group] = await tx.rows<{ is_group: number }>(
    'SELECT is_group FROM conversations WHERE conversation_id = ? FOR UPDATE',
    [conversationId],
  );
  // A retry that came in while the first attempt held the lock finds what it wrote.
  const [written] = await tx.rows<{ message_id: number }>(
    `SELECT message_id FROM messages
      WHERE sender_id = ? AND client_msg_id = ? AND message_type = 'system'`,
    [me, op.opId],
  );
  if (written) throw new WrittenAlready();
  const members = await tx.rows<MemberRow>(
    `SELECT user_id, role, left_at FROM conversation_members WHERE conversation_id = ?
      ORDER BY joined_at, user_id`,
    [conversationId],
  );
  const byId = new Map(members.map((m) => [m.user_id, m]));
  const mine = byId.get(me);
  if (!group || !mine) throw new Refused('NOT_FOUND', 'conversation not found');
  if (!group.is_group) throw new Refused('VALIDATION_FAILED', 'not a group');
  if (mine.left_at !== null) throw new Refused('FORBIDDEN', NO_LONGER_A_MEMBER);
  const { change: wanted } = op;
  if (wanted.type !== 'leave' && mine.role !== 'admin') {
    throw new Refused('FORBIDDEN', 'only an admin of the group can do this');
  }
  const current = members.filter((m) => m.left_at === null);
  const isCurrent = (id: number) => byId.get(id)?.left_at === null;

  const plan = planOf(wanted, me, current, isCurrent);
  const names = await displayNames(tx, [me, ...plan.joined, ...plan.left]);
  const missing = plan.joined.filter((id) => !names.has(id));
  if (missing.length > 0) throw new Refused('NOT_FOUND', `user not found: ${missing.join(', ')}`);
  const named = (ids: readonly number[]) => ids.map((id) => names.get(id) ?? '');
  const at = storedNow();
  const messageId = await writeSystemMessage(tx, {
    conversationId,
    actorId: me,
    opId: op.opId,
    content: systemText(
      names.get(me) ?? '',
      wanted,
      named(plan.type === 'add' ? plan.joined : plan.left),
    ),
    at,
  });
  // A concurrent retry of this operation wrote it first.
  if (messageId === null) throw new WrittenAlready();

  if (wanted.type === 'rename') {
    await tx.write('UPDATE conversations SET group_title = ? WHERE conversation_id = ?', [
      wanted.title,
      conversationId,
    ]);
  }
  if (plan.joined.length > 0) {
    await tx.write(
      `INSERT INTO conversation_members (conversation_id, user_id, role, history_from, change_epoch)
       VALUES ${plan.joined.map(() => `(?, ?, 'member', ?, ${EPOCH_STAMP})`).join(', ')}
       ON DUPLICATE KEY UPDATE left_at = NULL, history_to = NULL, left_title = NULL, role = 'member',
         history_from = VALUES(history_from), joined_at = CURRENT_TIMESTAMP(3),
         change_epoch = VALUES(change_epoch)`,
      plan.joined.flatMap((id) => [conversationId, id, messageId]),
    );
  }
  // Restamped while still current, so those who go hear of it too.
  const version = await bumpForGroupChange(tx, conversationId, messageId, at);
  if (plan.left.length > 0) {
    await tx.write(
      `UPDATE conversation_members
          SET left_at = CURRENT_TIMESTAMP(3), history_to = ?, role = 'member',
              left_title = (SELECT group_title FROM conversations WHERE conversation_id = ?)
        WHERE conversation_id = ? AND user_id IN (${placeholders(plan.left.length)})`,
      [messageId, conversationId, conversationId, ...plan.left],
    );
  }
  if (plan.promote !== null) {
    await tx.write(
      `UPDATE conversation_members SET role = 'admin' WHERE conversation_id = ? AND user_id = ?`,
      [conversationId, plan.promote],
    );
  }
  await ctx.beforeCommit?.(conversationId);
  const stayers = current.map((m) => m.user_id).filter((id) => !plan.left.includes(id));
  return { messageId, version, joined: plan.joined, left: plan.left, stayers };
}

interface Plan {
  type: GroupChange['type'];
  joined: number[];
  left: number[];
  /** A member who becomes admin because the last admin left. */
  promote: number | null;
}

function planOf(
  wanted: GroupChange,
  me: number,
  current: readonly MemberRow[],
  isCurrent: (id: number) => boolean,
): Plan {
  const none = { joined: [], left: [], promote: null };
  switch (wanted.type) {
    case 'rename':
      return { type: 'rename', ...none };
    case 'add': {
      const joined = wanted.userIds.filter((id) => !isCurrent(id));
      if (joined.length === 0) throw new AlreadySo();
      if (current.length + joined.length > GROUP_LIMITS.maxMembers) {
        throw new Refused(
          'VALIDATION_FAILED',
          `a group has at most ${GROUP_LIMITS.maxMembers} members`,
        );
      }
      return { type: 'add', ...none, joined };
    }
    case 'remove': {
      if (wanted.userId === me) {
        throw new Refused('VALIDATION_FAILED', 'userId: to leave the group, leave it');
      }
      if (!isCurrent(wanted.userId)) throw new AlreadySo();
      return { type: 'remove', ...none, left: [wanted.userId] };
    }
    case 'leave': {
      const staying = current.filter((m) => m.user_id !== me);
      const hasAdmin = staying.some((m) => m.role === 'admin');
      // Current members were read in join order: the longest-standing one takes over.
      const promote = !hasAdmin && staying[0] ? staying[0].user_id : null;
      return { type: 'leave', ...none, left: [me], promote };
    }
  }
}

/** What each side is told: members who stay hear of the step and the group's roster;
 * those who came get the group from its new version on; those who went get their
 * read-only view. */
async function told(
  ctx: SyncContext,
  caller: Caller,
  op: ChangeGroupOp,
  conversationId: number,
  applied: Applied,
): Promise<Outcome> {
  const [roster, stored, someView, creatorKey] = await Promise.all([
    rosterOf(ctx.sql, conversationId),
    systemMessageOf(ctx.sql, caller.userId, op.opId),
    groupView(ctx.sql, caller.userId, conversationId),
    creatorsClientConvId(ctx.sql, conversationId),
  ]);
  if (!roster || !stored || !someView) throw new Error('group unreadable after a change');
  const message = { ...stored, version: applied.version };
  const rosters = [roster];
  // Each recipient's view: the creator's names the group as their device does.
  const viewFor = (userId: number, leftUpTo: number | null): ConversationView => ({
    ...someView,
    leftUpTo,
    clientConvId: userId === someView.user1Id ? creatorKey : null,
  });
  const tell = (
    to: readonly number[],
    changes: (view: ConversationView) => ChangeSet,
    leftUpTo: number | null,
  ): Publication[] => {
    const creator = to.filter((id) => id === someView.user1Id);
    const others = to.filter((id) => id !== someView.user1Id);
    return [creator, others]
      .filter((group) => group.length > 0)
      .map((group) => ({ to: group, changes: changes(viewFor(group[0] ?? 0, leftUpTo)) }));
  };
  const step = { conversationId, from: applied.version - 1, to: applied.version };
  const { stayers, joined: newcomers } = applied;
  const zero = (userId: number) => ({ conversationId, userId, deliveredUpTo: 0, readUpTo: 0 });
  const base = (view: ConversationView): ChangeSet => ({
    ...EMPTY_CHANGES,
    conversations: [view],
    messages: [message],
  });
  const publications: Publication[] = [
    ...tell(
      stayers,
      (view) => ({ ...base(view), versions: [step], rosters, members: newcomers.map(zero) }),
      null,
    ),
    ...tell(
      newcomers,
      (view) => ({
        ...base(view),
        versions: [{ conversationId, from: null, to: applied.version }],
        rosters,
        members: roster.members.map((m) => zero(m.userId)),
      }),
      null,
    ),
    ...tell(applied.left, base, applied.messageId),
  ];
  const isGone = applied.left.includes(caller.userId);
  const result: OpResult = {
    opId: op.opId,
    status: 'accepted',
    conversation: viewFor(caller.userId, isGone ? applied.messageId : null),
    message,
    ...(isGone ? {} : { roster }),
  };
  return {
    results: [result],
    publications,
    versions: isGone ? [] : [step],
    members: isGone ? [] : newcomers.map(zero),
    rosters: isGone ? [] : rosters,
  };
}

/** A retry of a change that was applied: the answer as it would be now, nothing told
 * again (the duplicate tells the device to catch up). */
async function repeated(
  ctx: SyncContext,
  caller: Caller,
  op: ChangeGroupOp,
  conversationId: number,
): Promise<Outcome> {
  const [view, roster, message] = await Promise.all([
    groupView(ctx.sql, caller.userId, conversationId),
    rosterOf(ctx.sql, conversationId),
    systemMessageOf(ctx.sql, caller.userId, op.opId),
  ]);
  const isCurrent = view?.leftUpTo === null;
  return resultsOnly([
    {
      opId: op.opId,
      status: 'accepted',
      duplicate: true,
      ...(view ? { conversation: view } : {}),
      ...(message ? { message } : {}),
      ...(roster && isCurrent ? { roster } : {}),
    },
  ]);
}
