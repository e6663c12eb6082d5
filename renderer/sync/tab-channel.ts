// What the tabs of one profile tell each other (DESIGN §3.8): followers ask the leader to
// push (they wrote to the outbox) or to sync now; the leader tells followers its status
// and who is online. Messages are parsed: a tab of another app version may be open.
import { z } from 'zod';
import { ERROR_CODES } from '../../shared/errors.ts';

const statusSchema = z.object({
  connectivity: z.enum(['online', 'offline', 'syncing']),
  pendingCount: z.number(),
  failedCount: z.number(),
  lastError: z.string().nullable(),
  lastErrorCode: z.enum(ERROR_CODES).nullable().optional(),
  lastSyncedAt: z.number().nullable(),
});

const tabMessageSchema = z.discriminatedUnion('type', [
  /** A follower wrote something the leader should push. */
  z.object({ type: z.literal('wake') }),
  /** A follower's user asked to sync now. */
  z.object({ type: z.literal('syncNow') }),
  /** A follower started and wants to hear the leader's state. */
  z.object({ type: z.literal('hello') }),
  z.object({ type: z.literal('status'), status: statusSchema }),
  z.object({ type: z.literal('online'), userIds: z.array(z.number().int()) }),
]);
export type TabMessage = z.infer<typeof tabMessageSchema>;

export interface TabChannel {
  post(message: TabMessage): void;
  onMessage(listener: (message: TabMessage) => void): () => void;
  close(): void;
}

/** Over a BroadcastChannel (browsers; Node has one too). */
export function broadcastTabChannel(name: string): TabChannel {
  const channel = new BroadcastChannel(name);
  const listeners = new Set<(message: TabMessage) => void>();
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const parsed = tabMessageSchema.safeParse(event.data);
    if (!parsed.success) return;
    for (const listener of listeners) listener(parsed.data);
  };
  return {
    post: (message) => channel.postMessage(message),
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel.close();
    },
  };
}
