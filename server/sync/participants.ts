// Who takes part in a conversation, for addressing its events. A two-person
// conversation's participants never change (its seed columns user1_id/user2_id), so an
// answer can be remembered; the writes themselves still check membership in SQL, this
// only decides whom to tell.
import type { SqlRunner } from '../db/sql.ts';

export interface Participants {
  /** The participants, or null when the conversation does not exist. */
  of(conversationId: number): Promise<readonly number[] | null>;
  remember(conversationId: number, userIds: readonly number[]): void;
}

export function createParticipants(sql: SqlRunner, capacity = 100_000): Participants {
  // Map iteration order is insertion order: re-inserting on use makes it an LRU.
  const known = new Map<number, readonly number[]>();
  const remember = (conversationId: number, userIds: readonly number[]) => {
    known.delete(conversationId);
    known.set(conversationId, userIds);
    if (known.size > capacity) {
      const oldest = known.keys().next();
      if (!oldest.done) known.delete(oldest.value);
    }
  };
  return {
    remember,
    async of(conversationId) {
      const cached = known.get(conversationId);
      if (cached) {
        remember(conversationId, cached);
        return cached;
      }
      const [row] = await sql.rows<{ user1_id: number; user2_id: number }>(
        'SELECT user1_id, user2_id FROM conversations WHERE conversation_id = ?',
        [conversationId],
      );
      if (!row) return null;
      const users = [row.user1_id, row.user2_id];
      remember(conversationId, users);
      return users;
    },
  };
}
