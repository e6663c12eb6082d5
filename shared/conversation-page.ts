// Pages of the conversation list (newest activity first): a page size and an opaque
// cursor, the activity time and id of the last conversation of the page before.
import { z } from 'zod';

export const CONVERSATION_PAGE = { default: 100, max: 200 } as const;

export const conversationCursorSchema = z
  .string()
  .regex(/^[0-9]{1,15}\.[1-9][0-9]{0,9}$/, 'must be a cursor from a previous page')
  .transform((text) => {
    const [activity, id] = text.split('.');
    return { activityMs: Number(activity), conversationId: Number(id) };
  });
export type ConversationCursor = z.infer<typeof conversationCursorSchema>;

export function conversationCursor(activityMs: number, conversationId: number): string {
  return `${activityMs}.${conversationId}`;
}

export const conversationPageSize = z.number().int().min(1).max(CONVERSATION_PAGE.max);
export const conversationPageSizeText = z
  .string()
  .regex(/^[0-9]{1,4}$/, 'must be a whole number')
  .transform(Number)
  .pipe(conversationPageSize);
