// The presence endpoint (DESIGN §4): y-websocket rooms `/yjs/conversation-<id>` on the
// server's own HTTP port, awareness relay only, in memory. See docs/presence.md.
import { type WebSocket, WebSocketServer } from 'ws';
import { findConversationForParticipant } from '../chat/conversations.ts';
import type { HttpServer } from '../http/server.ts';
import type { Services } from '../services.ts';
import {
  CLOSE_NO_LONGER_A_MEMBER,
  CLOSE_SESSION_ENDED,
  openConnection,
  type PresenceConnection,
  type PresenceLimits,
} from './connection.ts';
import { type AdmittedSocket, authorizeUpgrade, refuseUpgrade, upgradeToken } from './handshake.ts';
import { createRoom, type Room } from './room.ts';
import { isPresencePath } from './room-name.ts';

export const PRESENCE_LIMITS: PresenceLimits = {
  // An awareness state is ~100 bytes of JSON; 8 KB leaves room and nothing for abuse.
  maxMessageBytes: 8 * 1024,
  messagesPerSecond: 20,
  messageBurst: 60,
  maxBufferedBytes: 1024 * 1024,
};

const CLOSE_SERVER_RESTARTING = 1012;
/** Sockets one room holds: two people, each with a few devices and windows. */
const MAX_SOCKETS_PER_ROOM = 16;
/** A socket is dropped when two pings in a row go unanswered: one late pong (a busy event
 * loop on either side) is not a dead peer. */
const MAX_UNANSWERED_PINGS = 2;

export interface Presence {
  /** Closes every presence socket (1012, the client reconnects) and stops the heartbeat. */
  close: () => void;
}

export function attachPresence(http: HttpServer, services: Services): Presence {
  const { log, db, bus } = services;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: PRESENCE_LIMITS.maxMessageBytes,
  });
  const rooms = new Map<number, Room>();
  const connections = new Set<PresenceConnection>();
  let isClosing = false;
  let isCheckingSessions = false;

  const enter = (ws: WebSocket, admitted: AdmittedSocket) => {
    const id = admitted.conversationId;
    const room = rooms.get(id) ?? createRoom();
    rooms.set(id, room);
    const connection = openConnection(ws, room, admitted, PRESENCE_LIMITS, log);
    connections.add(connection);
    // A sign-out anywhere closes this device's presence at once, not at the next
    // heartbeat: nothing is relayed for an ended session.
    const stopListening = bus.subscribe(admitted.identity.userId, (event) => {
      if (event.kind === 'sessionEnded' && event.sessionId === admitted.sessionId) {
        connection.close(CLOSE_SESSION_ENDED, 'the session has ended');
      }
      // Leaving a group, or being removed from it, ends its presence for every device; when
      // events may have been lost, membership is read again.
      if (
        event.kind === 'changes' &&
        event.changes.conversations.some((c) => c.conversationId === id && c.leftUpTo !== null)
      ) {
        connection.close(CLOSE_NO_LONGER_A_MEMBER, 'no longer a member of this conversation');
      } else if (event.kind === 'catchUp') {
        void findConversationForParticipant(db, admitted.identity.userId, id).then(
          (conversation) => {
            if (!conversation || conversation.leftUpTo !== null) {
              connection.close(CLOSE_NO_LONGER_A_MEMBER, 'no longer a member of this conversation');
            }
          },
          (err: unknown) => log.warn({ err }, 'could not re-check a presence member'),
        );
      }
    });
    ws.on('close', () => {
      stopListening();
      connections.delete(connection);
      if (room.size() === 0 && rooms.get(id) === room) {
        rooms.delete(id);
        room.destroy();
      }
    });
  };

  http.addUpgradeHandler((req, socket, head, url) => {
    if (!isPresencePath(url.pathname)) return false;
    if (isClosing) {
      refuseUpgrade(socket, 503, 'the server is restarting');
      return true;
    }
    // The socket idles while the database answers; a reset then must not crash the process.
    const onError = () => socket.destroy();
    socket.on('error', onError);
    authorizeUpgrade(db, url, upgradeToken(req, url), services.config.SESSION_IDLE_DAYS)
      .then((decision) => {
        socket.off('error', onError);
        if (socket.destroyed) return;
        if (!decision.isAdmitted) refuseUpgrade(socket, decision.status, decision.reason);
        else if ((rooms.get(decision.conversationId)?.size() ?? 0) >= MAX_SOCKETS_PER_ROOM) {
          refuseUpgrade(socket, 429, 'this conversation has too many presence connections');
        } else if (isClosing) refuseUpgrade(socket, 503, 'the server is restarting');
        else wss.handleUpgrade(req, socket, head, (ws) => enter(ws, decision));
      })
      .catch((err: unknown) => {
        socket.off('error', onError);
        log.error({ err }, 'presence: could not authorize an upgrade');
        refuseUpgrade(socket, 503, 'presence is unavailable');
      });
    return true;
  });

  // One query per heartbeat for every open socket, instead of one per message: a revoked
  // or expired session loses its presence sockets within one heartbeat (30 s by default).
  const closeEndedSessions = async () => {
    const checked = new Set([...connections].map((c) => c.sessionId));
    if (checked.size === 0) return;
    const live = await db.session.findMany({
      where: { sessionId: { in: [...checked] }, revokedAt: null, expiresAt: { gt: new Date() } },
      select: { sessionId: true },
    });
    const liveIds = new Set(live.map((s) => s.sessionId));
    // Sockets admitted while the query ran were not in it: their sessions were just checked.
    for (const c of connections) {
      if (checked.has(c.sessionId) && !liveIds.has(c.sessionId)) {
        c.close(CLOSE_SESSION_ENDED, 'the session has ended');
      }
    }
  };

  const heartbeat = setInterval(() => {
    for (const c of connections) {
      if (c.unansweredPings >= MAX_UNANSWERED_PINGS) {
        log.debug({ sessionId: c.sessionId }, 'presence: pings unanswered; socket dropped');
        c.ws.terminate();
        continue;
      }
      c.unansweredPings++;
      c.ws.ping();
    }
    if (isCheckingSessions) return;
    isCheckingSessions = true;
    closeEndedSessions()
      .catch((err: unknown) => log.error({ err }, 'presence: session re-check failed'))
      .finally(() => {
        isCheckingSessions = false;
      });
  }, services.config.PRESENCE_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    close() {
      isClosing = true;
      clearInterval(heartbeat);
      for (const c of connections) c.close(CLOSE_SERVER_RESTARTING, 'server restarting');
      // A peer that never answers the close frame must not hold the HTTP server open.
      setTimeout(() => {
        for (const c of connections) c.ws.terminate();
      }, 1000).unref();
    },
  };
}
