// tRPC itself and the reusable procedures. Authorization lives here, once:
// `authedProcedure` proves a session, `participantProcedure` proves membership of the
// conversation named by the input's `conversationId`.
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { TRPC_CODE } from '../shared/errors.ts';
import { idSchema } from '../shared/schemas.ts';
import type { SessionIdentity } from './auth/accounts.ts';
import { getConversationForParticipant } from './chat/conversations.ts';
import { AppError } from './errors.ts';
import { fieldsOf } from './http/respond.ts';
import type { Services } from './services.ts';

export interface RequestContext {
  services: Services;
  /** The caller's live session, looked up when a procedure needs it: once per HTTP
   * request, and on every call over a WebSocket, so an open socket outlives no logout
   * and no expiry. */
  resolveIdentity: () => Promise<SessionIdentity | null>;
  /** The same for the sync calls: over a WebSocket, remembered between calls (see
   * auth/session-cache.ts); over HTTP, once per request like the other. */
  resolveSyncIdentity: () => Promise<SessionIdentity | null>;
  /** The client's address (see limits/client-address.ts), for rate limits. */
  clientAddress: string;
  /** Live streams open on this WebSocket, and how many it may hold; null over HTTP. */
  streams: { open: number; max: number } | null;
  /** Over a WebSocket, whether it proved a session when it opened (a socket that did
   * not may call nothing, not even sign-in, and is closed shortly); null over HTTP. */
  isSocketSignedIn: boolean | null;
}

/** What a client may learn of a failure: a service's own error in full, a failed input
 * parse as readable fields plus the zod issues, anything unexpected not at all. */
function explain(error: TRPCError) {
  const cause = error.cause;
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    return { message: 'internal error', appCode: 'INTERNAL' as const };
  }
  if (cause instanceof AppError) {
    return {
      message: error.message,
      appCode: cause.code,
      fields: cause.fields,
      retryAfterSeconds: cause.retryAfterSeconds,
    };
  }
  // Only a failed input parse is the client's fault; a ZodError thrown inside a handler
  // is internal and was answered above.
  if (error.code === 'BAD_REQUEST' && cause instanceof ZodError) {
    return {
      message: 'the request is not valid',
      appCode: 'VALIDATION_FAILED' as const,
      fields: fieldsOf(cause),
      zodIssues: cause.issues,
    };
  }
  if (error.code === 'BAD_REQUEST' && cause instanceof SyntaxError) {
    return { message: 'the input is not valid JSON', appCode: 'VALIDATION_FAILED' as const };
  }
  return { message: error.message };
}

const t = initTRPC.context<RequestContext>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const { message, ...details } = explain(error);
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: undefined,
        fields: undefined,
        retryAfterSeconds: undefined,
        zodIssues: undefined,
        ...details,
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

function unauthorized(): TRPCError {
  return new TRPCError({
    code: 'UNAUTHORIZED',
    message: 'missing, invalid or expired session token',
    cause: new AppError('UNAUTHENTICATED', 'missing, invalid or expired session token'),
  });
}

/** Signing in and creating accounts are HTTP calls: a WebSocket is for a signed-in
 * device only. */
const signedInSocketsOnly = t.middleware(({ ctx, next }) => {
  if (ctx.isSocketSignedIn === false) throw unauthorized();
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(appErrors).use(signedInSocketsOnly);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const identity = await ctx.resolveIdentity();
  if (!identity) throw unauthorized();
  return next({ ctx: { ...ctx, identity } });
});

/** For push, pull and the live stream: the caller's session, looked up as cheaply as the
 * transport allows. */
export const syncProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const identity = await ctx.resolveSyncIdentity();
  if (!identity) throw unauthorized();
  return next({ ctx: { ...ctx, identity } });
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
