// Group details a device asks for when the user opens them; everything else about groups
// travels through sync.
import { receiptDetailsInput } from '../../shared/groups.ts';
import { receiptDetails } from '../chat/receipt-details.ts';
import { participantProcedure, router } from '../trpc.ts';

export const groupsRouter = router({
  receiptDetails: participantProcedure
    .input(receiptDetailsInput)
    .query(({ ctx, input }) => receiptDetails(ctx.services.sql, ctx.identity.userId, input)),
});
