// tRPC itself and the reusable procedures. Authorization lives here, once:
// `authedProcedure` proves a session, `participantProcedure` proves membership of the
// conversation named by the input's `conversationId`.
import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import { TRPC_CODE } from '../shared/errors.ts';
import { idSchema } from '../shared/schemas.ts';
import type { SessionIdentity } from './auth/accounts.ts';
import { getConversationForParticipant } from './chat/conversations.ts';
import { AppError } from './errors.ts';
import type { Services } from './services.ts';

export interface RequestContext {
  services: Services;
  identity: SessionIdentity | null;
  clientAddress: string;
}

const t = initTRPC.context<RequestContext>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const isInternal = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      message: isInternal ? 'internal error' : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: cause instanceof AppError ? cause.code : isInternal ? 'INTERNAL' : undefined,
        fields: cause instanceof AppError ? cause.fields : undefined,
        retryAfterSeconds: cause instanceof AppError ? cause.retryAfterSeconds : undefined,
        zodIssues: cause instanceof ZodError ? cause.issues : undefined,
      },
    };
  },
});

/** Turns the errors services throw on purpose into their tRPC codes. */
const appErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      ctx.services.log.error({ err: cause ?? result.error, path }, 'procedure failed');
    }
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(appErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.identity) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'missing, invalid or expired session token',
      cause: new AppError('UNAUTHENTICATED', 'missing, invalid or expired session token'),
    });
  }
  return next({ ctx: { ...ctx, identity: ctx.identity } });
});

export const participantProcedure = authedProcedure
  .input(z.object({ conversationId: idSchema }))
  .use(async ({ ctx, input, next }) => {
    const conversation = await getConversationForParticipant(
      ctx.services.db,
      ctx.identity.userId,
      input.conversationId,
    );
    return next({ ctx: { ...ctx, conversation } });
  });
