// What the server answers with over tRPC (camelCase), as schemas: the client parses every
// answer with them, the server's serializers produce them. The REST layer turns the same
// objects into the seed's snake_case column names.
import { z } from 'zod';
import { attachmentViewSchema } from './attachments.ts';
import { reactionsViewSchema } from './reactions.ts';
import { replyViewSchema } from './replies.ts';
import { CONVERSATION_TYPES, idSchema, MESSAGE_TYPES } from './schemas.ts';
import { SERVER_STATUSES } from './sync/status.ts';

const isoTime = z.iso.datetime({ offset: true });

export const userViewSchema = z.object({
  userId: idSchema,
  email: z.string(),
  displayName: z.string(),
});
export type UserView = z.infer<typeof userViewSchema>;

export const publicUserSchema = z.object({ userId: idSchema, displayName: z.string() });
export type PublicUser = z.infer<typeof publicUserSchema>;

export const messageViewSchema = z.object({
  messageId: idSchema,
  conversationId: idSchema,
  senderId: idSchema,
  messageType: z.enum(MESSAGE_TYPES),
  content: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** The seed's column as stored: true for REST clients. Devices derive what they show
   * from the members' watermarks instead (DESIGN §3.5). */
  status: z.enum(SERVER_STATUSES),
  isEdited: z.boolean(),
  isDeleted: z.boolean(),
  fileUrl: z.string().nullable(),
  fileName: z.string().nullable(),
  fileSize: z.number().int().nullable(),
  clientMsgId: z.string(),
  /** An image's or file's upload and what was measured of it; null for text and once
   * the message is deleted. */
  attachment: attachmentViewSchema.nullable().default(null),
  /** The message this one answers, as the quote shows it; null when it answers none. */
  replyTo: replyViewSchema.nullable().default(null),
  reactions: reactionsViewSchema.default([]),
  /** When the server sent it on its sender's behalf: the time it was due (a scheduled
   * message; later than this means it went out late). Null for a message sent directly. */
  scheduledFor: isoTime.nullable().default(null),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const conversationViewSchema = z.object({
  conversationId: idSchema,
  user1Id: idSchema,
  user2Id: idSchema,
  conversationType: z.enum(CONVERSATION_TYPES),
  contextId: idSchema.nullable(),
  contextTitle: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  isActive: z.boolean(),
  lastMessageId: idSchema.nullable(),
  lastMessageAt: isoTime.nullable(),
  /** The other person of a two-person conversation; null for a group. */
  otherUser: publicUserSchema.nullable(),
  isGroup: z.boolean().default(false),
  /** A group's title; null for a two-person conversation. */
  title: z.string().nullable().default(null),
  /** Set once the caller left or was removed from the group: the last message they may
   * see. The conversation stays, read-only. */
  leftUpTo: z.number().int().nonnegative().nullable().default(null),
  /** For a group's creator: the id their device gave it, so that device knows it before
   * the answer to its create arrives. Null otherwise. */
  clientConvId: z.string().max(36).nullable().default(null),
});
export type ConversationView = z.infer<typeof conversationViewSchema>;

export const conversationSummarySchema = conversationViewSchema.extend({
  lastMessage: messageViewSchema.nullable(),
  unreadCount: z.number().int().nonnegative(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const serviceListingSchema = z.object({
  kind: z.enum(['service', 'request']),
  id: idSchema,
  title: z.string(),
  description: z.string(),
  hours: z.number(),
  owner: publicUserSchema,
});
export type ServiceListing = z.infer<typeof serviceListingSchema>;
