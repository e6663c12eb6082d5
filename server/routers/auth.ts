import { z } from 'zod';
import { loginInput, registerInput } from '../../shared/schemas.ts';
import { getUser, login, logout, register } from '../auth/accounts.ts';
import { authedProcedure, publicProcedure, router } from '../trpc.ts';

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .mutation(({ ctx, input }) => register(ctx.services.auth, input)),
  login: publicProcedure
    .input(loginInput)
    .mutation(({ ctx, input }) => login(ctx.services.auth, input, ctx.clientAddress)),
  logout: authedProcedure.input(z.undefined()).mutation(async ({ ctx }) => {
    await logout(ctx.services.db, ctx.identity.sessionId);
    await ctx.services.bus.publish([ctx.identity.userId], {
      kind: 'sessionEnded',
      sessionId: ctx.identity.sessionId,
    });
    return { ok: true as const };
  }),
  me: authedProcedure
    .input(z.undefined())
    .query(({ ctx }) => getUser(ctx.services.db, ctx.identity.userId)),
});
