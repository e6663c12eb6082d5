// Live streams are the long-lived thing a signed-in user holds: a few per socket, a few
// per device, so one account cannot make every change fan out a thousand times.
import { TRPCError } from '@trpc/server';
import { AppError } from '../errors.ts';

export interface StreamSlots {
  /** Takes a slot for this user (and socket), or refuses with RATE_LIMITED; the answer
   * gives it back. */
  take(userId: number, socket: { open: number; max: number } | null): () => void;
}

export function createStreamSlots(maxPerUser: number): StreamSlots {
  const byUser = new Map<number, number>();
  return {
    take(userId, socket) {
      const held = byUser.get(userId) ?? 0;
      if (held >= maxPerUser || (socket && socket.open >= socket.max)) {
        // Thrown while the stream runs, past the middleware that maps AppErrors.
        const cause = new AppError('RATE_LIMITED', 'too many live streams open', undefined, 5);
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: cause.message, cause });
      }
      byUser.set(userId, held + 1);
      if (socket) socket.open++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (socket) socket.open--;
        const left = (byUser.get(userId) ?? 1) - 1;
        if (left <= 0) byUser.delete(userId);
        else byUser.set(userId, left);
      };
    },
  };
}
