import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import { AppError } from '../errors.ts';
import { assertNotAhead, decodeCursor, encodeCursor } from './cursor.ts';

const SERVER = '0123456789abcdef0123456789abcdef';
const encodeRaw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

describe('pull cursor', () => {
  it('[S3.3] round-trips a finished pass and one in the middle of a conversation', () => {
    const done = { base: 9_007_199_254_740_991 };
    expect(decodeCursor(encodeCursor(SERVER, done), SERVER)).toEqual(done);
    const mid = {
      base: 40,
      page: {
        target: 77,
        after: { epoch: 41, conversationId: 2_147_483_647 },
        partial: { conversationId: 12, epoch: 60, messageId: 1_000_000 },
      },
    };
    expect(decodeCursor(encodeCursor(SERVER, mid), SERVER)).toEqual(mid);
  });

  it('[S3.3] stays a few dozen characters whatever the user has', () => {
    const largest = encodeCursor(SERVER, {
      base: Number.MAX_SAFE_INTEGER,
      page: {
        target: Number.MAX_SAFE_INTEGER,
        after: { epoch: Number.MAX_SAFE_INTEGER, conversationId: 2_147_483_647 },
        partial: {
          conversationId: 2_147_483_647,
          epoch: Number.MAX_SAFE_INTEGER,
          messageId: 2_147_483_647,
        },
      },
    });
    expect(largest.length).toBeLessThan(LIMITS.cursorMaxChars / 4);
  });

  it('starts from the beginning without a cursor', () => {
    expect(decodeCursor(null, SERVER)).toEqual({ base: 0 });
  });

  it('[S3.9] calls a cursor of another database, or any other text, an unknown cursor', () => {
    const other = encodeCursor('ffffffffffffffffffffffffffffffff', { base: 3 });
    for (const text of [
      other,
      'not-a-cursor',
      encodeRaw({ v: 1, c: [[1, 2]] }),
      encodeRaw({ v: 2, s: SERVER.slice(0, 12), e: -1 }),
      encodeRaw({ v: 2, s: SERVER.slice(0, 12), e: 1, extra: true }),
      encodeRaw({ v: 2, s: SERVER.slice(0, 12), e: 1, p: { t: 2, me: 1, mc: 0, part: [0, 1, 1] } }),
      '%%%',
    ]) {
      expect(
        codeOf(() => decodeCursor(text, SERVER)),
        text,
      ).toBe('UNKNOWN_CURSOR');
    }
  });

  it('refuses a cursor ahead of the database (restored from a backup since)', () => {
    expect(codeOf(() => assertNotAhead({ base: 10 }, 10))).toBe('UNKNOWN_CURSOR');
    expect(
      codeOf(() =>
        assertNotAhead(
          { base: 3, page: { target: 12, after: { epoch: 3, conversationId: 1 } } },
          12,
        ),
      ),
    ).toBe('UNKNOWN_CURSOR');
    expect(codeOf(() => assertNotAhead({ base: 9 }, 10))).toBeUndefined();
  });
});
