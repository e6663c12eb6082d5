// A group's roster as devices receive it: its title and current members, whole (in the
// order they joined, the creator first), with the version of the group's last change.
import type { Roster } from '../../shared/groups.ts';
import { placeholders, type SqlRunner } from '../db/sql.ts';

export async function rostersOf(
  sql: SqlRunner,
  conversationIds: readonly number[],
): Promise<Roster[]> {
  if (conversationIds.length === 0) return [];
  const rows = await sql.rows<{
    conversation_id: number;
    roster_version: number;
    group_title: string | null;
    user_id: number | null;
    display_name: string | null;
    role: string | null;
    joined_at: Date | null;
    history_from: number | null;
  }>(
    `SELECT c.conversation_id, c.roster_version, c.group_title, cm.user_id, u.display_name, cm.role, cm.joined_at,
            cm.history_from
       FROM conversations c
       LEFT JOIN conversation_members cm ON cm.conversation_id = c.conversation_id AND cm.left_at IS NULL
       LEFT JOIN users u ON u.user_id = cm.user_id
      WHERE c.conversation_id IN (${placeholders(conversationIds.length)}) AND c.is_group = 1
      ORDER BY c.conversation_id, cm.joined_at, cm.user_id = c.user1_id DESC, cm.user_id`,
    conversationIds,
  );
  const rosters = new Map<number, Roster>();
  for (const row of rows) {
    const roster = rosters.get(row.conversation_id) ?? {
      conversationId: row.conversation_id,
      version: row.roster_version,
      title: row.group_title ?? '',
      members: [],
    };
    rosters.set(row.conversation_id, roster);
    if (row.user_id === null) continue;
    roster.members.push({
      userId: row.user_id,
      displayName: row.display_name ?? '',
      role: row.role === 'admin' ? 'admin' : 'member',
      joinedAt: (row.joined_at ?? new Date(0)).toISOString(),
      historyFrom: row.history_from ?? 0,
    });
  }
  return [...rosters.values()];
}

export async function rosterOf(sql: SqlRunner, conversationId: number): Promise<Roster | null> {
  const [roster] = await rostersOf(sql, [conversationId]);
  return roster ?? null;
}
