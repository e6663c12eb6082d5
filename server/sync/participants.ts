// Who takes part in a conversation, for addressing its events: its current members. A
// two-person conversation's members never change, so that answer is remembered; a
// group's is read each time, since another instance may have changed it. The writes
// themselves check membership in SQL; this only decides whom to tell.
import { type ChangeSet, EMPTY_CHANGES } from '../../shared/sync/protocol.ts';
import type { SqlRunner } from '../db/sql.ts';
import type { Publication } from './context.ts';

export interface Participants {
  /** The current members, or null when the conversation does not exist. */
  of(conversationId: number): Promise<readonly number[] | null>;
  /** Those of them who may see message `messageId` (a member added later sees the log
   * from the message that added them), and those who joined after it; one read. */
  audience(conversationId: number, messageId: number): Promise<Audience | null>;
  /** Whether it is a group (false too when it does not exist). */
  isGroup(conversationId: number): Promise<boolean>;
  remember(conversationId: number, userIds: readonly number[]): void;
}

export interface Audience {
  seeing: readonly number[];
  later: readonly number[];
}

/** Whom a change of message `messageId` goes to: its message to those who may see it,
 * and to the other current members (who joined after it) the version step alone, so
 * their devices do not wait for a step that never comes. */
export async function messageChangePublications(
  participants: Participants,
  conversationId: number,
  messageId: number,
  fallback: number,
  changes: ChangeSet,
): Promise<Publication[]> {
  const { seeing, later } = (await participants.audience(conversationId, messageId)) ?? {
    seeing: [fallback],
    later: [],
  };
  return [
    { to: seeing, changes },
    ...(later.length > 0
      ? [{ to: later, changes: { ...EMPTY_CHANGES, versions: changes.versions } }]
      : []),
  ];
}

export function createParticipants(sql: SqlRunner, capacity = 100_000): Participants {
  // Map iteration order is insertion order: re-inserting on use makes it an LRU.
  const known = new Map<number, readonly number[]>();
  // Which conversations are groups never changes either; their members are not kept.
  const remember = (conversationId: number, userIds: readonly number[]) => {
    known.delete(conversationId);
    known.set(conversationId, userIds);
    if (known.size > capacity) {
      const oldest = known.keys().next();
      if (!oldest.done) known.delete(oldest.value);
    }
  };
  const groups = new Set<number>();
  /** The current members and the first message each may see. */
  const read = async (conversationId: number) => {
    const rows = await sql.rows<{
      is_group: number;
      user_id: number | null;
      history_from: number | null;
    }>(
      `SELECT c.is_group, cm.user_id, cm.history_from FROM conversations c
         LEFT JOIN conversation_members cm ON cm.conversation_id = c.conversation_id
              AND cm.left_at IS NULL
        WHERE c.conversation_id = ?`,
      [conversationId],
    );
    if (rows.length === 0) return null;
    const members = rows.flatMap((r) =>
      r.user_id === null ? [] : [{ userId: r.user_id, historyFrom: r.history_from ?? 0 }],
    );
    if (rows[0]?.is_group) {
      if (groups.size >= capacity) groups.clear();
      groups.add(conversationId);
    } else {
      remember(
        conversationId,
        members.map((m) => m.userId),
      );
    }
    return members;
  };
  return {
    remember,
    async of(conversationId) {
      const cached = known.get(conversationId);
      if (cached) {
        remember(conversationId, cached);
        return cached;
      }
      return (await read(conversationId))?.map((m) => m.userId) ?? null;
    },
    async isGroup(conversationId) {
      if (known.has(conversationId)) return false;
      if (groups.has(conversationId)) return true;
      await read(conversationId);
      return groups.has(conversationId);
    },
    async audience(conversationId, messageId) {
      const cached = known.get(conversationId);
      if (cached) return { seeing: cached, later: [] };
      const members = await read(conversationId);
      if (!members) return null;
      return {
        seeing: members.filter((m) => m.historyFrom <= messageId).map((m) => m.userId),
        later: members.filter((m) => m.historyFrom > messageId).map((m) => m.userId),
      };
    },
  };
}
