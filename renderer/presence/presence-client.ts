// Presence for the conversation on screen (DESIGN §4): one y-websocket provider, this
// device's awareness state { user, typing, active }, and the other participant's read back.
// No React, no window: the hook in use-presence.ts wraps it, tests drive it from Node.
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ServerAuth } from '../../shared/platform/server-auth.ts';
import {
  type PresenceState,
  type PresenceUser,
  roomName,
  TYPING_IDLE_MS,
} from '../../shared/presence.ts';

export type { PresenceState, PresenceUser };

/** The others in this room, merged over their devices: in a two-person conversation the
 * other participant, in a group anyone of its members. */
export interface PeerPresence {
  /** Has this conversation open on some device. */
  online: boolean;
  typing: boolean;
  /** Has it open in a focused window. */
  active: boolean;
  /** Who is typing, in the order they started; their names as the server stamped them. */
  typingUsers: readonly PresenceUser[];
}

export const NOBODY: PeerPresence = {
  online: false,
  typing: false,
  active: false,
  typingUsers: [],
};

export { TYPING_IDLE_MS };

export interface PresenceClientOptions {
  /** The API server's base URL (http or https); the room lives at `<ws url>/yjs`. */
  serverUrl: string;
  /** The session as the platform presents it: the token in the URL on the web (a browser's
   * WebSocket sends no headers), nothing on the desktop, whose main process adds the
   * Authorization header to the upgrade. */
  auth: ServerAuth;
  conversationId: number;
  self: PresenceUser;
  isActive?: boolean;
  typingIdleMs?: number;
  /** For Node, where there is no global WebSocket (the `ws` package fits). */
  WebSocketPolyfill?: typeof WebSocket;
}

export interface PresenceClient {
  peer: () => PeerPresence;
  subscribe: (listener: () => void) => () => void;
  /** true on every composer change (cheap: only the first one sends), false on send. */
  setTyping: (isTyping: boolean) => void;
  setActive: (isActive: boolean) => void;
  /** Tells the room this device left, then closes the socket. */
  destroy: () => void;
}

export function presenceServerUrl(serverUrl: string): string {
  return `${serverUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/yjs`;
}

export { roomName };

function isPresenceState(value: unknown): value is PresenceState {
  const s = value as Partial<PresenceState> | null;
  return (
    typeof s?.user?.userId === 'number' &&
    typeof s.typing === 'boolean' &&
    typeof s.active === 'boolean'
  );
}

function samePeer(a: PeerPresence, b: PeerPresence): boolean {
  return (
    a.online === b.online &&
    a.typing === b.typing &&
    a.active === b.active &&
    a.typingUsers.length === b.typingUsers.length &&
    a.typingUsers.every(
      (u, i) =>
        u.userId === b.typingUsers[i]?.userId && u.displayName === b.typingUsers[i]?.displayName,
    )
  );
}

export function createPresenceClient(options: PresenceClientOptions): PresenceClient {
  const idleMs = options.typingIdleMs ?? TYPING_IDLE_MS;
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    presenceServerUrl(options.serverUrl),
    roomName(options.conversationId),
    doc,
    {
      connect: false,
      params: options.auth.socketAuthParams(),
      // Another tab must not see this room without the server's checks.
      disableBc: true,
      ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
    },
  );
  const awareness = provider.awareness;
  const listeners = new Set<() => void>();
  let local: PresenceState = {
    user: options.self,
    typing: false,
    active: options.isActive ?? false,
  };
  let peer = NOBODY;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;

  const publish = (next: PresenceState) => {
    local = next;
    awareness.setLocalState({ ...local });
  };

  const readPeer = () => {
    const typing = new Map<number, PresenceUser>();
    const merged = { online: false, typing: false, active: false };
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === doc.clientID || !isPresenceState(state)) continue;
      if (state.user.userId === options.self.userId) continue;
      merged.online = true;
      merged.typing ||= state.typing;
      merged.active ||= state.active;
      if (state.typing && !typing.has(state.user.userId)) typing.set(state.user.userId, state.user);
    }
    // Those typing before stay in their place; newcomers join at the end.
    const stayed = peer.typingUsers.filter((u) => typing.has(u.userId));
    const joined = [...typing.values()].filter((u) => !stayed.some((s) => s.userId === u.userId));
    const next = {
      ...merged,
      typingUsers: [...stayed.map((u) => typing.get(u.userId) ?? u), ...joined],
    };
    if (samePeer(next, peer)) return;
    peer = next;
    for (const listener of listeners) listener();
  };

  const stopTyping = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (local.typing) publish({ ...local, typing: false });
  };

  awareness.on('change', readPeer);
  // After a reconnect the server still holds this client's last clock and would ignore a
  // state sent with it; a fresh clock makes this device visible again at once.
  provider.on('status', ({ status }) => {
    if (status === 'connected') publish(local);
  });
  publish(local);
  provider.connect();

  return {
    peer: () => peer,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setTyping(isTyping) {
      if (!isTyping) {
        stopTyping();
        return;
      }
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(stopTyping, idleMs);
      if (!local.typing) publish({ ...local, typing: true });
    },
    setActive(isActive) {
      if (local.active !== isActive) publish({ ...local, active: isActive });
    },
    destroy() {
      if (idleTimer) clearTimeout(idleTimer);
      listeners.clear();
      awareness.off('change', readPeer);
      provider.destroy();
      // Destroying the doc also destroys the awareness and its renewal timer.
      doc.destroy();
    },
  };
}
