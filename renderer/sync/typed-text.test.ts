// [§5 text] What the sending device stores for its own message or conversation is what the
// server will store: cleaned, NFC, trimmed; what cannot be sent is refused before writing.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import { messageTextSchema } from '../../shared/schemas.ts';
import { prepareContextTitle, prepareMessageText } from './typed-text.ts';

describe('[§5 text] the sender prepares its local copy the way the server stores it', () => {
  it('a decomposed message is kept composed, with controls dropped', () => {
    const text = prepareMessageText(' cafe\u0301\u0000 \u009Bnow\r\n');
    expect(text).toBe('café now');
    expect(messageTextSchema.parse(text)).toBe(text);
  });

  it('a message that is blank once cleaned is refused with a reason', () => {
    expect(() => prepareMessageText('\u0000\u0007')).toThrow('the message must not be empty');
  });

  it('a message over the limit once normalized is refused with a reason', () => {
    expect(() => prepareMessageText('\u0958'.repeat(LIMITS.messageMaxChars))).toThrow(
      `the message must be at most ${LIMITS.messageMaxChars} characters`,
    );
  });

  it('a context title loses bidi overrides, gets spaces for line breaks, and a blank one is none', () => {
    expect(prepareContextTitle('Guitar\u202E\nlessons for Ame\u0301lie')).toBe(
      'Guitar lessons for Amélie',
    );
    expect(prepareContextTitle('  ')).toBeNull();
    expect(prepareContextTitle(null)).toBeNull();
  });
});
