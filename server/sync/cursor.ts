// The pull cursor: for each conversation, the change_seq the client has everything up
// to. Opaque to clients (base64url JSON); per conversation because change numbers are
// taken per conversation under its row lock (DESIGN §3.3, §3.8).
import { z } from 'zod';
import { AppError } from '../errors.ts';

const cursorSchema = z.strictObject({
  v: z.literal(1),
  c: z.array(z.tuple([z.number().int().positive(), z.number().int().nonnegative()])),
});

export type Cursor = Map<number, number>;

export function encodeCursor(cursor: Cursor): string {
  const c = [...cursor.entries()].sort((a, b) => a[0] - b[0]);
  return Buffer.from(JSON.stringify({ v: 1, c })).toString('base64url');
}

export function decodeCursor(text: string | null): Cursor {
  if (!text) return new Map();
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return new Map(parsed.c);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'cursor is not one this server issued', {
      cursor: ['unrecognised cursor; pull again from null'],
    });
  }
}
