import { router } from '../trpc.ts';
import { authRouter } from './auth.ts';
import { catalogRouter } from './catalog.ts';
import { conversationsRouter } from './conversations.ts';
import { groupsRouter } from './groups.ts';
import { messagesRouter } from './messages.ts';
import { peopleRouter } from './people.ts';
import { syncRouter } from './sync.ts';

export const appRouter = router({
  auth: authRouter,
  conversations: conversationsRouter,
  messages: messagesRouter,
  sync: syncRouter,
  catalog: catalogRouter,
  people: peopleRouter,
  groups: groupsRouter,
});

export type AppRouter = typeof appRouter;
