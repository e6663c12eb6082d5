// The one rule tying a send's type, text and attachment together, for the sync push, the
// tRPC send and the REST send alike: text has words and no attachment; an image or file
// carries its upload (an image with what was measured of it) and may have no caption.
import type { z } from 'zod';
import type { AttachmentRef } from '../attachments.ts';
import { LIMITS } from '../limits.ts';
import { userText } from '../user-text.ts';

/** A message's text, which only an attachment's caption may leave empty. */
export const captionOrTextSchema = userText({ multiline: true, max: LIMITS.messageMaxChars });

interface SendShape {
  messageType: 'text' | 'image' | 'file';
  content: string;
  attachment?: AttachmentRef | undefined;
}

export function attachmentMatchesType(ctx: z.core.ParsePayload<SendShape>): void {
  const { messageType, content, attachment } = ctx.value;
  const problem =
    messageType === 'text'
      ? attachment
        ? { path: ['attachment'], message: 'a text message carries no attachment' }
        : content === ''
          ? { path: ['content'], message: 'must not be empty' }
          : null
      : !attachment
        ? { path: ['attachment'], message: `an ${messageType} message needs its upload` }
        : messageType === 'image' && !attachment.image
          ? { path: ['attachment', 'image'], message: 'an image needs its size and thumbnail' }
          : messageType === 'file' && attachment.image
            ? { path: ['attachment', 'image'], message: 'a file has no image size' }
            : null;
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, ...problem });
}
