// Raw rows as the database returns them, and their one mapping to the wire views.

import { z } from 'zod';
import type { AttachmentView } from '../../shared/attachments.ts';
import type { ConversationView, MessageView } from '../../shared/model.ts';
import type { ReactionsView } from '../../shared/reactions.ts';
import { quotedText, REPLY_PREVIEW_CHARS, type ReplyView } from '../../shared/replies.ts';
import { CONVERSATION_TYPES, MESSAGE_TYPES } from '../../shared/schemas.ts';
import { SERVER_STATUSES } from '../../shared/sync/status.ts';
import { Prisma } from '../generated/prisma/client.ts';

export interface MessageRow {
  message_id: number;
  conversation_id: number;
  sender_id: number;
  message_type: string | null;
  content: string;
  created_at: Date | null;
  updated_at: Date | null;
  status: string | null;
  is_edited: number | boolean | null;
  is_deleted: number | boolean | null;
  file_url: string | null;
  file_name: string | null;
  file_size: number | null;
  client_msg_id: string | null;
  attachment_id: string | null;
  attachment_meta: string | null;
  reply_to_id: number | null;
  scheduled_for: Date | null;
  /** The original a reply quotes (see REPLY_COLUMN): JSON text, or already parsed by
   * the driver; null for no reply. */
  reply_json: unknown;
  /** Who reacted with what (see REACTIONS_COLUMN): JSON, or parsed by the driver. */
  reactions_json: unknown;
}

/** What a reply's quote shows of its original, read with the reply in one statement: a
 * lookup by primary key, only for rows that answer something. */
const REPLY_COLUMN = `IF(m.reply_to_id IS NULL, NULL, (SELECT JSON_OBJECT(
    'messageId', r.message_id, 'senderId', r.sender_id, 'messageType', r.message_type,
    'content', LEFT(r.content, ${REPLY_PREVIEW_CHARS * 4}), 'fileName', r.file_name,
    'isDeleted', r.is_deleted) FROM messages r WHERE r.message_id = m.reply_to_id)) AS reply_json`;

/** The live reactions of a message, read with it: a range of the reactions table's
 * primary key, only for messages ever reacted to. (Ordered in reactionsOf: MySQL has no
 * ORDER BY inside JSON_ARRAYAGG.) */
const REACTIONS_COLUMN = `IF(m.has_reactions = 0, NULL, (SELECT JSON_ARRAYAGG(
    JSON_OBJECT('emoji', x.emoji, 'userId', x.user_id, 'at', DATE_FORMAT(x.created_at, '%Y-%m-%d %H:%i:%s.%f')))
    FROM reactions x WHERE x.message_id = m.message_id AND x.is_removed = 0)) AS reactions_json`;

/** The columns of a MessageRow, for a query that names the table `m`. */
export const MESSAGE_COLUMN_LIST = `m.message_id, m.conversation_id, m.sender_id, m.message_type, m.content, m.created_at, m.updated_at, m.status, m.is_edited, m.is_deleted, m.file_url, m.file_name, m.file_size, m.client_msg_id, m.attachment_id, m.attachment_meta, m.reply_to_id, m.scheduled_for, ${REPLY_COLUMN}, ${REACTIONS_COLUMN}`;
export const MESSAGE_COLUMNS = Prisma.raw(MESSAGE_COLUMN_LIST);

export interface ConversationRow {
  conversation_id: number;
  user1_id: number;
  user2_id: number;
  conversation_type: string | null;
  context_id: number | null;
  context_title: string | null;
  created_at: Date | null;
  updated_at: Date | null;
  is_active: number | boolean | null;
  last_message_id: number | null;
  last_message_at: Date | null;
  is_group: number | boolean;
  group_title: string | null;
  /** The caller's last visible message, once they left the group. */
  left_up_to: number | null;
  /** A group's id on its creator's device, when the caller is its creator. */
  client_conv_id: string | null;
  other_user_id: number | null;
  other_display_name: string | null;
}

/** When the caller left the group `c` (their member row is `me`): the time of the message
 * that says so. Correlated, so evaluated only for a group they left. */
const LEFT_AT = '(SELECT hm.created_at FROM messages hm WHERE hm.message_id = me.history_to)';

/** The conversation's last activity as the caller may see it: for a group they left, the
 * moment they left, whatever was said since. */
export const LAST_MESSAGE_AT = `IF(me.history_to IS NULL, c.last_message_at, ${LEFT_AT})`;

/** The columns of a ConversationRow for a query over `conversations c`, the caller's
 * member row `me` and the other participant `u` (see CONVERSATION_JOINS). */
export const CONVERSATION_COLUMN_LIST = `c.conversation_id, c.user1_id, c.user2_id, c.conversation_type,
    c.context_id, c.context_title, c.created_at,
    IF(me.history_to IS NULL, c.updated_at, ${LEFT_AT}) AS updated_at, c.is_active,
    IF(me.history_to IS NULL, c.last_message_id, me.history_to) AS last_message_id,
    ${LAST_MESSAGE_AT} AS last_message_at, c.is_group,
    IF(me.history_to IS NULL, c.group_title, me.left_title) AS group_title, me.history_to AS left_up_to,
    IF(c.is_group = 1 AND c.user1_id = me.user_id, SUBSTRING_INDEX(c.pair_key, ':', -1), NULL) AS client_conv_id,
    u.user_id AS other_user_id, u.display_name AS other_display_name`;

/** After `FROM conversations c`: the caller's member row (so only conversations the
 * caller is or was in) and, for two people, the other one. One placeholder, twice: the
 * caller's id. */
export const CONVERSATION_JOINS = `JOIN conversation_members me ON me.conversation_id = c.conversation_id AND me.user_id = ?
    LEFT JOIN users u ON c.is_group = 0 AND u.user_id = IF(c.user1_id = ?, c.user2_id, c.user1_id)`;

/** Conversation columns as the caller sees them; `extra` adds computed columns. */
export function conversationSelect(callerId: number, extra: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`SELECT ${Prisma.raw(CONVERSATION_COLUMN_LIST)} ${extra}
    FROM conversations c
    JOIN conversation_members me ON me.conversation_id = c.conversation_id AND me.user_id = ${callerId}
    LEFT JOIN users u ON c.is_group = 0 AND u.user_id = IF(c.user1_id = ${callerId}, c.user2_id, c.user1_id)`;
}

const iso = (d: Date | null): string => (d ?? new Date(0)).toISOString();

/** An ENUM column's value; NULL (the seed's columns allow it) reads as the default. */
function enumValue<T extends string>(allowed: readonly T[], value: string | null, fallback: T): T {
  return allowed.find((v) => v === value) ?? fallback;
}

export function toMessageView(row: MessageRow): MessageView {
  return {
    messageId: row.message_id,
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    messageType: enumValue(MESSAGE_TYPES, row.message_type, 'text'),
    content: row.content,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at ?? row.created_at),
    status: enumValue(SERVER_STATUSES, row.status, 'sent'),
    isEdited: Boolean(row.is_edited),
    isDeleted: Boolean(row.is_deleted),
    fileUrl: row.file_url,
    fileName: row.file_name,
    fileSize: row.file_size,
    clientMsgId: row.client_msg_id ?? '',
    attachment: attachmentOf(row),
    replyTo: replyOf(row),
    reactions: reactionsOf(row),
    scheduledFor: row.scheduled_for ? row.scheduled_for.toISOString() : null,
  };
}

/** JSON this server wrote or a statement built, as text or as the driver parsed it;
 * undefined if unreadable. */
function builtJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const storedReactionsSchema = z.array(
  z.object({ emoji: z.string(), userId: z.number().int(), at: z.string() }),
);

function reactionsOf(row: MessageRow): ReactionsView {
  if (row.reactions_json === null || row.reactions_json === undefined || row.is_deleted) return [];
  const parsed = storedReactionsSchema.safeParse(builtJson(row.reactions_json));
  if (!parsed.success) return [];
  // Oldest first: emojis in the order they were first used, users in the order they came.
  const oldestFirst = [...parsed.data].sort((a, b) =>
    a.at === b.at ? a.userId - b.userId : a.at < b.at ? -1 : 1,
  );
  const byEmoji = new Map<string, number[]>();
  for (const { emoji, userId } of oldestFirst) {
    const users = byEmoji.get(emoji) ?? [];
    users.push(userId);
    byEmoji.set(emoji, users);
  }
  return [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds }));
}

const storedReplySchema = z.object({
  messageId: z.number().int(),
  senderId: z.number().int(),
  messageType: z.string().nullable(),
  content: z.string(),
  fileName: z.string().nullable(),
  isDeleted: z.union([z.number(), z.boolean()]).nullable(),
});

/** What a quote shows of an original as stored now (see `replyTo` in shared/model.ts). */
export function replyViewOf(original: z.infer<typeof storedReplySchema>): ReplyView {
  return {
    messageId: original.messageId,
    senderId: original.senderId,
    messageType: enumValue(MESSAGE_TYPES, original.messageType, 'text'),
    ...quotedText({ ...original, isDeleted: Boolean(original.isDeleted) }),
  };
}

function replyOf(row: MessageRow): ReplyView | null {
  if (row.reply_json === null || row.reply_json === undefined) return null;
  // Built by the statement itself; unreadable reads as no quote, not a 500.
  const original = storedReplySchema.safeParse(builtJson(row.reply_json));
  return original.success ? replyViewOf(original.data) : null;
}

/** What the sending device measured and the server sniffed, stored with the message. */
const storedMetaSchema = z.object({
  contentType: z.string().max(100),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  thumbnail: z.string().nullable(),
});
export type StoredAttachmentMeta = z.infer<typeof storedMetaSchema>;

function attachmentOf(row: MessageRow): AttachmentView | null {
  if (!row.attachment_id || !row.attachment_meta || row.is_deleted) return null;
  // Written by this server only; a damaged value reads as no attachment, not a 500.
  const meta = storedMetaSchema.safeParse(builtJson(row.attachment_meta));
  return meta.success ? { uploadId: row.attachment_id, ...meta.data } : null;
}

export function toConversationView(row: ConversationRow): ConversationView {
  return {
    conversationId: row.conversation_id,
    user1Id: row.user1_id,
    user2Id: row.user2_id,
    conversationType: enumValue(CONVERSATION_TYPES, row.conversation_type, 'general'),
    contextId: row.context_id,
    contextTitle: row.context_title,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at ?? row.created_at),
    isActive: row.is_active == null ? true : Boolean(row.is_active),
    lastMessageId: row.last_message_id,
    lastMessageAt: row.last_message_at ? row.last_message_at.toISOString() : null,
    otherUser:
      row.other_user_id === null
        ? null
        : { userId: row.other_user_id, displayName: row.other_display_name ?? '' },
    isGroup: Boolean(row.is_group),
    title: row.is_group ? row.group_title : null,
    leftUpTo: row.is_group ? row.left_up_to : null,
    clientConvId: row.client_conv_id,
  };
}
