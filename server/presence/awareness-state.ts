// The one awareness state a participant may publish, and the server's stamp on it: the
// identity comes from the session, never from the client, so nobody can type "as" another.
import { z } from 'zod';

const publishedState = z.object({
  user: z.object({ userId: z.number().int().positive() }),
  typing: z.boolean(),
  active: z.boolean(),
});

export interface PresenceIdentity {
  userId: number;
  displayName: string;
}

export interface PresenceState {
  user: PresenceIdentity;
  typing: boolean;
  active: boolean;
}

/** The state as relayed (unknown fields dropped, display name from the account), or null
 * when it is not a presence state or claims another user. */
export function stampState(raw: unknown, identity: PresenceIdentity): PresenceState | null {
  const parsed = publishedState.safeParse(raw);
  if (!parsed.success || parsed.data.user.userId !== identity.userId) return null;
  return {
    user: { userId: identity.userId, displayName: identity.displayName },
    typing: parsed.data.typing,
    active: parsed.data.active,
  };
}
