import { describe, expect, it } from 'vitest';
import { splitLongText } from './long-text.ts';

describe('splitLongText', () => {
  it('keeps text within the limit as one message', () => {
    expect(splitLongText('short', 10)).toEqual(['short']);
  });

  it('cuts over-long text into pieces within the limit, at word boundaries', () => {
    const text = 'alpha beta gamma delta epsilon zeta eta theta';
    const parts = splitLongText(text, 16);
    expect(parts.every((p) => p.length <= 16)).toBe(true);
    expect(parts.join(' ')).toBe(text);
  });

  it('prefers a paragraph break when there is one in the second half', () => {
    expect(splitLongText('first paragraph\n\nsecond one', 20)).toEqual([
      'first paragraph',
      'second one',
    ]);
  });

  it('cuts a single endless word hard at the limit', () => {
    expect(splitLongText('x'.repeat(25), 10)).toEqual([
      'x'.repeat(10),
      'x'.repeat(10),
      'x'.repeat(5),
    ]);
  });

  it('never splits a surrogate pair', () => {
    const parts = splitLongText(`${'a'.repeat(9)}😀${'b'.repeat(5)}`, 10);
    expect(parts.join('')).toBe(`${'a'.repeat(9)}😀${'b'.repeat(5)}`);
    expect(parts.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});
