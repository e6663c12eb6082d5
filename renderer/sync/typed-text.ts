// What this device's user typed, made into what the server will store: the same rule and
// normalization as the server's schemas, after dropping what cannot be sent (invisible
// control characters, lone surrogates) instead of refusing the whole text. The local copy
// written before sending is this, so the sender sees what every recipient sees.
import { contextTitleSchema, messageTextSchema } from '../../shared/schemas.ts';
import { normalizeUserText, stripForbiddenText } from '../../shared/user-text.ts';

/** The text as it will be sent, without refusing anything: for the composer's counter and
 * its blank check. */
export function cleanTypedText(text: string, multiline: boolean): string {
  return normalizeUserText(stripForbiddenText(text, multiline), multiline);
}

/** The message's text as the server will store it, or an error the UI can show. */
export function prepareMessageText(content: string): string {
  const parsed = messageTextSchema.safeParse(cleanTypedText(content, true));
  if (!parsed.success) {
    throw new Error(`the message ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  }
  return parsed.data;
}

/** A conversation's context title as the server will store it (none when blank). */
export function prepareContextTitle(title: string | null): string | null {
  if (title === null) return null;
  const parsed = contextTitleSchema.safeParse(cleanTypedText(title, false));
  if (!parsed.success) {
    throw new Error(`the title ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  }
  return parsed.data || null;
}
