// The seed's REST API (DESIGN §5): snake_case bodies and query strings, validated with
// the same field schemas as tRPC and turned into the same service inputs.
import { z } from 'zod';
import { imageMetaSchema, uploadIdSchema } from './attachments.ts';
import {
  CONVERSATION_PAGE,
  conversationCursorSchema,
  conversationPageSizeText,
} from './conversation-page.ts';
import { LIMITS } from './limits.ts';
import {
  clientIdSchema,
  clientMessageTypeSchema,
  contextTitleSchema,
  conversationTypeSchema,
  deviceNameSchema,
  displayNameSchema,
  emailSchema,
  idFromText,
  idSchema,
  passwordSchema,
  searchTextSchema,
} from './schemas.ts';
import { attachmentMatchesType, captionOrTextSchema } from './sync/send-shape.ts';

export const restRegisterBody = z
  .strictObject({
    email: emailSchema,
    password: passwordSchema,
    display_name: displayNameSchema,
    device_name: deviceNameSchema.optional(),
  })
  .transform((b) => ({
    email: b.email,
    password: b.password,
    displayName: b.display_name,
    deviceName: b.device_name,
  }));

export const restLoginBody = z
  .strictObject({
    email: emailSchema,
    password: z.string().min(1).max(LIMITS.passwordMaxChars),
    device_name: deviceNameSchema.optional(),
  })
  .transform((b) => ({ email: b.email, password: b.password, deviceName: b.device_name }));

export const restConversationListQuery = z
  .strictObject({
    search: searchTextSchema.optional(),
    limit: conversationPageSizeText.optional(),
    cursor: conversationCursorSchema.optional(),
  })
  .transform((q) => ({
    search: q.search,
    limit: q.limit ?? CONVERSATION_PAGE.default,
    cursor: q.cursor ?? null,
  }));

export const restCreateConversationBody = z
  .strictObject({
    other_user_id: idSchema,
    conversation_type: conversationTypeSchema.default('general'),
    context_id: idSchema.nullish(),
    context_title: contextTitleSchema.nullish(),
  })
  .refine((b) => b.conversation_type === 'general' || b.context_id != null, {
    message: 'a service or request conversation needs a context_id',
    path: ['context_id'],
  })
  .transform((b) => ({
    otherUserId: b.other_user_id,
    conversationType: b.conversation_type,
    contextId: b.context_id ?? null,
    contextTitle: b.context_title || null,
  }));

export const restMessageListQuery = z
  .strictObject({
    limit: z
      .string()
      .regex(/^[0-9]{1,4}$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(LIMITS.pageSizeMax))
      .optional(),
    before_id: idFromText.optional(),
  })
  .transform((q) => ({ limit: q.limit ?? LIMITS.pageSizeDefault, beforeId: q.before_id }));

export const restSendMessageBody = z
  .strictObject({
    conversation_id: idSchema,
    /** May be empty for an image or file: its caption. */
    content: captionOrTextSchema,
    message_type: clientMessageTypeSchema.default('text'),
    client_msg_id: clientIdSchema.optional(),
    /** An image's or file's upload (POST /api/v1/uploads/, tus), the caller's own. */
    upload_id: uploadIdSchema.optional(),
    /** For an image: its size and thumbnail as the sending device measured them. */
    image: imageMetaSchema.optional(),
    /** The message this one answers, in the same conversation. */
    reply_to_id: idSchema.optional(),
    /** Accepted for compatibility with older clients and ignored: the sender is always
     * the caller. */
    sender_id: z.unknown().optional(),
  })
  .transform((b) => ({
    conversationId: b.conversation_id,
    content: b.content,
    messageType: b.message_type,
    clientMsgId: b.client_msg_id,
    attachment: b.upload_id
      ? { uploadId: b.upload_id, ...(b.image ? { image: b.image } : {}) }
      : undefined,
    replyTo: b.reply_to_id ? { messageId: b.reply_to_id } : undefined,
  }))
  .check(attachmentMatchesType);

export const restConversationIdParam = idFromText;
