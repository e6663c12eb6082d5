// What crosses the wire for sync (DESIGN §3): push operations and their per-operation
// results, the pull request and response, and the poke event. Bump PROTOCOL_VERSION on
// any change a deployed client could misread.
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import type { ConversationView, MessageView } from '../model.ts';
import {
  clientMessageTypeSchema,
  contextTitleSchema,
  conversationTypeSchema,
  idSchema,
  messageTextSchema,
  uuidSchema,
} from '../schemas.ts';

export const PROTOCOL_VERSION = 1;

/** A conversation is named by its server id, or, before the server has seen it, by the
 * id the client gave it in a `createConversation` earlier in the same push. */
export const conversationRefSchema = z.union([
  z.strictObject({ conversationId: idSchema }),
  z.strictObject({ clientConvId: uuidSchema }),
]);
export type ConversationRef = z.infer<typeof conversationRefSchema>;

const opBase = { opId: uuidSchema };

export const createConversationOp = z.strictObject({
  ...opBase,
  kind: z.literal('createConversation'),
  clientConvId: uuidSchema,
  otherUserId: idSchema,
  conversationType: conversationTypeSchema,
  contextId: idSchema.nullable(),
  contextTitle: contextTitleSchema.nullable(),
});

export const sendOp = z.strictObject({
  ...opBase,
  kind: z.literal('send'),
  conversation: conversationRefSchema,
  clientMsgId: uuidSchema,
  content: messageTextSchema,
  messageType: clientMessageTypeSchema,
});

/** Edits and deletes name one's own message by the id its device chose. */
export const editOp = z.strictObject({
  ...opBase,
  kind: z.literal('edit'),
  clientMsgId: uuidSchema,
  content: messageTextSchema,
});

export const deleteOp = z.strictObject({
  ...opBase,
  kind: z.literal('delete'),
  clientMsgId: uuidSchema,
});

export const receiptOp = z.strictObject({
  ...opBase,
  kind: z.enum(['deliveredUpTo', 'readUpTo']),
  conversationId: idSchema,
  /** Every message of the other participant up to this server id. */
  messageId: idSchema,
});

export const pushOpSchema = z.discriminatedUnion('kind', [
  createConversationOp,
  sendOp,
  editOp,
  deleteOp,
  receiptOp,
]);
export type PushOp = z.infer<typeof pushOpSchema>;
export type PushOpKind = PushOp['kind'];

/** The batch is checked as a list; each operation is then validated on its own, so one
 * malformed operation is rejected alone and never blocks the ones behind it. */
export const pushInput = z.strictObject({
  protocolVersion: z.literal(PROTOCOL_VERSION),
  ops: z.array(z.unknown()).min(1).max(LIMITS.pushBatchMax),
});
export type PushInput = z.infer<typeof pushInput>;

/** Why an operation was refused for good; the client shows the message as failed. */
export const REJECT_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONVERSATION_REJECTED',
  'MESSAGE_DELETED',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export type OpResult =
  | {
      opId: string;
      status: 'accepted';
      conversation?: ConversationView;
      message?: MessageView;
      /** The server had already applied this operation (a retry); nothing changed. */
      duplicate?: boolean;
    }
  | { opId: string; status: 'rejected'; code: RejectCode; reason: string }
  | { opId: string; status: 'retry'; reason: string };

export interface PushResult {
  results: OpResult[];
}

export const pullInput = z.strictObject({
  protocolVersion: z.literal(PROTOCOL_VERSION),
  cursor: z.string().max(200_000).nullable(),
  limit: z.number().int().min(1).max(LIMITS.pullPageMax).default(LIMITS.pullPageMax),
});
export type PullInput = z.infer<typeof pullInput>;

export interface PullResult {
  conversations: ConversationView[];
  messages: MessageView[];
  /** Opaque to the client: store it and send it back. */
  cursor: string;
  hasMore: boolean;
}

/** Sent on the subscription: `change`/`resume` mean "pull now"; `presence` says which
 * conversation partners are online (a full list when `snapshot`, else a delta). */
export type PokeEvent =
  | { reason: 'change' | 'resume' }
  | { reason: 'presence'; snapshot: boolean; online: number[]; offline: number[] };
