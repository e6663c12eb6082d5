import { describe, expect, test } from 'vitest';
import { messageWords, queryWords } from './words.ts';

describe('messageWords', () => {
  test('folds case and diacritics so "Café" and "cafe" match', () => {
    expect(messageWords('Café CRÈME brûlée')).toEqual(['cafe', 'creme', 'brulee']);
  });

  test('splits on anything that is not a letter or digit, in any script', () => {
    expect(messageWords('hi,there—ok? 42nd/Straße; привет мир')).toEqual([
      'hi',
      'there',
      'ok',
      '42nd',
      'straße',
      'привет',
      'мир',
    ]);
  });

  test('keeps each word once, cuts words at 32 characters and keeps at most 200', () => {
    expect(messageWords('a a A')).toEqual(['a']);
    expect(messageWords('x'.repeat(50))).toEqual(['x'.repeat(32)]);
    const many = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    expect(messageWords(many)).toHaveLength(200);
  });

  test('folds compatibility forms (NFKD): ligatures and full-width letters', () => {
    expect(messageWords('ﬁle ＡＢＣ')).toEqual(['file', 'abc']);
  });
});

describe('queryWords', () => {
  test('normalizes the query like a message', () => {
    expect(queryWords('  Crème   BRU ')).toEqual(['creme', 'bru']);
    expect(queryWords('!!!')).toEqual([]);
  });
});
