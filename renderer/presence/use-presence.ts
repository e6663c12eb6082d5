// React access to presence: one provider for the conversation on screen, created when
// it opens and destroyed when it closes or the screen unmounts.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ServerAuth } from '../../shared/platform/server-auth.ts';
import {
  createPresenceClient,
  NOBODY,
  type PeerPresence,
  type PresenceClient,
  type PresenceUser,
} from './presence-client.ts';

export interface UsePresenceOptions {
  serverUrl: string;
  /** How the socket proves the session (the app's bridge; a new object opens a new
   * socket). Null while signed out: no socket is opened. */
  auth: ServerAuth | null;
  /** Null when no conversation is on screen. */
  conversationId: number | null;
  self: PresenceUser | null;
  typingIdleMs?: number;
}

export interface PresenceView {
  otherOnline: boolean;
  otherTyping: boolean;
  otherActive: boolean;
  /** Who of the others is typing, in the order they started. */
  typingUsers: readonly PresenceUser[];
  /** true on every composer change, false on send or when the draft is cleared. */
  setTyping: (isTyping: boolean) => void;
  /** true while the window is focused on this conversation. */
  setActive: (isActive: boolean) => void;
}

const noSubscription = () => () => {};
const nobody = () => NOBODY;

export function usePresence(options: UsePresenceOptions): PresenceView {
  const { serverUrl, auth, conversationId, self, typingIdleMs } = options;
  const userId = self?.userId ?? null;
  const displayName = self?.displayName ?? '';
  const [client, setClient] = useState<PresenceClient | null>(null);
  // Survives a switch of conversation, so the next room starts with the window's focus.
  const isActiveRef = useRef(false);

  useEffect(() => {
    if (!auth || conversationId === null || userId === null) return;
    const created = createPresenceClient({
      serverUrl,
      auth,
      conversationId,
      self: { userId, displayName },
      isActive: isActiveRef.current,
      ...(typingIdleMs === undefined ? {} : { typingIdleMs }),
    });
    setClient(created);
    return () => {
      created.destroy();
      setClient((current) => (current === created ? null : current));
    };
  }, [serverUrl, auth, conversationId, userId, displayName, typingIdleMs]);

  const peer: PeerPresence = useSyncExternalStore(
    client?.subscribe ?? noSubscription,
    client?.peer ?? nobody,
  );

  const setTyping = useCallback((isTyping: boolean) => client?.setTyping(isTyping), [client]);
  const setActive = useCallback(
    (isActive: boolean) => {
      isActiveRef.current = isActive;
      client?.setActive(isActive);
    },
    [client],
  );

  return {
    otherOnline: peer.online,
    otherTyping: peer.typing,
    otherActive: peer.active,
    typingUsers: peer.typingUsers,
    setTyping,
    setActive,
  };
}
