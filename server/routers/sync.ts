// Push, pull and poke (DESIGN §3). The subscription's event ids are a hint: every
// (re)connection starts with a poke, so the client always pulls from its stored cursor.
import { TRPCError, tracked } from '@trpc/server';
import { z } from 'zod';
import { type PokeEvent, pullInput, pushInput } from '../../shared/sync/protocol.ts';
import { applyOps } from '../sync/apply-ops.ts';
import { pullChanges } from '../sync/pull.ts';
import { authedProcedure, router } from '../trpc.ts';

export const syncRouter = router({
  push: authedProcedure.input(pushInput).mutation(async ({ ctx, input }) => ({
    results: await applyOps(ctx.services.apply, ctx.identity.userId, input.ops),
  })),
  pull: authedProcedure
    .input(pullInput)
    .query(({ ctx, input }) =>
      pullChanges(ctx.services.db, ctx.identity.userId, input.cursor, input.limit),
    ),
  onPoke: authedProcedure
    .input(z.strictObject({ lastEventId: z.string().max(64).nullish() }).optional())
    .subscription(async function* ({ ctx, signal }) {
      let dirty = false;
      let wake: (() => void) | null = null;
      const unsubscribe = ctx.services.bus.subscribe(ctx.identity.userId, () => {
        dirty = true;
        wake?.();
      });
      const aborted = new Promise<void>((resolve) =>
        signal?.addEventListener('abort', () => resolve()),
      );
      const recheckMs = ctx.services.config.SESSION_RECHECK_MS;
      let eventId = Date.now();
      try {
        yield tracked(String(eventId++), { reason: 'resume' } satisfies PokeEvent);
        while (!signal?.aborted) {
          if (!dirty) {
            let timer: ReturnType<typeof setTimeout> | undefined;
            await Promise.race([
              new Promise<void>((resolve) => {
                wake = resolve;
                timer = setTimeout(resolve, recheckMs);
              }),
              aborted,
            ]);
            clearTimeout(timer);
            wake = null;
          }
          if (signal?.aborted) break;
          // A stream opened before a sign-out must end with it, not outlive it.
          if (!(await ctx.resolveIdentity())) {
            throw new TRPCError({ code: 'UNAUTHORIZED', message: 'session ended' });
          }
          if (!dirty) continue;
          // Pokes that arrive while the client pulls coalesce into one.
          dirty = false;
          yield tracked(String(eventId++), { reason: 'change' } satisfies PokeEvent);
        }
      } finally {
        unsubscribe();
      }
    }),
});
