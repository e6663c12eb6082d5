// Sends (docs/sync.md, "What a write costs"). A batch is one transaction: an INSERT that
// checks each sender's membership, locks the conversation and stamps each row with the
// epoch; an UPDATE that takes the message versions, moves the seed's last_message columns
// and restamps every member's index row. A batch of one conversation reads its new
// version from LAST_INSERT_ID. One of several conversations first locks them in
// ascending order, so two batches cannot deadlock, restamps the members in a statement of
// its own and reads the versions back. Batches come from send-queue.ts: the sends of one
// push to one conversation, or, under load, those of several pushes together.
import {
  type ChangeSet,
  EMPTY_CHANGES,
  type OpOfKind,
  type OpResult,
  type SyncMessage,
  type VersionStep,
} from '../../../shared/sync/protocol.ts';
import type { ResolvedAttachment } from '../../attachments/resolve.ts';
import { NO_LONGER_A_MEMBER, standingOf } from '../../chat/membership.ts';
import { MESSAGE_COLUMN_LIST, type MessageRow, toMessageView } from '../../chat/rows.ts';
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
import type { ResolvedReply } from '../replies.ts';

export type SendOp = OpOfKind<'send'>;

/** The sends of one caller to one conversation. */
export interface SendRequest {
  caller: Caller;
  conversationId: number;
  ops: readonly SendOp[];
  /** By client_msg_id: the checked uploads of the sends that carry one. */
  attachments?: ReadonlyMap<string, ResolvedAttachment>;
  /** By client_msg_id: the checked originals of the sends that answer one. */
  replies?: ReadonlyMap<string, ResolvedReply>;
  /** By client_msg_id: when a message the server sends for its sender was due. */
  scheduledFor?: ReadonlyMap<string, Date>;
}

type StoredRow = MessageRow & { message_version: number };

const insertSql = (count: number) => `INSERT IGNORE INTO messages
    (conversation_id, sender_id, message_type, content, client_msg_id, created_at, updated_at,
     change_epoch, status, file_url, file_name, file_size, attachment_id, attachment_meta,
     reply_to_id, scheduled_for)
  SELECT c.conversation_id, v.sender_id, v.message_type, v.content, v.client_msg_id, ?, ?,
         (SELECT epoch FROM sync_clock WHERE id = 1 LOCK IN SHARE MODE), 'sent',
         v.file_url, v.file_name, v.file_size, v.attachment_id, v.attachment_meta, v.reply_to_id,
         v.scheduled_for
    FROM (${Array.from(
      { length: count },
      () =>
        'SELECT ? AS ord, ? AS conversation_id, ? AS sender_id, ? AS message_type, ? AS content, ? AS client_msg_id, ? AS file_url, ? AS file_name, ? AS file_size, ? AS attachment_id, ? AS attachment_meta, ? AS reply_to_id, ? AS scheduled_for',
    ).join(' UNION ALL ')}) v
    JOIN conversations c ON c.conversation_id = v.conversation_id
    STRAIGHT_JOIN conversation_members sm ON sm.conversation_id = c.conversation_id
         AND sm.user_id = v.sender_id AND sm.left_at IS NULL
   ORDER BY v.ord
     FOR UPDATE`;

// Listing the conversation first makes its row the first lock (it is held already).
const BUMP_ONE_SQL = `UPDATE conversations c
    JOIN sync_clock k ON k.id = 1
    JOIN conversation_members mm ON mm.conversation_id = c.conversation_id AND mm.left_at IS NULL
     SET c.message_version = LAST_INSERT_ID(c.message_version + ?),
         c.last_message_id = GREATEST(COALESCE(c.last_message_id, 0), ?),
         c.last_message_at = ?,
         mm.change_epoch = k.epoch
   WHERE c.conversation_id = ?`;

const bumpManySql = (count: number) => `UPDATE conversations c
    JOIN (${Array.from({ length: count }, () => 'SELECT ? AS id, ? AS n, ? AS last').join(' UNION ALL ')}) v
      ON v.id = c.conversation_id
     SET c.message_version = c.message_version + v.n,
         c.last_message_id = GREATEST(COALESCE(c.last_message_id, 0), v.last),
         c.last_message_at = ?`;

// On its own, by primary key: joined to the update above, the member rows could be read
// through a plan that waits on rows of conversations another batch holds.
const restampMembersSql = (count: number) => `UPDATE conversation_members mm
    JOIN sync_clock k ON k.id = 1
     SET mm.change_epoch = k.epoch
   WHERE mm.conversation_id IN (${placeholders(count)}) AND mm.left_at IS NULL`;

/** One unique send of the batch, in the order it is inserted. */
interface Row {
  request: number;
  op: SendOp;
  senderId: number;
  conversationId: number;
  attachment: ResolvedAttachment | null;
  reply: ResolvedReply | null;
  scheduledFor: Date | null;
}

interface Stored {
  /** Row index → message id, for the rows this transaction inserted. */
  fresh: Map<number, number>;
  /** Row index → the row that was there before (a retry, or an id used elsewhere). */
  earlier: Map<number, StoredRow>;
  /** Per conversation with fresh rows: the version step they took. */
  steps: Map<number, { from: number; to: number }>;
}

const keyOf = (senderId: number, clientMsgId: string) => `${senderId}:${clientMsgId}`;

async function storedBy(
  sql: SqlRunner,
  pairs: readonly { senderId: number; clientMsgId: string }[],
): Promise<Map<string, StoredRow>> {
  const rows = await sql.rows<StoredRow>(
    `SELECT ${MESSAGE_COLUMN_LIST}, c.message_version FROM messages m
       JOIN conversations c ON c.conversation_id = m.conversation_id
      WHERE (m.sender_id, m.client_msg_id) IN (${pairs.map(() => '(?, ?)').join(', ')})`,
    pairs.flatMap((p) => [p.senderId, p.clientMsgId]),
  );
  return new Map(rows.map((r) => [keyOf(r.sender_id, r.client_msg_id ?? ''), r]));
}

/** The id a same-run original has (from this insert, or stored by a retry that raced
 * it), by the id of the row that answers it. */
function sameRunOriginals(
  rows: readonly Row[],
  fresh: ReadonlyMap<number, number>,
  earlier: ReadonlyMap<number, { message_id: number }> = new Map(),
) {
  const freshByClientId = new Map<string, number>();
  const stored = [...fresh, ...[...earlier].map(([i, row]) => [i, row.message_id] as const)];
  for (const [i, messageId] of stored) {
    const row = rows[i];
    if (row) freshByClientId.set(keyOf(row.senderId, row.op.clientMsgId), messageId);
  }
  const links = new Map<number, number>();
  rows.forEach((row, i) => {
    const original = row.reply?.sameRunClientMsgId;
    const replyId = fresh.get(i);
    const originalId = original ? freshByClientId.get(keyOf(row.senderId, original)) : undefined;
    if (replyId !== undefined && originalId !== undefined) links.set(replyId, originalId);
  });
  return links;
}

/** A reply to a message of the same statement learns its original's id only now. Rare
 * (a reply written offline to one's own unsent message), so one statement each. */
async function linkSameRunReplies(
  tx: SqlRunner,
  rows: readonly Row[],
  fresh: ReadonlyMap<number, number>,
  earlier: ReadonlyMap<number, { message_id: number }>,
): Promise<void> {
  if (!rows.some((row) => row.reply?.sameRunClientMsgId)) return;
  for (const [replyId, originalId] of sameRunOriginals(rows, fresh, earlier)) {
    await tx.write('UPDATE messages SET reply_to_id = ? WHERE message_id = ?', [
      originalId,
      replyId,
    ]);
  }
}

/** The first op of each client_msg_id is the one stored; repeats answer like it. */
function uniqueOps(ops: readonly SendOp[]): SendOp[] {
  const seen = new Set<string>();
  return ops.filter((op) => !seen.has(op.clientMsgId) && Boolean(seen.add(op.clientMsgId)));
}

export async function applySendBatch(
  ctx: SyncContext,
  requests: readonly SendRequest[],
): Promise<Outcome[]> {
  const at = storedNow();
  const rows: Row[] = requests
    .flatMap((request, index) =>
      uniqueOps(request.ops).map((op) => ({
        request: index,
        op,
        senderId: request.caller.userId,
        conversationId: request.conversationId,
        attachment: request.attachments?.get(op.clientMsgId) ?? null,
        reply: request.replies?.get(op.clientMsgId) ?? null,
        scheduledFor: request.scheduledFor?.get(op.clientMsgId) ?? null,
      })),
    )
    // Ascending conversations (stable: each request's ops keep their order).
    .sort((a, b) => a.conversationId - b.conversationId);

  const conversationIds = [...new Set(rows.map((row) => row.conversationId))];
  const stored = await ctx.sql.transaction(async (tx): Promise<Stored | null> => {
    // An INSERT … SELECT holds the table's AUTO-INC lock until it ends: if it locked a
    // second conversation row mid-statement, it could wait on a transaction that waits
    // for AUTO-INC. Several conversations are therefore locked first, in order.
    if (conversationIds.length > 1) {
      await tx.rows(
        `SELECT conversation_id FROM conversations
          WHERE conversation_id IN (${placeholders(conversationIds.length)})
          ORDER BY conversation_id FOR UPDATE`,
        conversationIds,
      );
    }
    const inserted = await tx.write(insertSql(rows.length), [
      at,
      at,
      ...rows.flatMap((row, i) => [
        i,
        row.conversationId,
        row.senderId,
        row.op.messageType,
        row.op.content,
        row.op.clientMsgId,
        row.attachment?.fileUrl ?? null,
        row.attachment?.fileName ?? null,
        row.attachment?.fileSize ?? null,
        row.attachment?.attachmentId ?? null,
        row.attachment ? JSON.stringify(row.attachment.meta) : null,
        row.reply?.replyToId ?? null,
        row.scheduledFor,
      ]),
    ]);
    if (inserted.affectedRows === 0) return null;
    const fresh = new Map<number, number>();
    const earlier = new Map<number, StoredRow>();
    if (inserted.affectedRows === rows.length && ctx.hasConsecutiveInsertIds) {
      for (let i = 0; i < rows.length; i++) fresh.set(i, inserted.insertId + i);
    } else {
      // Some were there already: the ids this statement took are the insert id and above.
      const found = await storedBy(
        tx,
        rows.map((r) => ({ senderId: r.senderId, clientMsgId: r.op.clientMsgId })),
      );
      rows.forEach((row, i) => {
        const existing = found.get(keyOf(row.senderId, row.op.clientMsgId));
        if (!existing) return;
        const isFresh =
          existing.message_id >= inserted.insertId &&
          existing.conversation_id === row.conversationId;
        if (isFresh) fresh.set(i, existing.message_id);
        else earlier.set(i, existing);
      });
    }
    await linkSameRunReplies(tx, rows, fresh, earlier);
    const perConversation = new Map<number, { n: number; last: number }>();
    for (const [i, messageId] of fresh) {
      const { conversationId } = rows[i]!;
      const counted = perConversation.get(conversationId) ?? { n: 0, last: 0 };
      perConversation.set(conversationId, {
        n: counted.n + 1,
        last: Math.max(counted.last, messageId),
      });
    }
    const steps = new Map<number, { from: number; to: number }>();
    const [only, ...others] = perConversation;
    if (only && others.length === 0) {
      const [conversationId, { n, last }] = only;
      const bumped = await tx.write(BUMP_ONE_SQL, [n, last, at, conversationId]);
      steps.set(conversationId, { from: bumped.insertId - n, to: bumped.insertId });
    } else if (only) {
      const entries = [...perConversation];
      await tx.write(bumpManySql(entries.length), [
        ...entries.flatMap(([id, { n, last }]) => [id, n, last]),
        at,
      ]);
      await tx.write(
        restampMembersSql(entries.length),
        entries.map(([id]) => id),
      );
      const versions = await tx.rows<{ conversation_id: number; message_version: number }>(
        `SELECT conversation_id, message_version FROM conversations
          WHERE conversation_id IN (${placeholders(entries.length)})`,
        entries.map(([id]) => id),
      );
      for (const v of versions) {
        const n = perConversation.get(v.conversation_id)?.n ?? 0;
        steps.set(v.conversation_id, { from: v.message_version - n, to: v.message_version });
      }
    }
    for (const conversationId of perConversation.keys()) await ctx.beforeCommit?.(conversationId);
    return { fresh, earlier, steps };
  });

  if (!stored) return Promise.all(requests.map((r) => answerUnstored(ctx, r)));
  const batch = groupBatch(rows, stored, at);
  return Promise.all(requests.map((request, index) => answer(ctx, request, index, batch)));
}

/** What the batch stored in one conversation. */
interface ConversationBatch {
  step: { from: number; to: number } | undefined;
  /** Its new messages, in version order. */
  messages: SyncMessage[];
  /** Row index → the view of the message that row stored. */
  viewOfRow: Map<number, SyncMessage>;
  /** The requests (by index) with rows in it; the first one carries its events. */
  requests: Set<number>;
  firstRequest: number;
}

interface GroupedBatch {
  rows: readonly Row[];
  stored: Stored;
  conversations: Map<number, ConversationBatch>;
  /** Request index → the indexes of its rows. */
  rowsOf: Map<number, number[]>;
}

/** One pass over the batch's rows, so each request's answer reads only its own. */
function groupBatch(rows: readonly Row[], stored: Stored, at: Date): GroupedBatch {
  const conversations = new Map<number, ConversationBatch>();
  const linked = rows.some((row) => row.reply?.sameRunClientMsgId)
    ? sameRunOriginals(rows, stored.fresh, stored.earlier)
    : null;
  const rowsOf = new Map<number, number[]>();
  const time = at.toISOString();
  rows.forEach((row, i) => {
    const own = rowsOf.get(row.request) ?? [];
    own.push(i);
    rowsOf.set(row.request, own);
    let conversation = conversations.get(row.conversationId);
    if (!conversation) {
      conversation = {
        step: stored.steps.get(row.conversationId),
        messages: [],
        viewOfRow: new Map(),
        requests: new Set(),
        firstRequest: row.request,
      };
      conversations.set(row.conversationId, conversation);
    }
    conversation.requests.add(row.request);
    const messageId = stored.fresh.get(i);
    if (messageId === undefined || !conversation.step) return;
    const view: SyncMessage = {
      messageId,
      conversationId: row.conversationId,
      senderId: row.senderId,
      messageType: row.op.messageType,
      content: row.op.content,
      createdAt: time,
      updatedAt: time,
      status: 'sent',
      isEdited: false,
      isDeleted: false,
      fileUrl: row.attachment?.fileUrl ?? null,
      fileName: row.attachment?.fileName ?? null,
      fileSize: row.attachment?.fileSize ?? null,
      clientMsgId: row.op.clientMsgId,
      attachment: row.attachment
        ? { uploadId: row.attachment.attachmentId, ...row.attachment.meta }
        : null,
      replyTo: replyViewOfRow(row, messageId, linked),
      reactions: [],
      scheduledFor: row.scheduledFor?.toISOString() ?? null,
      version: conversation.step.from + conversation.messages.length + 1,
    };
    conversation.messages.push(view);
    conversation.viewOfRow.set(i, view);
  });
  return { rows, stored, conversations, rowsOf };
}

function replyViewOfRow(
  row: Row,
  messageId: number,
  linked: ReadonlyMap<number, number> | null,
): SyncMessage['replyTo'] {
  if (!row.reply) return null;
  if (row.reply.replyToId !== null) return row.reply.view;
  const originalId = linked?.get(messageId);
  return originalId === undefined ? null : { ...row.reply.view, messageId: originalId };
}

/** Builds the answer of one request and the events of its conversation (once per
 * conversation: the first request of it carries them, for every sender in the batch). */
async function answer(
  ctx: SyncContext,
  request: SendRequest,
  index: number,
  { rows, stored, conversations, rowsOf }: GroupedBatch,
): Promise<Outcome> {
  const { conversationId } = request;
  const conversation = conversations.get(conversationId);
  const step = conversation?.step;
  const views = new Map<string, SyncMessage>();
  const earlierOf = new Map<string, StoredRow>();
  for (const i of rowsOf.get(index) ?? []) {
    const { clientMsgId } = rows[i]!.op;
    const view = conversation?.viewOfRow.get(i);
    if (view) views.set(clientMsgId, view);
    const earlier = stored.earlier.get(i);
    if (earlier) earlierOf.set(clientMsgId, earlier);
  }
  if (!conversation || (views.size === 0 && earlierOf.size === 0)) {
    return answerUnstored(ctx, request);
  }
  const reported = new Set<string>();
  const results = request.ops.map((op): OpResult => {
    const fresh = views.get(op.clientMsgId);
    if (fresh) {
      const duplicate = reported.has(op.clientMsgId);
      reported.add(op.clientMsgId);
      return { opId: op.opId, status: 'accepted', message: fresh, duplicate };
    }
    const row = earlierOf.get(op.clientMsgId);
    if (!row) return { opId: op.opId, status: 'retry', reason: 'message not stored' };
    if (row.conversation_id !== conversationId) {
      return rejected(
        op.opId,
        'VALIDATION_FAILED',
        'client_msg_id already used in another conversation',
      );
    }
    // Stored before this transaction, so its content is as of the version before it.
    const message = { ...toMessageView(row), version: step?.from ?? row.message_version };
    return { opId: op.opId, status: 'accepted', message, duplicate: true };
  });

  const versionStep: VersionStep | null = step ? { conversationId, ...step } : null;
  const publications: Publication[] = [];
  if (versionStep && conversation.firstRequest === index) {
    const changes: ChangeSet = {
      ...EMPTY_CHANGES,
      messages: conversation.messages,
      versions: [versionStep],
    };
    // Those who may see them: a member added after this batch committed (adding locks the
    // conversation too, so never in the middle of one) has a version past its step.
    const first = conversation.messages[0]?.messageId ?? 0;
    const to = (await ctx.participants.audience(conversationId, first))?.seeing ?? [
      request.caller.userId,
    ];
    // A step made of one push's sends skips that device's stream (its answer has them);
    // one mixing several pushes goes to every device, the pushers' included.
    publications.push({
      to,
      changes,
      ...(conversation.requests.size === 1 ? {} : { everyDevice: true }),
    });
  }
  // The pushing device may take the step only if every message of it is in its answer.
  const isWholeStep = conversation.messages.length === views.size;
  return {
    results,
    publications,
    versions: versionStep && isWholeStep ? [versionStep] : [],
    members: [],
  };
}

/** Nothing of this request went in: every op is a retry of a stored message, or names a
 * conversation the caller is not in, or reuses an id of another conversation. */
async function answerUnstored(ctx: SyncContext, request: SendRequest): Promise<Outcome> {
  const { caller, conversationId, ops } = request;
  const rows = await storedBy(
    ctx.sql,
    ops.map((op) => ({ senderId: caller.userId, clientMsgId: op.clientMsgId })),
  );
  const mine = (op: SendOp) => rows.get(keyOf(caller.userId, op.clientMsgId));
  const isMissing = ops.some((op) => !mine(op));
  const standing = isMissing ? await standingOf(ctx.sql, conversationId, caller.userId) : null;
  const results = ops.map((op): OpResult => {
    const row = mine(op);
    if (row && row.conversation_id === conversationId) {
      const message = { ...toMessageView(row), version: row.message_version };
      return { opId: op.opId, status: 'accepted', message, duplicate: true };
    }
    if (row) {
      return rejected(
        op.opId,
        'VALIDATION_FAILED',
        'client_msg_id already used in another conversation',
      );
    }
    if (!standing) return rejected(op.opId, 'NOT_FOUND', 'conversation not found');
    if (!standing.isCurrent) return rejected(op.opId, 'FORBIDDEN', NO_LONGER_A_MEMBER);
    return { opId: op.opId, status: 'retry', reason: 'message not stored' };
  });
  return resultsOnly(results);
}
