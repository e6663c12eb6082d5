// One conversation's presence room: its sockets and their awareness states, in memory
// only. States are relayed, never stored, and leave with the socket that published them.
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate as encodeStatesOf,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type PresenceIdentity, stampState } from './awareness-state.ts';
import { type AwarenessEntry, encodeAwarenessMessage, encodeAwarenessUpdate } from './wire.ts';

/** Close code for a socket replaced by a newer one of the same device (4400–4499: the
 * y-websocket client does not reconnect, so two windows do not take turns forever). */
export const CLOSE_REPLACED = 4409;

export interface RoomMember {
  sessionId: number;
  identity: PresenceIdentity;
  send: (message: Uint8Array) => void;
  close: (code: number, reason: string) => void;
}

export interface Room {
  /** Adds a member; a socket of the same session (one device) already here is closed. */
  join: (member: RoomMember) => void;
  leave: (member: RoomMember) => void;
  /** Applies the entries this member may publish; anything else is dropped. */
  publish: (member: RoomMember, entries: readonly AwarenessEntry[]) => void;
  /** Every current state as one awareness message, or null when the room is silent. */
  snapshot: () => Uint8Array | null;
  size: () => number;
  members: () => Iterable<RoomMember>;
  destroy: () => void;
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export function createRoom(): Room {
  const awareness = new Awareness(new Y.Doc());
  // The server relays; it is not a participant and has no state of its own.
  awareness.setLocalState(null);
  const bySession = new Map<number, RoomMember>();
  const clientIdOf = new Map<RoomMember, number>();
  // Who first published each client id. Kept after a disconnect, so the other participant
  // cannot take over the id a reconnecting client will come back with.
  const userOfClientId = new Map<number, number>();

  const broadcast = (message: Uint8Array) => {
    for (const member of bySession.values()) member.send(message);
  };

  awareness.on('update', ({ added, updated, removed }: AwarenessChange) => {
    const changed = [...added, ...updated, ...removed];
    broadcast(encodeAwarenessMessage(encodeStatesOf(awareness, changed)));
  });

  const isClaimable = (member: RoomMember, clientId: number) => {
    const owner = userOfClientId.get(clientId);
    if (owner !== undefined && owner !== member.identity.userId) return false;
    for (const [other, id] of clientIdOf) if (id === clientId && other !== member) return false;
    return true;
  };

  const leave = (member: RoomMember) => {
    if (bySession.get(member.sessionId) !== member) return;
    bySession.delete(member.sessionId);
    const clientId = clientIdOf.get(member);
    clientIdOf.delete(member);
    if (clientId !== undefined) removeAwarenessStates(awareness, [clientId], 'disconnect');
  };

  return {
    join(member) {
      const previous = bySession.get(member.sessionId);
      if (previous) {
        leave(previous);
        previous.close(CLOSE_REPLACED, 'replaced by a newer connection from this device');
      }
      bySession.set(member.sessionId, member);
    },
    leave,
    publish(member, entries) {
      if (bySession.get(member.sessionId) !== member) return;
      const accepted: AwarenessEntry[] = [];
      for (const entry of entries) {
        const bound = clientIdOf.get(member);
        // y-websocket clients echo every state they receive; those are not theirs to publish.
        if (bound !== undefined && bound !== entry.clientId) continue;
        if (entry.state === null) {
          if (bound !== undefined) accepted.push(entry);
          continue;
        }
        const state = stampState(entry.state, member.identity);
        if (!state || (bound === undefined && !isClaimable(member, entry.clientId))) continue;
        clientIdOf.set(member, entry.clientId);
        userOfClientId.set(entry.clientId, member.identity.userId);
        accepted.push({ ...entry, state });
      }
      if (accepted.length > 0) {
        applyAwarenessUpdate(awareness, encodeAwarenessUpdate(accepted), member);
      }
    },
    snapshot() {
      const clientIds = [...awareness.getStates().keys()];
      if (clientIds.length === 0) return null;
      return encodeAwarenessMessage(encodeStatesOf(awareness, clientIds));
    },
    size: () => bySession.size,
    members: () => bySession.values(),
    destroy() {
      bySession.clear();
      clientIdOf.clear();
      // Destroying the doc destroys its awareness and the awareness' expiry timer.
      awareness.doc.destroy();
    },
  };
}
