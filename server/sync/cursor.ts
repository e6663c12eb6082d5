// The pull cursor (docs/sync.md, "The cursor"): opaque to clients, a few dozen characters
// whatever the user has. `base`: the device has every change stamped up to this epoch.
// While a pull runs over several pages, `page` says where the next one starts: the
// epoch this pass will end at, and a position in the order the pages walk.
import { z } from 'zod';
import { AppError } from '../errors.ts';

const epoch = z.number().int().nonnegative();
const id = z.number().int().positive();

const cursorSchema = z.strictObject({
  v: z.literal(2),
  /** The start of the database's server id: a cursor of another database is unknown. */
  s: z.string().min(1).max(32),
  e: epoch,
  p: z
    .strictObject({
      /** The pass ends at this epoch: every change stamped up to it is in its pages. */
      t: epoch,
      /** Conversations are walked by (member change epoch, conversation id): the last
       * one finished. */
      me: epoch,
      mc: z.number().int().nonnegative(),
      /** A conversation whose messages did not fit in the last page, and the
       * (message change epoch, message id) reached in it. */
      part: z.tuple([id, epoch, id]).optional(),
    })
    .optional(),
});

export interface PageState {
  target: number;
  after: { epoch: number; conversationId: number };
  partial?: { conversationId: number; epoch: number; messageId: number };
}

export interface Cursor {
  base: number;
  page?: PageState;
}

const SERVER_ID_CHARS = 12;

export function encodeCursor(serverId: string, cursor: Cursor): string {
  const { page } = cursor;
  const body: z.infer<typeof cursorSchema> = {
    v: 2,
    s: serverId.slice(0, SERVER_ID_CHARS),
    e: cursor.base,
    ...(page
      ? {
          p: {
            t: page.target,
            me: page.after.epoch,
            mc: page.after.conversationId,
            ...(page.partial
              ? {
                  part: [page.partial.conversationId, page.partial.epoch, page.partial.messageId],
                }
              : {}),
          },
        }
      : {}),
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** A cursor claiming an epoch the database has not reached (it was restored from a
 * backup since) cannot be trusted to have seen what it claims. */
export function assertNotAhead(cursor: Cursor, epoch: number): void {
  if (Math.max(cursor.base, cursor.page?.target ?? 0) >= epoch) {
    throw unknownCursor('it is ahead of this database');
  }
}

function unknownCursor(why: string): AppError {
  return new AppError('UNKNOWN_CURSOR', `this cursor cannot be continued: ${why}`, {
    cursor: ['pull again from null'],
  });
}

/** The cursor, or UNKNOWN_CURSOR when this database did not issue it. */
export function decodeCursor(text: string | null, serverId: string): Cursor {
  if (!text) return { base: 0 };
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw unknownCursor('it is not one this server issued');
  }
  if (parsed.s !== serverId.slice(0, SERVER_ID_CHARS)) {
    throw unknownCursor('it was issued by another database');
  }
  const page = parsed.p;
  return {
    base: parsed.e,
    ...(page
      ? {
          page: {
            target: page.t,
            after: { epoch: page.me, conversationId: page.mc },
            ...(page.part
              ? {
                  partial: {
                    conversationId: page.part[0],
                    epoch: page.part[1],
                    messageId: page.part[2],
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}
