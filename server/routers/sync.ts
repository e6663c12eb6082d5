// Push, pull and poke (DESIGN §3). The subscription's event ids are a hint: every
// (re)connection starts with a poke, so the client always pulls from its stored cursor.
import { TRPCError, tracked } from '@trpc/server';
import { z } from 'zod';
import { type PokeEvent, pullInput, pushInput } from '../../shared/sync/protocol.ts';
import { partnersOf } from '../realtime/online.ts';
import { applyOps } from '../sync/apply-ops.ts';
import { pullChanges } from '../sync/pull.ts';
import { authedProcedure, router } from '../trpc.ts';

export const syncRouter = router({
  push: authedProcedure.input(pushInput).mutation(async ({ ctx, input }) => ({
    results: await applyOps(
      ctx.services.apply,
      ctx.identity.userId,
      input.ops,
      ctx.identity.sessionId,
    ),
  })),
  pull: authedProcedure
    .input(pullInput)
    .query(({ ctx, input }) =>
      pullChanges(ctx.services.db, ctx.identity.userId, input.cursor, input.limit),
    ),
  onPoke: authedProcedure
    .input(z.strictObject({ lastEventId: z.string().max(64).nullish() }).optional())
    .subscription(async function* ({ ctx, signal }) {
      const { bus, online, db, config } = ctx.services;
      const userId = ctx.identity.userId;
      let changed = false;
      const presence = new Map<number, boolean>();
      let wake: (() => void) | null = null;
      const unsubscribe = bus.subscribe(userId, (event) => {
        if (event.kind === 'change') {
          // This device's own push: it has the results, there is nothing to pull for it.
          if (event.originSessionId === ctx.identity.sessionId) return;
          changed = true;
        } else presence.set(event.userId, event.online);
        wake?.();
      });
      const disconnect = await online.connect(userId);
      const aborted = new Promise<void>((resolve) =>
        signal?.addEventListener('abort', () => resolve()),
      );
      let eventId = Date.now();
      let checkedAt = Date.now();
      let isRecheckDue = false;
      const event = (data: PokeEvent) => tracked(String(eventId++), data);
      try {
        yield event({ reason: 'resume' });
        const partners = await partnersOf(db, userId);
        const present = await online.onlineAmong(partners);
        yield event({ reason: 'presence', snapshot: true, online: [...present], offline: [] });
        while (!signal?.aborted) {
          if (!changed && presence.size === 0) {
            let timer: ReturnType<typeof setTimeout> | undefined;
            await Promise.race([
              new Promise<void>((resolve) => {
                wake = resolve;
                const left = checkedAt + config.SESSION_RECHECK_MS - Date.now();
                timer = setTimeout(() => {
                  isRecheckDue = true;
                  resolve();
                }, left);
              }),
              aborted,
            ]);
            clearTimeout(timer);
            wake = null;
          }
          if (signal?.aborted) break;
          // A stream opened before a sign-out must end with it, not outlive it. Checked
          // on a clock, not per event: a busy stream would otherwise cost a query a poke.
          if (isRecheckDue || Date.now() - checkedAt >= config.SESSION_RECHECK_MS) {
            if (!(await ctx.resolveIdentity())) {
              throw new TRPCError({ code: 'UNAUTHORIZED', message: 'session ended' });
            }
            checkedAt = Date.now();
            isRecheckDue = false;
          }
          if (presence.size > 0) {
            const entries = [...presence];
            presence.clear();
            yield event({
              reason: 'presence',
              snapshot: false,
              online: entries.filter(([, on]) => on).map(([id]) => id),
              offline: entries.filter(([, on]) => !on).map(([id]) => id),
            });
          }
          if (changed) {
            // Pokes that arrive while the client pulls coalesce into one.
            changed = false;
            yield event({ reason: 'change' });
          }
        }
      } finally {
        unsubscribe();
        await disconnect();
      }
    }),
});
