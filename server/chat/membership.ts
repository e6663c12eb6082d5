// Where a user stands in a conversation: a current member (who reads and writes), a
// former member of a group (who reads what they were there for, and writes nothing), or
// nobody (who is told the conversation does not exist).
import type { MemberRole } from '../../shared/groups.ts';
import type { OpResult } from '../../shared/sync/protocol.ts';
import type { SqlRunner } from '../db/sql.ts';

export interface Standing {
  isCurrent: boolean;
  role: MemberRole;
  isGroup: boolean;
}

export const NO_LONGER_A_MEMBER = 'you are no longer a member of this group';

export async function standingOf(
  sql: SqlRunner,
  conversationId: number,
  userId: number,
): Promise<Standing | null> {
  const [row] = await sql.rows<{ left_at: Date | null; role: string; is_group: number }>(
    `SELECT cm.left_at, cm.role, c.is_group FROM conversation_members cm
       JOIN conversations c ON c.conversation_id = cm.conversation_id
      WHERE cm.conversation_id = ? AND cm.user_id = ?`,
    [conversationId, userId],
  );
  if (!row) return null;
  return {
    isCurrent: row.left_at === null,
    role: row.role === 'admin' ? 'admin' : 'member',
    isGroup: Boolean(row.is_group),
  };
}

/** The refusal of a write by someone who is not (or no longer) a member. */
export async function notMemberRefusal(
  sql: SqlRunner,
  opId: string,
  conversationId: number,
  userId: number,
): Promise<OpResult> {
  const standing = await standingOf(sql, conversationId, userId);
  return standing
    ? { opId, status: 'rejected', code: 'FORBIDDEN', reason: NO_LONGER_A_MEMBER }
    : { opId, status: 'rejected', code: 'NOT_FOUND', reason: 'conversation not found' };
}
