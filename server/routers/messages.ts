import { messageListInput, sendMessageInput } from '../../shared/schemas.ts';
import { listMessages } from '../chat/messages.ts';
import { sendOneMessage } from '../sync/apply.ts';
import { participantProcedure, router } from '../trpc.ts';

export const messagesRouter = router({
  list: participantProcedure
    .input(messageListInput)
    .query(({ ctx, input }) => listMessages(ctx.services.db, input)),
  /** The sender is always the caller; the input has no field for it. */
  send: participantProcedure
    .input(sendMessageInput)
    .mutation(({ ctx, input }) => sendOneMessage(ctx.services.sync, ctx.identity.userId, input)),
});
