// Push, pull and the live subscription (DESIGN §3). Every call names the protocol version
// it speaks; another version is told PROTOCOL_INCOMPATIBLE and nothing else happens.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { liveInput, PROTOCOL_VERSION, pullInput, pushInput } from '../../shared/sync/protocol.ts';
import { AppError } from '../errors.ts';
import { guardPush } from '../limits/policies.ts';
import { applyPush } from '../sync/apply.ts';
import { liveEvents } from '../sync/live.ts';
import { pullChanges } from '../sync/pull.ts';
import { router, syncProcedure } from '../trpc.ts';

function incompatible(version: number): TRPCError {
  const cause = new AppError(
    'PROTOCOL_INCOMPATIBLE',
    `this server speaks sync protocol ${PROTOCOL_VERSION}, not ${version}: update the app`,
  );
  return new TRPCError({ code: 'PRECONDITION_FAILED', message: cause.message, cause });
}

function requireProtocol(version: number): void {
  if (version !== PROTOCOL_VERSION) throw incompatible(version);
}

export const syncRouter = router({
  push: syncProcedure.input(pushInput).mutation(async ({ ctx, input }) => {
    requireProtocol(input.protocolVersion);
    await guardPush(ctx.services.limits, ctx.identity.userId, ctx.clientAddress, input.ops);
    return applyPush(ctx.services.sync, ctx.identity, input.ops);
  }),
  pull: syncProcedure.input(pullInput).query(({ ctx, input }) => {
    requireProtocol(input.protocolVersion);
    return pullChanges(ctx.services.sync, ctx.identity.userId, input);
  }),
  live: syncProcedure.input(liveInput).subscription(({ ctx, input, signal }) => {
    requireProtocol(input.protocolVersion);
    const { db, bus, online, config, streamSlots } = ctx.services;
    return liveEvents(
      {
        db,
        bus,
        online,
        sessionRecheckMs: config.SESSION_RECHECK_MS,
        resolveIdentity: ctx.resolveSyncIdentity,
        takeSlot: () => streamSlots.take(ctx.identity.userId, ctx.streams),
      },
      ctx.identity,
      signal,
    );
  }),
  /** Protocol 1's poke stream: such clients are told to update. */
  onPoke: syncProcedure.input(z.unknown()).subscription(() => {
    throw incompatible(1);
  }),
});
