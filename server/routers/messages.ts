import { messageListInput, sendMessageInput } from '../../shared/schemas.ts';
import { listMessages } from '../chat/messages.ts';
import { guardMessages } from '../limits/policies.ts';
import { sendOneMessage } from '../sync/apply.ts';
import { participantProcedure, router } from '../trpc.ts';

export const messagesRouter = router({
  list: participantProcedure
    .input(messageListInput)
    .query(({ ctx, input }) => listMessages(ctx.services.db, ctx.identity.userId, input)),
  /** The sender is always the caller; the input has no field for it. */
  send: participantProcedure.input(sendMessageInput).mutation(async ({ ctx, input }) => {
    await guardMessages(ctx.services.limits, ctx.identity.userId, ctx.clientAddress, 1);
    return sendOneMessage(ctx.services.sync, ctx.identity.userId, input);
  }),
});
