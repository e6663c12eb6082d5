import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const encodeRaw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('pull cursor', () => {
  it('round-trips per-conversation positions', () => {
    const cursor = new Map([
      [7, 120],
      [3, 0],
      [2_147_483_647, 9_007_199_254_740_991],
    ]);
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('encodes the same positions to the same text whatever their insertion order', () => {
    const a = encodeCursor(
      new Map([
        [1, 5],
        [2, 6],
      ]),
    );
    const b = encodeCursor(
      new Map([
        [2, 6],
        [1, 5],
      ]),
    );
    expect(a).toBe(b);
  });

  it('is URL-safe text with no padding', () => {
    const text = encodeCursor(
      new Map([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    );
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('starts from nothing when there is no cursor', () => {
    expect(decodeCursor(null)).toEqual(new Map());
    expect(decodeCursor('')).toEqual(new Map());
    expect(decodeCursor(encodeCursor(new Map()))).toEqual(new Map());
  });

  it.each([
    ['not base64url JSON', 'garbage!'],
    ['JSON of another shape', encodeRaw({ conversations: [] })],
    ['another version', encodeRaw({ v: 2, c: [] })],
    ['an unknown field', encodeRaw({ v: 1, c: [], extra: true })],
    ['a conversation id of 0', encodeRaw({ v: 1, c: [[0, 1]] })],
    ['a negative position', encodeRaw({ v: 1, c: [[1, -1]] })],
    ['a fractional position', encodeRaw({ v: 1, c: [[1, 1.5]] })],
    ['a pair of three', encodeRaw({ v: 1, c: [[1, 2, 3]] })],
    ['a bare array', encodeRaw([[1, 2]])],
  ])('refuses %s as VALIDATION_FAILED', (_label, text) => {
    let caught: unknown;
    try {
      decodeCursor(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { cursor: [expect.any(String)] },
    });
  });
});
