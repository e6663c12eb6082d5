// Replies (DESIGN §4a): a message may quote an earlier message of its conversation. A
// send names the original by its server id, or, when it is the sender's own message
// not yet stored, by the id the sender's device gave it (its send comes earlier in the
// outbox). Views carry what the quote shows, as of when they were read; a device that
// has the original shows its own, newer copy.
import { z } from 'zod';
import { clientIdSchema, idSchema, MESSAGE_TYPES } from './schemas.ts';

/** How much of the original's first line a quote carries. */
export const REPLY_PREVIEW_CHARS = 120;

export const replyRefSchema = z.union([
  z.strictObject({ messageId: idSchema }),
  z.strictObject({ clientMsgId: clientIdSchema }),
]);
export type ReplyRef = z.infer<typeof replyRefSchema>;

export const replyViewSchema = z.object({
  messageId: idSchema,
  senderId: idSchema,
  messageType: z.enum(MESSAGE_TYPES),
  /** The first line of its text (empty for a deleted original). */
  preview: z.string().max(REPLY_PREVIEW_CHARS),
  fileName: z.string().nullable(),
  isDeleted: z.boolean(),
});
export type ReplyView = z.infer<typeof replyViewSchema>;

/** The first line of a message's text, cut to what a quote shows. */
export function replyPreviewOf(content: string): string {
  const firstLine = content.trimStart().split('\n', 1)[0] ?? '';
  return [...firstLine].slice(0, REPLY_PREVIEW_CHARS).join('').trimEnd();
}

/** What a quote shows of its original's text: the first line and the file name, and
 * nothing of either once it is deleted. */
export function quotedText(original: {
  content: string;
  fileName: string | null;
  isDeleted: boolean;
}): Pick<ReplyView, 'preview' | 'fileName' | 'isDeleted'> {
  return original.isDeleted
    ? { preview: '', fileName: null, isDeleted: true }
    : { preview: replyPreviewOf(original.content), fileName: original.fileName, isDeleted: false };
}
