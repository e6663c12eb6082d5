// Scheduled messages (DESIGN §4a, docs/scheduling.md): written now, sent by the server at
// their time as their sender, even while every device of the sender is off.
import { z } from 'zod';
import { idSchema } from './schemas.ts';

const isoTime = z.iso.datetime({ offset: true });

export const SCHEDULE_LIMITS = {
  /** How far ahead a message may be due. */
  maxAheadMs: 366 * 24 * 60 * 60 * 1000,
  /** Scheduled messages one user may have waiting. */
  pendingPerUser: 100,
} as const;

export const SCHEDULED_STATES = ['scheduled', 'sent', 'cancelled'] as const;
export type ScheduledState = (typeof SCHEDULED_STATES)[number];

/** A scheduled message as its sender's devices see it (nobody else sees it until sent). */
export const scheduledViewSchema = z.object({
  clientMsgId: z.string(),
  conversationId: idSchema,
  content: z.string(),
  dueAt: isoTime,
  state: z.enum(SCHEDULED_STATES),
  /** Once sent: the message it became, and when. */
  messageId: idSchema.nullable(),
  sentAt: isoTime.nullable(),
  /** Why the server could not send it at its time (it is then cancelled). */
  failure: z.string().nullable(),
  updatedAt: isoTime,
});
export type ScheduledView = z.infer<typeof scheduledViewSchema>;
