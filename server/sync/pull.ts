// Pull (DESIGN §3.3): everything that changed for the caller since the cursor, in pages.
// For each conversation it reads the committed change_seq X first and returns changes
// numbered ≤ X: since numbers are taken under the conversation's row lock, every change
// ≤ X has committed, whatever order the transactions committed in. Nothing is skipped.
import { LIMITS } from '../../shared/limits.ts';
import type { PullResult } from '../../shared/sync/protocol.ts';
import {
  type ConversationRow,
  conversationSelect,
  MESSAGE_COLUMNS,
  type MessageRow,
  toConversationView,
  toMessageView,
} from '../chat/rows.ts';
import type { Db } from '../db/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const CONVERSATIONS_PER_QUERY = 50;

export async function pullChanges(
  db: Db,
  callerId: number,
  cursorText: string | null,
  limit: number = LIMITS.pullPageMax,
): Promise<PullResult> {
  const known = decodeCursor(cursorText);
  const heads = await db.$queryRaw<{ conversation_id: number; change_seq: bigint | number }[]>`
    SELECT conversation_id, change_seq FROM conversations
    WHERE user1_id = ${callerId} OR user2_id = ${callerId} ORDER BY conversation_id`;
  const next = new Map<number, number>();
  const changed: { id: number; from: number; to: number }[] = [];
  for (const head of heads) {
    const from = known.get(head.conversation_id) ?? 0;
    const to = Number(head.change_seq);
    next.set(head.conversation_id, from);
    if (to > from) changed.push({ id: head.conversation_id, from, to });
  }

  const messages: MessageRow[] = [];
  const included: number[] = [];
  let budget = limit;
  let hasMore = false;
  for (let i = 0; i < changed.length && !hasMore; i += CONVERSATIONS_PER_QUERY) {
    const chunk = changed.slice(i, i + CONVERSATIONS_PER_QUERY);
    const ranges = chunk.map(
      (c) =>
        Prisma.sql`(m.conversation_id = ${c.id} AND m.change_seq > ${c.from} AND m.change_seq <= ${c.to})`,
    );
    const rows = await db.$queryRaw<MessageRow[]>`SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE ${Prisma.join(ranges, ' OR ')}
      ORDER BY m.conversation_id, m.change_seq LIMIT ${budget + 1}`;
    const taken = rows.slice(0, budget);
    messages.push(...taken);
    budget -= taken.length;
    if (rows.length > taken.length) {
      // The page ends inside the conversation of the last row taken: resume after it.
      hasMore = true;
      const last = taken.at(-1);
      for (const c of chunk) {
        if (last && c.id < last.conversation_id) {
          next.set(c.id, c.to);
          included.push(c.id);
        }
      }
      if (last) {
        next.set(last.conversation_id, Number(last.change_seq));
        included.push(last.conversation_id);
      }
    } else {
      for (const c of chunk) {
        next.set(c.id, c.to);
        included.push(c.id);
      }
      if (budget === 0 && i + CONVERSATIONS_PER_QUERY < changed.length) hasMore = true;
    }
  }

  const conversations = included.length
    ? await db.$queryRaw<ConversationRow[]>`${conversationSelect(callerId)}
        WHERE c.conversation_id IN (${Prisma.join(included)})`
    : [];
  return {
    conversations: conversations.map(toConversationView),
    messages: messages.map(toMessageView),
    cursor: encodeCursor(next),
    hasMore,
  };
}
