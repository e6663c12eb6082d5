// Presence over Yjs awareness (DESIGN §4): the one state a participant publishes in a
// conversation's room, and the room naming. The server re-stamps `user` from the session.
import { z } from 'zod';

export interface PresenceUser {
  userId: number;
  displayName: string;
}

export interface PresenceState {
  user: PresenceUser;
  typing: boolean;
  active: boolean;
}

/** What the server accepts from a client: its own user id, and the two flags. */
export const publishedPresenceSchema = z.object({
  user: z.object({ userId: z.number().int().positive() }),
  typing: z.boolean(),
  active: z.boolean(),
});

/** "typing" ends this long after the composer last changed. */
export const TYPING_IDLE_MS = 3000;

export const roomName = (conversationId: number) => `conversation-${conversationId}`;
