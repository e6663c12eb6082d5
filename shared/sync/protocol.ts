// What crosses the wire for sync (DESIGN §3, docs/sync.md), in both directions: push
// operations and their results, pull pages, and the events of the live subscription.
// Every answer the client receives is parsed with these schemas. Bump PROTOCOL_VERSION on
// any change a deployed client could misread; the server then answers older clients
// with PROTOCOL_INCOMPATIBLE, which tells them to update and to keep what they have.
import { z } from 'zod';
import { attachmentRefSchema } from '../attachments.ts';
import {
  groupChangeSchema,
  groupInviteesSchema,
  groupTitleSchema,
  rosterSchema,
} from '../groups.ts';
import { LIMITS } from '../limits.ts';
import { conversationViewSchema, messageViewSchema } from '../model.ts';
import { emojiSchema, reactionTargetSchema } from '../reactions.ts';
import { replyRefSchema } from '../replies.ts';
import { scheduledViewSchema } from '../scheduled.ts';
import {
  clientIdSchema,
  clientMessageTypeSchema,
  contextTitleSchema,
  conversationTypeSchema,
  idSchema,
  messageTextSchema,
} from '../schemas.ts';
import { attachmentMatchesType, captionOrTextSchema } from './send-shape.ts';

export const PROTOCOL_VERSION = 3;

const protocolVersionSchema = z.number().int().min(0).max(1_000_000);

// --- client → server ------------------------------------------------------------------

/** A conversation is named by its server id, or, before the server has seen it, by the
 * id the client gave it in a `createConversation` earlier in the same push. */
export const conversationRefSchema = z.union([
  z.strictObject({ conversationId: idSchema }),
  z.strictObject({ clientConvId: clientIdSchema }),
]);
export type ConversationRef = z.infer<typeof conversationRefSchema>;

const opBase = { opId: clientIdSchema };

export const createConversationOp = z.strictObject({
  ...opBase,
  kind: z.literal('createConversation'),
  clientConvId: clientIdSchema,
  otherUserId: idSchema,
  conversationType: conversationTypeSchema,
  contextId: idSchema.nullable(),
  contextTitle: contextTitleSchema.nullable(),
});

/** A group of the caller and `memberIds`, the caller its first admin. Like a two-person
 * conversation it may be about a service or a request. */
export const createGroupOp = z.strictObject({
  ...opBase,
  kind: z.literal('createGroup'),
  clientConvId: clientIdSchema,
  title: groupTitleSchema,
  memberIds: groupInviteesSchema,
  conversationType: conversationTypeSchema,
  contextId: idSchema.nullable(),
  contextTitle: contextTitleSchema.nullable(),
});

/** Renames a group, adds or removes members (admins), or leaves it (anyone). The server
 * writes it into the log as a system message, which `opId` names. */
export const changeGroupOp = z.strictObject({
  ...opBase,
  kind: z.literal('changeGroup'),
  conversation: conversationRefSchema,
  change: groupChangeSchema,
});

/** A text message, or an image or file with an optional caption (`content` may then be
 * empty) naming the upload that carries its bytes. */
export const sendOp = z
  .strictObject({
    ...opBase,
    kind: z.literal('send'),
    conversation: conversationRefSchema,
    clientMsgId: clientIdSchema,
    content: captionOrTextSchema,
    messageType: clientMessageTypeSchema,
    attachment: attachmentRefSchema.optional(),
    /** The message this one answers, in the same conversation. */
    replyTo: replyRefSchema.optional(),
  })
  .check(attachmentMatchesType);

/** Edits and deletes name one's own message by the id its device chose. An edit changes
 * only the text: an image's or file's caption, which may become empty; a text message's
 * words, which may not (the server knows which it is). */
export const editOp = z.strictObject({
  ...opBase,
  kind: z.literal('edit'),
  clientMsgId: clientIdSchema,
  content: captionOrTextSchema,
});

export const deleteOp = z.strictObject({
  ...opBase,
  kind: z.literal('delete'),
  clientMsgId: clientIdSchema,
});

/** Adds (`isOn`) or takes back the caller's reaction with one emoji. `at` is when the
 * user did it on their device: the later change wins. */
export const reactOp = z.strictObject({
  ...opBase,
  kind: z.literal('react'),
  message: reactionTargetSchema,
  emoji: emojiSchema,
  isOn: z.boolean(),
  at: z.iso.datetime(),
});

/** Schedules a text message for later, or changes one still waiting (its text, its
 * time: a time already past sends it now). `at` is when the user did it on their device:
 * of two changes the later one wins. */
export const scheduleOp = z.strictObject({
  ...opBase,
  kind: z.literal('schedule'),
  conversation: conversationRefSchema,
  clientMsgId: clientIdSchema,
  content: messageTextSchema,
  dueAt: z.iso.datetime({ offset: true }),
  at: z.iso.datetime(),
});

/** Takes back a scheduled message that has not been sent. */
export const cancelScheduledOp = z.strictObject({
  ...opBase,
  kind: z.literal('cancelScheduled'),
  clientMsgId: clientIdSchema,
  at: z.iso.datetime(),
});

/** Raises the caller's watermark in a conversation: every message up to this server id
 * is stored on one of their devices (`deliveredUpTo`) or has been read (`readUpTo`). */
export const receiptOp = z.strictObject({
  ...opBase,
  kind: z.enum(['deliveredUpTo', 'readUpTo']),
  conversationId: idSchema,
  messageId: idSchema,
});

export const pushOpSchema = z.discriminatedUnion('kind', [
  createConversationOp,
  createGroupOp,
  changeGroupOp,
  sendOp,
  editOp,
  deleteOp,
  receiptOp,
  reactOp,
  scheduleOp,
  cancelScheduledOp,
]);
export type PushOp = z.infer<typeof pushOpSchema>;
export type PushOpKind = PushOp['kind'];
export type OpOfKind<K extends PushOpKind> = Extract<PushOp, { kind: K }>;

/** The batch is checked as a list; each operation is then validated on its own, so one
 * malformed operation is rejected alone and never blocks the ones behind it. */
export const pushInput = z.strictObject({
  protocolVersion: protocolVersionSchema,
  ops: z.array(z.unknown()).min(1).max(LIMITS.pushBatchMax),
});
export type PushInput = z.infer<typeof pushInput>;

export const pullInput = z.strictObject({
  protocolVersion: protocolVersionSchema,
  /** Opaque: what the last page answered, or null for everything from the start. */
  cursor: z.string().max(LIMITS.cursorMaxChars).nullable(),
  limit: z.number().int().min(1).max(LIMITS.pullPageMax).default(LIMITS.pullPageMax),
  /** Only what changed per conversation (versions, watermarks, views), no messages: the
   * cheap head check of a connected device, which has the messages from its stream. */
  check: z.boolean().default(false),
});
export type PullInput = z.input<typeof pullInput>;

export const liveInput = z.strictObject({ protocolVersion: protocolVersionSchema });

// --- server → client ------------------------------------------------------------------

/** Why an operation was refused for good; the client shows the message as failed. */
export const REJECT_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONVERSATION_REJECTED',
  'MESSAGE_DELETED',
  /** A scheduled message changed or cancelled after the server had sent it. */
  'ALREADY_SENT',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

/** A member's watermarks in a conversation, as far as the sender knows them: merged by
 * maximum on arrival, so an older or partial one never lowers anything. */
export const memberStateSchema = z.object({
  conversationId: idSchema,
  userId: idSchema,
  deliveredUpTo: z.number().int().nonnegative(),
  readUpTo: z.number().int().nonnegative(),
});
export type MemberState = z.infer<typeof memberStateSchema>;

/** A conversation's message history moved to version `to`: every message change (send,
 * edit, delete) adds one. `from` is where this step starts (a live event or a push), so a
 * device that is elsewhere knows it missed something; null in a pull page, which brings
 * the device to `to` whatever it had. */
export const versionStepSchema = z.object({
  conversationId: idSchema,
  from: z.number().int().nonnegative().nullable(),
  to: z.number().int().nonnegative(),
});
export type VersionStep = z.infer<typeof versionStepSchema>;

/** A message as sync carries it: its view, and the conversation's message version at
 * which it looked like this. Of two copies of a message the one with the higher version
 * is newer; a pull labels its copies with the version it read before them, so a pulled
 * copy is never taken for newer than it is. */
export const syncMessageSchema = messageViewSchema.extend({
  version: z.number().int().nonnegative(),
});
export type SyncMessage = z.infer<typeof syncMessageSchema>;

/** Rows that changed for the receiving user. Pull pages, live events and push answers
 * all carry one, and the device applies all three the same way. */
export const changeSetSchema = z.object({
  conversations: z.array(conversationViewSchema),
  members: z.array(memberStateSchema),
  messages: z.array(syncMessageSchema),
  versions: z.array(versionStepSchema),
  /** The receiving user's own scheduled messages that changed (absent: none). */
  scheduled: z.array(scheduledViewSchema).optional(),
  /** Groups whose members changed: each roster whole. */
  rosters: z.array(rosterSchema).default([]),
  /** Conversations the user may no longer see at all: the device drops them. (A group
   * the user left stays, read-only: its view says up to which message.) */
  removed: z.array(idSchema),
});
export type ChangeSet = z.infer<typeof changeSetSchema>;

export const EMPTY_CHANGES: ChangeSet = {
  conversations: [],
  members: [],
  messages: [],
  versions: [],
  rosters: [],
  removed: [],
};

const opIdText = z.string().max(64);

export const opResultSchema = z.discriminatedUnion('status', [
  z.object({
    opId: opIdText,
    status: z.literal('accepted'),
    conversation: conversationViewSchema.optional(),
    roster: rosterSchema.optional(),
    message: syncMessageSchema.optional(),
    scheduled: scheduledViewSchema.optional(),
    /** The server had already applied this operation (a retry); nothing changed. */
    duplicate: z.boolean().optional(),
  }),
  z.object({
    opId: opIdText,
    status: z.literal('rejected'),
    code: z.enum(REJECT_CODES),
    reason: z.string(),
  }),
  z.object({ opId: opIdText, status: z.literal('retry'), reason: z.string() }),
]);
export type OpResult = z.infer<typeof opResultSchema>;

export const pushResultSchema = z.object({
  results: z.array(opResultSchema),
  /** Version steps and watermarks the push made, for the pushing device (its own live
   * stream does not repeat them). */
  versions: z.array(versionStepSchema),
  members: z.array(memberStateSchema),
  rosters: z.array(rosterSchema).default([]),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const pullResultSchema = z.object({
  changes: changeSetSchema,
  /** Opaque to the client: store it and send it back. A few dozen characters. */
  cursor: z.string().max(LIMITS.cursorMaxChars),
  hasMore: z.boolean(),
});
export type PullResult = z.infer<typeof pullResultSchema>;

export const presenceEventSchema = z.object({
  type: z.literal('presence'),
  /** A full list (on connect) or a change. */
  snapshot: z.boolean(),
  online: z.array(idSchema),
  offline: z.array(idSchema),
});
export type PresenceEvent = z.infer<typeof presenceEventSchema>;

/** What the live subscription sends. `hello` opens every (re)connection and means
 * "catch up from your cursor"; `catchUp` means the server may have missed events for
 * you (its bus reconnected), so pull. */
export const liveEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), protocolVersion: z.number().int() }),
  z.object({ type: z.literal('changes'), changes: changeSetSchema }),
  presenceEventSchema,
  z.object({
    type: z.literal('catchUp'),
    reason: z.enum(['bus-reconnected', 'lagging', 'possibly-missed']),
  }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;
