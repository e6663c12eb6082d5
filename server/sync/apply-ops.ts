// Applies a batch of push operations in order (DESIGN §3.2). Consecutive operations on
// one conversation share one transaction holding that conversation's row lock; inside
// it every change takes the next change_seq numbers, so a committed change_seq of X
// means every change numbered ≤ X is committed too (the pull cursor relies on it).
import { randomUUID } from 'node:crypto';
import type { ConversationView, MessageView } from '../../shared/model.ts';
import {
  type OpResult,
  type PushOp,
  pushOpSchema,
  type RejectCode,
} from '../../shared/sync/protocol.ts';
import { type ConversationKey, findOrCreateConversation } from '../chat/conversations.ts';
import { MESSAGE_COLUMNS, type MessageRow, toMessageView } from '../chat/rows.ts';
import type { Db } from '../db/prisma.ts';
import { type Tx, withTransaction } from '../db/transaction.ts';
import { AppError } from '../errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';

export interface ApplyDeps {
  db: Db;
  log: Logger;
  /** Called after commit with every user whose data changed, and the device session
   * that pushed (when the change came from a push). */
  poke: (userIds: Iterable<number>, originSessionId?: number) => void;
  /** Called after a conversation was created between two users. */
  onConversationCreated?: (a: number, b: number) => void;
  /** Runs inside a conversation's transaction just before it commits. A seam for tests
   * that must hold a transaction open to force a commit order. */
  beforeCommit?: (conversationId: number) => Promise<void>;
}

type SendOp = Extract<PushOp, { kind: 'send' }>;
type EditOp = Extract<PushOp, { kind: 'edit' }>;
type DeleteOp = Extract<PushOp, { kind: 'delete' }>;
type ReceiptOp = Extract<PushOp, { kind: 'deliveredUpTo' | 'readUpTo' }>;
type ConversationOp = SendOp | EditOp | DeleteOp | ReceiptOp;

const INSERT_CHUNK = 500;

const rejected = (opId: string, code: RejectCode, reason: string): OpResult => ({
  opId,
  status: 'rejected',
  code,
  reason,
});

class RejectGroup extends Error {
  constructor(
    readonly code: RejectCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export async function applyOps(
  deps: ApplyDeps,
  callerId: number,
  rawOps: readonly unknown[],
  originSessionId?: number,
): Promise<OpResult[]> {
  const results: (OpResult | undefined)[] = new Array(rawOps.length);
  const ops: { index: number; op: PushOp }[] = [];
  rawOps.forEach((raw, index) => {
    const parsed = pushOpSchema.safeParse(raw);
    if (parsed.success) ops.push({ index, op: parsed.data });
    else
      results[index] = rejected(opIdOf(raw), 'VALIDATION_FAILED', summarize(parsed.error.issues));
  });

  const clientConversations = new Map<string, number | RejectGroup>();
  const messageConversations = await conversationsOfOwnMessages(deps.db, callerId, ops);
  const touchedUsers = new Set<number>();
  let pos = 0;
  try {
    while (pos < ops.length) {
      const { index, op } = ops[pos]!;
      if (op.kind === 'createConversation') {
        results[index] = await applyCreate(deps, callerId, op, clientConversations, touchedUsers);
        pos++;
        continue;
      }
      const target = resolveConversation(op, clientConversations, messageConversations);
      if (typeof target !== 'number') {
        results[index] = rejected(op.opId, target.code, target.reason);
        pos++;
        continue;
      }
      // Gather the run of operations on the same conversation into one transaction.
      const group: { index: number; op: ConversationOp }[] = [];
      while (pos < ops.length) {
        const next = ops[pos]!;
        if (next.op.kind === 'createConversation') break;
        if (resolveConversation(next.op, clientConversations, messageConversations) !== target)
          break;
        group.push({ index: next.index, op: next.op });
        if (next.op.kind === 'send') messageConversations.set(next.op.clientMsgId, target);
        pos++;
      }
      const groupResults = await applyConversationGroup(
        deps,
        callerId,
        target,
        group,
        touchedUsers,
      );
      group.forEach((g, i) => {
        results[g.index] = groupResults[i];
      });
    }
  } catch (error) {
    // A transient failure: everything from here on is "retry later", in order.
    deps.log.warn({ err: error }, 'push stopped early; remaining operations will be retried');
    for (let i = pos; i < ops.length; i++) {
      const { index, op } = ops[i]!;
      results[index] ??= { opId: op.opId, status: 'retry', reason: 'temporarily unavailable' };
    }
  }
  if (touchedUsers.size > 0) deps.poke(touchedUsers, originSessionId);
  return results.map(
    (r, i) => r ?? { opId: opIdOf(rawOps[i]), status: 'retry', reason: 'not applied' },
  );
}

function opIdOf(raw: unknown): string {
  const opId = (raw as { opId?: unknown } | null)?.opId;
  return typeof opId === 'string' ? opId.slice(0, 64) : '';
}

function summarize(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || 'op'}: ${i.message}`)
    .join('; ');
}

async function conversationsOfOwnMessages(
  db: Db,
  callerId: number,
  ops: { op: PushOp }[],
): Promise<Map<string, number>> {
  const ids = ops
    .map(({ op }) => (op.kind === 'edit' || op.kind === 'delete' ? op.clientMsgId : null))
    .filter((id): id is string => id !== null);
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<{ client_msg_id: string; conversation_id: number }[]>`
    SELECT client_msg_id, conversation_id FROM messages
    WHERE sender_id = ${callerId} AND client_msg_id IN (${Prisma.join(ids)})`;
  return new Map(rows.map((r) => [r.client_msg_id, r.conversation_id]));
}

function resolveConversation(
  op: ConversationOp,
  clientConversations: Map<string, number | RejectGroup>,
  messageConversations: Map<string, number>,
): number | RejectGroup {
  switch (op.kind) {
    case 'send': {
      if ('conversationId' in op.conversation) return op.conversation.conversationId;
      const resolved = clientConversations.get(op.conversation.clientConvId);
      if (resolved === undefined) {
        return new RejectGroup(
          'NOT_FOUND',
          'conversation unknown: create it first in the same push',
        );
      }
      if (resolved instanceof RejectGroup) {
        return new RejectGroup(
          'CONVERSATION_REJECTED',
          `conversation was rejected: ${resolved.reason}`,
        );
      }
      return resolved;
    }
    case 'edit':
    case 'delete':
      return (
        messageConversations.get(op.clientMsgId) ??
        new RejectGroup('NOT_FOUND', 'message not found among your messages')
      );
    default:
      return op.conversationId;
  }
}

async function applyCreate(
  { db, onConversationCreated }: ApplyDeps,
  callerId: number,
  op: Extract<PushOp, { kind: 'createConversation' }>,
  clientConversations: Map<string, number | RejectGroup>,
  touchedUsers: Set<number>,
): Promise<OpResult> {
  const key: ConversationKey = {
    otherUserId: op.otherUserId,
    conversationType: op.conversationType,
    contextId: op.contextId,
    contextTitle: op.contextTitle,
  };
  try {
    const { conversation, created } = await findOrCreateConversation(db, callerId, key);
    clientConversations.set(op.clientConvId, conversation.conversationId);
    if (created) {
      touchedUsers.add(callerId).add(op.otherUserId);
      onConversationCreated?.(callerId, op.otherUserId);
    }
    return { opId: op.opId, status: 'accepted', conversation, duplicate: !created };
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.code === 'NOT_FOUND' || error.code === 'VALIDATION_FAILED')
    ) {
      clientConversations.set(op.clientConvId, new RejectGroup(error.code, error.message));
      return rejected(op.opId, error.code, error.message);
    }
    throw error;
  }
}

interface LockedConversation {
  conversationId: number;
  user1Id: number;
  user2Id: number;
  seq: number;
  lastMessageId: number | null;
}

async function applyConversationGroup(
  { db, beforeCommit }: ApplyDeps,
  callerId: number,
  conversationId: number,
  group: { op: ConversationOp }[],
  touchedUsers: Set<number>,
): Promise<OpResult[]> {
  return withTransaction(db, async (tx) => {
    const [row] = await tx.$queryRaw<
      {
        user1_id: number;
        user2_id: number;
        change_seq: bigint | number;
        last_message_id: number | null;
      }[]
    >`SELECT user1_id, user2_id, change_seq, last_message_id FROM conversations
      WHERE conversation_id = ${conversationId} FOR UPDATE`;
    if (!row || (row.user1_id !== callerId && row.user2_id !== callerId)) {
      return group.map(({ op }) => rejected(op.opId, 'NOT_FOUND', 'conversation not found'));
    }
    const conv: LockedConversation = {
      conversationId,
      user1Id: row.user1_id,
      user2Id: row.user2_id,
      seq: Number(row.change_seq),
      lastMessageId: row.last_message_id,
    };
    const startSeq = conv.seq;
    const startLast = conv.lastMessageId;
    const results: OpResult[] = new Array(group.length);
    let sends: { slot: number; op: SendOp }[] = [];
    const flush = async () => {
      if (sends.length === 0) return;
      const flushed = await insertMessages(
        tx,
        callerId,
        conv,
        sends.map((s) => s.op),
      );
      sends.forEach((s, i) => {
        results[s.slot] = flushed[i]!;
      });
      sends = [];
    };
    for (const [slot, { op }] of group.entries()) {
      if (op.kind === 'send') {
        sends.push({ slot, op });
        continue;
      }
      await flush();
      if (op.kind === 'edit') results[slot] = await editMessage(tx, callerId, conv, op);
      else if (op.kind === 'delete') results[slot] = await deleteMessage(tx, callerId, conv, op);
      else results[slot] = await applyReceipt(tx, callerId, conv, op);
    }
    await flush();
    if (conv.seq !== startSeq) {
      await tx.$executeRaw`UPDATE conversations SET change_seq = ${conv.seq},
        last_message_id = ${conv.lastMessageId},
        last_message_at = IF(${conv.lastMessageId} <=> ${startLast}, last_message_at, UTC_TIMESTAMP())
        WHERE conversation_id = ${conversationId}`;
      touchedUsers.add(conv.user1Id).add(conv.user2Id);
    }
    await beforeCommit?.(conversationId);
    return results;
  });
}

async function insertMessages(
  tx: Tx,
  callerId: number,
  conv: LockedConversation,
  ops: SendOp[],
): Promise<OpResult[]> {
  // The first occurrence of each clientMsgId in the batch gets the next change number.
  const assigned = new Map<string, { op: SendOp; seq: number }>();
  for (const op of ops) {
    if (!assigned.has(op.clientMsgId)) {
      assigned.set(op.clientMsgId, { op, seq: conv.seq + assigned.size + 1 });
    }
  }
  const unique = [...assigned.values()];
  // INSERT IGNORE instead of reading first: a message this sender already stored (a
  // retried push) is skipped by the unique (sender_id, client_msg_id) key. Rows that
  // really went in are recognised below by the change number they were given, which no
  // older row of this conversation can have. Input is validated, so IGNORE hides nothing else.
  for (let i = 0; i < unique.length; i += INSERT_CHUNK) {
    const rows = unique
      .slice(i, i + INSERT_CHUNK)
      .map(
        ({ op, seq }) =>
          Prisma.sql`(${conv.conversationId}, ${callerId}, ${op.messageType}, ${op.content}, ${op.clientMsgId}, ${seq}, 'sent')`,
      );
    await tx.$executeRaw`INSERT IGNORE INTO messages
      (conversation_id, sender_id, message_type, content, client_msg_id, change_seq, status)
      VALUES ${Prisma.join(rows)}`;
  }
  const stored = await selectStoredKeys(tx, callerId, [...assigned.keys()]);
  const isFresh = (clientMsgId: string) => {
    const row = stored.get(clientMsgId);
    return (
      row?.conversation_id === conv.conversationId &&
      Number(row.change_seq) === assigned.get(clientMsgId)?.seq
    );
  };
  const older = [...assigned.keys()].filter((id) => stored.has(id) && !isFresh(id));
  const olderViews = older.length
    ? await selectOwnMessages(tx, callerId, older)
    : new Map<string, MessageView>();
  for (const { op, seq } of unique) {
    const row = stored.get(op.clientMsgId);
    if (!row || !isFresh(op.clientMsgId)) continue;
    conv.seq = Math.max(conv.seq, seq);
    if (conv.lastMessageId === null || row.message_id > conv.lastMessageId)
      conv.lastMessageId = row.message_id;
  }
  const reported = new Set<string>();
  return ops.map((op): OpResult => {
    const row = stored.get(op.clientMsgId);
    if (!row) return { opId: op.opId, status: 'retry', reason: 'message not stored' };
    if (row.conversation_id !== conv.conversationId) {
      return rejected(
        op.opId,
        'VALIDATION_FAILED',
        'client_msg_id already used in another conversation',
      );
    }
    const first = !reported.has(op.clientMsgId);
    reported.add(op.clientMsgId);
    const older = olderViews.get(op.clientMsgId);
    if (older) return { opId: op.opId, status: 'accepted', message: older, duplicate: true };
    return {
      opId: op.opId,
      status: 'accepted',
      message: freshView(callerId, op, row),
      duplicate: !first,
    };
  });
}

interface StoredKey {
  message_id: number;
  conversation_id: number;
  client_msg_id: string;
  change_seq: bigint | number;
  created_at: Date | null;
}

/** Just the keys of the caller's messages: the content of a row it just inserted is
 * known, so it is not read back. */
async function selectStoredKeys(
  tx: Tx,
  callerId: number,
  clientMsgIds: string[],
): Promise<Map<string, StoredKey>> {
  const out = new Map<string, StoredKey>();
  for (let i = 0; i < clientMsgIds.length; i += INSERT_CHUNK) {
    const chunk = clientMsgIds.slice(i, i + INSERT_CHUNK);
    const rows = await tx.$queryRaw<
      StoredKey[]
    >`SELECT message_id, conversation_id, client_msg_id, change_seq, created_at
      FROM messages WHERE sender_id = ${callerId} AND client_msg_id IN (${Prisma.join(chunk)})`;
    for (const row of rows) out.set(row.client_msg_id, row);
  }
  return out;
}

function freshView(callerId: number, op: SendOp, row: StoredKey): MessageView {
  const at = (row.created_at ?? new Date()).toISOString();
  return {
    messageId: row.message_id,
    conversationId: row.conversation_id,
    senderId: callerId,
    messageType: op.messageType,
    content: op.content,
    createdAt: at,
    updatedAt: at,
    status: 'sent',
    isEdited: false,
    isDeleted: false,
    fileUrl: null,
    fileName: null,
    fileSize: null,
    clientMsgId: op.clientMsgId,
    changeSeq: Number(row.change_seq),
  };
}

async function selectOwnMessages(
  tx: Tx,
  callerId: number,
  clientMsgIds: string[],
): Promise<Map<string, MessageView>> {
  const out = new Map<string, MessageView>();
  for (let i = 0; i < clientMsgIds.length; i += INSERT_CHUNK) {
    const chunk = clientMsgIds.slice(i, i + INSERT_CHUNK);
    const rows = await tx.$queryRaw<MessageRow[]>`SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.sender_id = ${callerId} AND m.client_msg_id IN (${Prisma.join(chunk)})`;
    for (const row of rows) out.set(row.client_msg_id ?? '', toMessageView(row));
  }
  return out;
}

async function selectMessage(tx: Tx, messageId: number): Promise<MessageView> {
  const [row] = await tx.$queryRaw<MessageRow[]>`SELECT ${MESSAGE_COLUMNS} FROM messages m
    WHERE m.message_id = ${messageId}`;
  if (!row) throw new Error(`message ${messageId} vanished inside its transaction`);
  return toMessageView(row);
}

async function editMessage(
  tx: Tx,
  callerId: number,
  conv: LockedConversation,
  op: EditOp,
): Promise<OpResult> {
  const own = (await selectOwnMessages(tx, callerId, [op.clientMsgId])).get(op.clientMsgId);
  if (!own || own.conversationId !== conv.conversationId) {
    return rejected(op.opId, 'NOT_FOUND', 'message not found among your messages');
  }
  const applied = await tx.$queryRaw<{ op_id: string }[]>`SELECT op_id FROM applied_edits
    WHERE sender_id = ${callerId} AND op_id = ${op.opId}`;
  // A retried edit, or an edit of a deleted message (a delete wins): nothing changes.
  if (applied.length > 0 || own.isDeleted) {
    return { opId: op.opId, status: 'accepted', message: own, duplicate: applied.length > 0 };
  }
  conv.seq += 1;
  await tx.$executeRaw`UPDATE messages SET content = ${op.content}, is_edited = 1,
    change_seq = ${conv.seq} WHERE message_id = ${own.messageId}`;
  await tx.$executeRaw`INSERT INTO applied_edits (sender_id, op_id, message_id)
    VALUES (${callerId}, ${op.opId}, ${own.messageId})`;
  return { opId: op.opId, status: 'accepted', message: await selectMessage(tx, own.messageId) };
}

async function deleteMessage(
  tx: Tx,
  callerId: number,
  conv: LockedConversation,
  op: DeleteOp,
): Promise<OpResult> {
  const own = (await selectOwnMessages(tx, callerId, [op.clientMsgId])).get(op.clientMsgId);
  if (!own || own.conversationId !== conv.conversationId) {
    return rejected(op.opId, 'NOT_FOUND', 'message not found among your messages');
  }
  if (own.isDeleted) return { opId: op.opId, status: 'accepted', message: own, duplicate: true };
  conv.seq += 1;
  // The tombstone keeps the row (ids, order, receipts) and drops the text.
  await tx.$executeRaw`UPDATE messages SET is_deleted = 1, content = '',
    change_seq = ${conv.seq} WHERE message_id = ${own.messageId}`;
  return { opId: op.opId, status: 'accepted', message: await selectMessage(tx, own.messageId) };
}

async function applyReceipt(
  tx: Tx,
  callerId: number,
  conv: LockedConversation,
  op: ReceiptOp,
): Promise<OpResult> {
  const target = op.kind === 'readUpTo' ? 'read' : 'delivered';
  const lower = target === 'read' ? Prisma.sql`('sent', 'delivered')` : Prisma.sql`('sent')`;
  const [range] = await tx.$queryRaw<{ lo: number | null; hi: number | null }[]>`
    SELECT MIN(message_id) AS lo, MAX(message_id) AS hi FROM messages
    WHERE conversation_id = ${conv.conversationId} AND sender_id <> ${callerId}
      AND message_id <= ${op.messageId} AND (status IN ${lower} OR status IS NULL)`;
  if (range?.lo == null || range.hi == null) {
    return { opId: op.opId, status: 'accepted', duplicate: true };
  }
  // Each raised message takes its own change number, distinct and increasing, without a
  // round trip per message: base + its offset in the id range.
  const base = conv.seq - range.lo + 1;
  await tx.$executeRaw`UPDATE messages SET status = ${target}, change_seq = ${base} + message_id
    WHERE conversation_id = ${conv.conversationId} AND sender_id <> ${callerId}
      AND message_id BETWEEN ${range.lo} AND ${range.hi} AND (status IN ${lower} OR status IS NULL)`;
  conv.seq += range.hi - range.lo + 1;
  return { opId: op.opId, status: 'accepted' };
}

/** The single-message send of the tRPC `messages.send` procedure and the REST route. */
export async function sendMessage(
  deps: ApplyDeps,
  callerId: number,
  input: {
    conversationId: number;
    content: string;
    messageType: 'text' | 'image' | 'file';
    clientMsgId?: string | undefined;
  },
): Promise<{ message: MessageView; created: boolean }> {
  const [result] = await applyOps(deps, callerId, [
    {
      opId: randomUUID(),
      kind: 'send',
      conversation: { conversationId: input.conversationId },
      clientMsgId: input.clientMsgId ?? randomUUID(),
      content: input.content,
      messageType: input.messageType,
    },
  ]);
  if (result?.status === 'accepted' && result.message) {
    return { message: result.message, created: !result.duplicate };
  }
  if (result?.status === 'rejected') {
    throw new AppError(
      result.code === 'VALIDATION_FAILED' ? 'VALIDATION_FAILED' : 'NOT_FOUND',
      result.reason,
    );
  }
  throw new AppError('UNAVAILABLE', 'message could not be stored; try again');
}

export type { ConversationView };
