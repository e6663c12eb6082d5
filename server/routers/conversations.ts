import { z } from 'zod';
import {
  conversationListInput,
  findOrCreateConversationInput,
  idSchema,
} from '../../shared/schemas.ts';
import { listConversations } from '../chat/conversations.ts';
import { authedProcedure, participantProcedure, router } from '../trpc.ts';

export const conversationsRouter = router({
  list: authedProcedure
    .input(conversationListInput)
    .query(({ ctx, input }) => listConversations(ctx.services.db, ctx.identity.userId, input)),
  findOrCreate: authedProcedure
    .input(findOrCreateConversationInput)
    .mutation(async ({ ctx, input }) => {
      const { conversation, created } = await ctx.services.openConversation(
        ctx.identity.userId,
        {
          otherUserId: input.otherUserId,
          conversationType: input.conversationType,
          contextId: input.contextId ?? null,
          contextTitle: input.contextTitle || null,
        },
        ctx.clientAddress,
      );
      return { conversation, created };
    }),
  get: participantProcedure
    .input(z.strictObject({ conversationId: idSchema }))
    .query(({ ctx }) => ctx.conversation),
});
