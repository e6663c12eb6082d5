import { z } from 'zod';
import { loginInput, registerInput } from '../../shared/schemas.ts';
import { signOutDeviceInput } from '../../shared/sessions.ts';
import { getUser, login, type Opened, register } from '../auth/accounts.ts';
import { announceEnded, endSession, listDevices } from '../auth/sessions.ts';
import type { Services } from '../services.ts';
import { authedProcedure, publicProcedure, router } from '../trpc.ts';

/** The answer to a sign-in: devices it pushed over the account's cap are told to end. */
async function signedIn(services: Services, opened: Opened) {
  await announceEnded(services.bus, opened.user.userId, opened.signedOut);
  return { token: opened.token, user: opened.user };
}

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .mutation(async ({ ctx, input }) =>
      signedIn(ctx.services, await register(ctx.services.auth, input, ctx.clientAddress)),
    ),
  login: publicProcedure
    .input(loginInput)
    .mutation(async ({ ctx, input }) =>
      signedIn(ctx.services, await login(ctx.services.auth, input, ctx.clientAddress)),
    ),
  logout: authedProcedure.input(z.undefined()).mutation(async ({ ctx }) => {
    await endSession(ctx.services, ctx.identity.userId, ctx.identity.sessionId);
    return { ok: true as const };
  }),
  me: authedProcedure
    .input(z.undefined())
    .query(({ ctx }) => getUser(ctx.services.db, ctx.identity.userId)),
  devices: authedProcedure.input(z.undefined()).query(async ({ ctx }) => ({
    devices: await listDevices(ctx.services.db, ctx.identity.userId, ctx.identity.sessionId),
  })),
  signOutDevice: authedProcedure.input(signOutDeviceInput).mutation(async ({ ctx, input }) => {
    await endSession(ctx.services, ctx.identity.userId, input.sessionId);
    return { ok: true as const };
  }),
});
