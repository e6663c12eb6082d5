// The services and requests a conversation can be about (demo data for the chat's
// "Contact provider" flow).
import { z } from 'zod';
import type { ServiceListing } from '../../shared/model.ts';
import { authedProcedure, router } from '../trpc.ts';

export const catalogRouter = router({
  list: authedProcedure.input(z.undefined()).query(async ({ ctx }): Promise<ServiceListing[]> => {
    const [services, requests] = await Promise.all([
      ctx.services.db.service.findMany({
        include: { provider: true },
        orderBy: { serviceId: 'asc' },
        take: 200,
      }),
      ctx.services.db.request.findMany({
        include: { requester: true },
        orderBy: { requestId: 'asc' },
        take: 200,
      }),
    ]);
    return [
      ...services.map((s) => ({
        kind: 'service' as const,
        id: s.serviceId,
        title: s.title,
        description: s.description,
        hours: s.hours,
        owner: { userId: s.provider.userId, displayName: s.provider.displayName },
      })),
      ...requests.map((r) => ({
        kind: 'request' as const,
        id: r.requestId,
        title: r.title,
        description: r.description,
        hours: r.hours,
        owner: { userId: r.requester.userId, displayName: r.requester.displayName },
      })),
    ];
  }),
});
