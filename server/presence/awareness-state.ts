// The one awareness state a participant may publish, and the server's stamp on it: the
// identity comes from the session, never from the client, so nobody can type "as" another.
import {
  type PresenceState,
  type PresenceUser,
  publishedPresenceSchema,
} from '../../shared/presence.ts';

export type PresenceIdentity = PresenceUser;
export type { PresenceState };

/** The state as relayed (unknown fields dropped, display name from the account), or null
 * when it is not a presence state or claims another user. */
export function stampState(raw: unknown, identity: PresenceIdentity): PresenceState | null {
  const parsed = publishedPresenceSchema.safeParse(raw);
  if (!parsed.success || parsed.data.user.userId !== identity.userId) return null;
  return {
    user: { userId: identity.userId, displayName: identity.displayName },
    typing: parsed.data.typing,
    active: parsed.data.active,
  };
}
