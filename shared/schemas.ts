// Input schemas shared by tRPC procedures, the REST layer and the client. Objects are
// strict: an unknown field is a client bug and is answered with 400, not ignored.
import { z } from 'zod';
import { attachmentRefSchema } from './attachments.ts';
import {
  CONVERSATION_PAGE,
  conversationCursorSchema,
  conversationPageSize,
} from './conversation-page.ts';
import { LIMITS } from './limits.ts';
import { attachmentMatchesType, captionOrTextSchema } from './sync/send-shape.ts';
import { isWellFormedText, TEXT_PROBLEM_MESSAGE, userText } from './user-text.ts';

export const idSchema = z.number().int().positive().max(2_147_483_647);
/** Ids that arrive as text (paths, query strings). */
export const idFromText = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .pipe(idSchema);

export const uuidSchema = z.uuid();
/** Ids a device chose (`client_msg_id`, operation and conversation ids): compared in
 * canonical lower case everywhere, because the database compares them case-insensitively. */
export const clientIdSchema = z.uuid().transform((id) => id.toLowerCase());

// Every field a person types is a `userText` (user-text.ts), but for these two.
/** Its format admits only ASCII letters, digits and `._'+-`: nothing for the rule to refuse
 * or normalize. */
export const emailSchema = z.email().max(LIMITS.emailMaxChars).trim().toLowerCase();
/** Compared, never shown, so not normalized: hashes were made from the text as typed, and
 * NFC at sign-in would lock out whoever typed a decomposed one. Only refused if not
 * well-formed: UTF-8 turns every lone surrogate into U+FFFD, so two different passwords
 * would hash alike. */
export const passwordSchema = z
  .string()
  .min(LIMITS.passwordMinChars)
  .max(LIMITS.passwordMaxChars)
  .refine(isWellFormedText, TEXT_PROBLEM_MESSAGE['lone-surrogate']);
export const displayNameSchema = userText({ min: 1, max: LIMITS.displayNameMaxChars });
export const deviceNameSchema = userText({ max: LIMITS.deviceNameMaxChars });
export const searchTextSchema = userText({ max: LIMITS.searchMaxChars });

export const messageTextSchema = userText({
  multiline: true,
  min: 1,
  max: LIMITS.messageMaxChars,
});

export const contextTitleSchema = userText({ max: LIMITS.contextTitleMaxChars });

export const CONVERSATION_TYPES = ['service', 'request', 'general'] as const;
export const conversationTypeSchema = z.enum(CONVERSATION_TYPES);
export type ConversationType = z.infer<typeof conversationTypeSchema>;

export const MESSAGE_TYPES = ['text', 'image', 'file', 'system'] as const;
export const messageTypeSchema = z.enum(MESSAGE_TYPES);
export type MessageType = z.infer<typeof messageTypeSchema>;

/** Clients may send only text and file references; `system` is the server's. */
export const clientMessageTypeSchema = z.enum(['text', 'image', 'file']);

export const registerInput = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
  deviceName: deviceNameSchema.optional(),
});
export const loginInput = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(LIMITS.passwordMaxChars),
  deviceName: deviceNameSchema.optional(),
});

export const conversationListInput = z
  .strictObject({
    search: searchTextSchema.optional(),
    limit: conversationPageSize.optional(),
    cursor: conversationCursorSchema.optional(),
  })
  .optional()
  .transform((q) => ({
    search: q?.search,
    limit: q?.limit ?? CONVERSATION_PAGE.default,
    cursor: q?.cursor ?? null,
  }));

export const findOrCreateConversationInput = z
  .strictObject({
    otherUserId: idSchema,
    conversationType: conversationTypeSchema.default('general'),
    contextId: idSchema.nullish(),
    contextTitle: contextTitleSchema.nullish(),
  })
  .refine((v) => v.conversationType === 'general' || v.contextId != null, {
    message: 'a service or request conversation needs a context_id',
    path: ['contextId'],
  });
export type FindOrCreateConversationInput = z.infer<typeof findOrCreateConversationInput>;

export const conversationIdInput = z.strictObject({ conversationId: idSchema });

export const messageListInput = z.strictObject({
  conversationId: idSchema,
  limit: z.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  beforeId: idSchema.optional(),
});
export type MessageListInput = z.infer<typeof messageListInput>;

export const sendMessageInput = z
  .strictObject({
    conversationId: idSchema,
    content: captionOrTextSchema,
    messageType: clientMessageTypeSchema.default('text'),
    clientMsgId: clientIdSchema.optional(),
    attachment: attachmentRefSchema.optional(),
    /** The message this one answers, in the same conversation. */
    replyTo: z.strictObject({ messageId: idSchema }).optional(),
  })
  .check(attachmentMatchesType);
export type SendMessageInput = z.infer<typeof sendMessageInput>;
