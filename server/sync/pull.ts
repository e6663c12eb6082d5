// Pull (DESIGN §3.3, docs/sync.md "Pull"): what changed for the caller since the cursor,
// in pages. A pass first seals the clock, so everything stamped up to its target epoch
// has committed; it then walks the caller's member rows changed since the cursor in
// (change epoch, conversation id) order, which only ever moves forward, so no row can
// slip behind a page boundary. For each conversation it brings the messages changed since
// the cursor, labelled with the message version it read before them (never newer than
// they are). Cost follows what changed, not how many conversations the user has.
import type { PullResult, SyncMessage } from '../../shared/sync/protocol.ts';
import {
  CONVERSATION_COLUMN_LIST,
  type ConversationRow,
  MESSAGE_COLUMN_LIST,
  type MessageRow,
  toConversationView,
  toMessageView,
} from '../chat/rows.ts';
import { placeholders, type Sql } from '../db/sql.ts';
import { scheduledChangedFor } from '../scheduled/rows.ts';
import type { SyncClock } from './clock.ts';
import {
  assertNotAhead,
  type Cursor,
  decodeCursor,
  encodeCursor,
  type PageState,
} from './cursor.ts';
import { rostersOf } from './roster.ts';

export interface PullDeps {
  sql: Sql;
  clock: SyncClock;
}

export interface PullRequest {
  cursor: string | null;
  limit: number;
  check: boolean;
}

const CONVERSATIONS_PER_PAGE = 500;
const MAX_ID = 2_147_483_647;

interface MemberRow extends ConversationRow {
  change_epoch: number;
  left_at: Date | null;
  message_version: number;
  roster_epoch: number;
}

/** Still shown: a current member's conversation, or a group the caller left, which
 * stays read-only. Gone: a conversation the caller may no longer see at all. */
const isShown = (m: MemberRow) => m.left_at === null || Boolean(m.is_group);
const isCurrent = (m: MemberRow) => m.left_at === null;

/** A message the caller may see: from where they joined to where they left. */
const IN_HISTORY = `JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = ?`;
const HISTORY_RANGE = `m.message_id >= me.history_from AND m.message_id <= COALESCE(me.history_to, m.message_id)`;

async function currentEpoch(sql: Sql): Promise<number> {
  const [row] = await sql.rows<{ epoch: number }>('SELECT epoch FROM sync_clock WHERE id = 1');
  if (!row) throw new Error('sync_clock has no row');
  return row.epoch;
}

export async function pullChanges(
  deps: PullDeps,
  callerId: number,
  request: PullRequest,
): Promise<PullResult> {
  const { sql, clock } = deps;
  const cursor = decodeCursor(request.cursor, clock.serverId);
  // A new pass seals the clock; a continuing one keeps the target its first page chose.
  const epoch = cursor.page ? await currentEpoch(sql) : await clock.seal();
  assertNotAhead(cursor, epoch);
  const page: PageState = cursor.page ?? {
    target: epoch - 1,
    after: { epoch: cursor.base, conversationId: MAX_ID },
  };

  const perPage = Math.min(CONVERSATIONS_PER_PAGE, request.limit);
  const members = await sql.rows<MemberRow>(
    `SELECT ${CONVERSATION_COLUMN_LIST}, me.change_epoch, me.left_at, c.message_version,
            c.roster_epoch
       FROM conversation_members me
       JOIN conversations c ON c.conversation_id = me.conversation_id
       LEFT JOIN users u ON c.is_group = 0 AND u.user_id = IF(c.user1_id = ?, c.user2_id, c.user1_id)
      WHERE me.user_id = ? AND me.change_epoch > ?
        AND (me.change_epoch > ? OR (me.change_epoch = ? AND me.conversation_id > ?))
      ORDER BY me.change_epoch, me.conversation_id
      LIMIT ?`,
    [
      callerId,
      callerId,
      cursor.base,
      page.after.epoch,
      page.after.epoch,
      page.after.conversationId,
      perPage,
    ],
  );
  const isLastConversationPage = members.length < perPage;

  const covered = request.check
    ? { full: members, partial: null, messages: [] }
    : await messagesFor(sql, callerId, members, cursor, page, request.limit);
  const shown = [...covered.full, ...(covered.partial ? [covered.partial.row] : [])];
  const visible = shown.filter(isShown);
  const present = shown.filter(isCurrent);
  const rostered = present.filter((m) => m.is_group && m.roster_epoch > cursor.base);
  const rosters = await rostersOf(
    sql,
    rostered.map((m) => m.conversation_id),
  );
  const watermarks = present.length
    ? await sql.rows<{
        conversation_id: number;
        user_id: number;
        delivered_up_to: number;
        read_up_to: number;
      }>(
        `SELECT conversation_id, user_id, delivered_up_to, read_up_to FROM conversation_members
          WHERE conversation_id IN (${placeholders(present.length)}) AND left_at IS NULL`,
        present.map((m) => m.conversation_id),
      )
    : [];

  const isDone =
    covered.partial === null && covered.full.length === members.length && isLastConversationPage;
  const lastFull = covered.full.at(-1);
  const next: Cursor = isDone
    ? { base: page.target }
    : {
        base: cursor.base,
        page: {
          target: page.target,
          after: lastFull
            ? { epoch: lastFull.change_epoch, conversationId: lastFull.conversation_id }
            : page.after,
          ...(covered.partial ? { partial: covered.partial.position } : {}),
        },
      };
  // The caller's own scheduled messages ride on the first page of a pass.
  const scheduled = cursor.page
    ? []
    : await scheduledChangedFor(sql, callerId, cursor.base, page.target);
  return {
    changes: {
      ...(scheduled.length > 0 ? { scheduled } : {}),
      conversations: visible.map(toConversationView),
      members: watermarks.map((w) => ({
        conversationId: w.conversation_id,
        userId: w.user_id,
        deliveredUpTo: w.delivered_up_to,
        readUpTo: w.read_up_to,
      })),
      messages: covered.messages,
      // A head check gives a group the caller left its version too: a device that heard
      // only that it went (a live event, the check itself) sees that it lacks the end of
      // its stay, and fetches it with a full pass, which gives none (a device's version of
      // a group it left never passes its going).
      versions: covered.full
        .filter((m) => isCurrent(m) || (request.check && isShown(m)))
        .map((m) => ({ conversationId: m.conversation_id, from: null, to: m.message_version })),
      rosters,
      removed: shown.filter((m) => !isShown(m)).map((m) => m.conversation_id),
    },
    cursor: encodeCursor(clock.serverId, next),
    hasMore: !isDone,
  };
}

interface Covered {
  /** Conversations whose every change since the cursor is in this page (or before). */
  full: MemberRow[];
  /** One whose messages did not all fit: where the next page goes on in it. */
  partial: {
    row: MemberRow;
    position: { conversationId: number; epoch: number; messageId: number };
  } | null;
  messages: SyncMessage[];
}

async function messagesFor(
  sql: Sql,
  callerId: number,
  members: readonly MemberRow[],
  cursor: Cursor,
  page: PageState,
  budget: number,
): Promise<Covered> {
  const open = members.filter(isShown);
  if (open.length === 0) return { full: [...members], partial: null, messages: [] };
  const counts = new Map(
    (
      await sql.rows<{ conversation_id: number; n: number }>(
        `SELECT m.conversation_id, COUNT(*) AS n FROM messages m ${IN_HISTORY}
          WHERE m.conversation_id IN (${placeholders(open.length)}) AND m.change_epoch > ?
            AND ${HISTORY_RANGE}
          GROUP BY m.conversation_id`,
        [callerId, ...open.map((m) => m.conversation_id), cursor.base],
      )
    ).map((r) => [r.conversation_id, r.n]),
  );
  const full: MemberRow[] = [];
  let room = budget;
  let first: MemberRow | null = null;
  for (const member of members) {
    const n = isShown(member) ? (counts.get(member.conversation_id) ?? 0) : 0;
    if (n > room) {
      if (full.length === 0) first = member;
      break;
    }
    full.push(member);
    room -= n;
  }
  const label = new Map(members.map((m) => [m.conversation_id, m.message_version]));
  const withVersion = (row: MessageRow): SyncMessage => ({
    ...toMessageView(row),
    version: label.get(row.conversation_id) ?? 0,
  });
  const fullIds = full.filter(isShown).map((m) => m.conversation_id);
  const messages = fullIds.length
    ? (
        await sql.rows<MessageRow>(
          `SELECT ${MESSAGE_COLUMN_LIST} FROM messages m ${IN_HISTORY}
            WHERE m.conversation_id IN (${placeholders(fullIds.length)}) AND m.change_epoch > ?
              AND ${HISTORY_RANGE}
            ORDER BY m.conversation_id, m.change_epoch, m.message_id`,
          [callerId, ...fullIds, cursor.base],
        )
      ).map(withVersion)
    : [];
  if (!first) return { full, partial: null, messages };

  // The first conversation alone has more than a page: take a page of it, going on from
  // where the last page left it if that is where this one starts.
  const from =
    page.partial?.conversationId === first.conversation_id
      ? page.partial
      : { epoch: cursor.base, messageId: 0 };
  const rows = await sql.rows<MessageRow & { change_epoch: number }>(
    `SELECT ${MESSAGE_COLUMN_LIST}, m.change_epoch FROM messages m ${IN_HISTORY}
      WHERE m.conversation_id = ? AND m.change_epoch > ? AND ${HISTORY_RANGE}
        AND (m.change_epoch > ? OR (m.change_epoch = ? AND m.message_id > ?))
      ORDER BY m.change_epoch, m.message_id
      LIMIT ?`,
    [
      callerId,
      first.conversation_id,
      cursor.base,
      from.epoch,
      from.epoch,
      from.messageId,
      budget + 1,
    ],
  );
  const taken = rows.slice(0, budget);
  const last = taken.at(-1);
  if (rows.length <= budget || !last) {
    // It fitted after all (the count was taken a moment earlier).
    return { full: [first], partial: null, messages: taken.map(withVersion) };
  }
  return {
    full: [],
    partial: {
      row: first,
      position: {
        conversationId: first.conversation_id,
        epoch: last.change_epoch,
        messageId: last.message_id,
      },
    },
    messages: taken.map(withVersion),
  };
}
